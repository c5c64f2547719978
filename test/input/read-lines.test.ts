import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {gzipSync} from 'node:zlib'
import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {expandInputs, sortRotated} from '../../src/core/input/expand-inputs.js'
import {BlockSplitter, type FileReadResult, readLines} from '../../src/core/input/read-lines.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessdoc-input-'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

async function collect(input: string, options: Parameters<typeof readLines>[2] = {}): Promise<{lines: string[]; result: FileReadResult}> {
  const lines: string[] = []
  const result = await readLines(input, (batch) => lines.push(...batch), options)
  return {lines, result}
}

describe('readLines', () => {
  it('reads a plain file, CRLF and a last line without newline', async () => {
    const path = join(dir, 'plain.log')
    await writeFile(path, 'one\r\ntwo\nthree')
    const {lines, result} = await collect(path)
    expect(lines).toEqual(['one', 'two', 'three'])
    expect(result).toMatchObject({lines: 3, gzip: false, truncatedLines: 0})
    expect(result.error).toBeUndefined()
  })

  it('decompresses gzip by its magic bytes, whatever the name', async () => {
    const path = join(dir, 'rotated.log.1')
    await writeFile(path, gzipSync('a\nb\n'))
    const {lines, result} = await collect(path)
    expect(lines).toEqual(['a', 'b'])
    expect(result.gzip).toBe(true)
  })

  it('keeps the lines before the damage of a truncated gzip and says so', async () => {
    const body = Array.from({length: 20_000}, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n')
    const gz = gzipSync(body)
    const path = join(dir, 'cut.log.gz')
    await writeFile(path, gz.subarray(0, Math.floor(gz.length * 0.6)))
    const {lines, result} = await collect(path)
    expect(result.error).toMatch(/truncated or corrupt gzip/)
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.length).toBeLessThan(20_000)
    expect(lines[0]).toBe(`line 0 ${'x'.repeat(40)}`)
  })

  it.each([
    ['a missing file', () => join(dir, 'nope.log'), /no such file/],
    ['a directory', () => dir, /is a directory/],
  ])('reports %s as an error with what to do', async (_name, path, message) => {
    const {lines, result} = await collect(path())
    expect(lines).toEqual([])
    expect(result.error).toMatch(message)
  })

  it('reads standard input, plain or gzip', async () => {
    const plain = await collect('-', {stdin: Readable.from([Buffer.from('x\ny\n')])})
    expect(plain.lines).toEqual(['x', 'y'])
    const zipped = await collect('-', {stdin: Readable.from([gzipSync('p\nq\n')])})
    expect(zipped.lines).toEqual(['p', 'q'])
    expect(zipped.result.gzip).toBe(true)
  })

  it('cuts a 10 MB line to the cap and goes on with the next line', async () => {
    const path = join(dir, 'huge.log')
    await writeFile(path, `before\n${'A'.repeat(10 * 1024 * 1024)}\nafter\n`)
    const {lines, result} = await collect(path, {maxLineBytes: 1000})
    expect(lines).toEqual(['before', 'A'.repeat(1000), 'after'])
    expect(result.truncatedLines).toBe(1)
  })

  it('handles a file with no newline at all', async () => {
    const path = join(dir, 'flat.log')
    await writeFile(path, 'B'.repeat(300_000))
    const {lines, result} = await collect(path, {maxLineBytes: 100_000})
    expect(lines).toEqual(['B'.repeat(100_000)])
    expect(result.truncatedLines).toBe(1)
  })
})

describe('BlockSplitter', () => {
  it('yields the same lines however the bytes are chunked and blocks cut (multi-byte characters included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({unit: fc.constantFrom('a', 'é', '€', '😀', '\n', '\r\n', ' ')}), {maxLength: 30}),
        fc.array(fc.integer({min: 1, max: 17}), {minLength: 1, maxLength: 10}),
        fc.integer({min: 1, max: 9}),
        (parts, cuts, maxBlockBytes) => {
          const text = parts.join('')
          const bytes = Buffer.from(text)
          const splitter = new BlockSplitter(1 << 20, maxBlockBytes)
          const blocks: string[] = []
          let at = 0
          let i = 0
          while (at < bytes.length) {
            const size = cuts[i++ % cuts.length]!
            blocks.push(...splitter.push(bytes.subarray(at, at + size)))
            at += size
          }
          blocks.push(...splitter.end())
          const out = blocks.flatMap((block) => block.split('\n')).map((l) => l.replace(/\r$/, ''))
          const expected = text.split('\n').map((l) => l.replace(/\r$/, ''))
          if (expected.at(-1) === '') expected.pop()
          expect(out).toEqual(expected)
        },
      ),
    )
  })
})

describe('expandInputs', () => {
  it('expands globs, reads rotated sets oldest first, and keeps stdin', async () => {
    const logs = join(dir, 'rot')
    await mkdir(logs)
    for (const name of ['access.log', 'access.log.1', 'access.log.2.gz', 'access.log.10.gz']) await writeFile(join(logs, name), 'x\n')
    const {files, errors} = await expandInputs([`${logs}/access.log*`, '-'])
    expect(errors).toEqual([])
    expect(files.map((f) => f.split('/').pop())).toEqual(['access.log.10.gz', 'access.log.2.gz', 'access.log.1', 'access.log', '-'])
  })

  it('a glob that matches directories reads the logs inside each (node*/logs), as one directory does', async () => {
    for (const node of ['node1', 'node2']) {
      await mkdir(join(dir, 'nodes', node, 'logs'), {recursive: true})
      await writeFile(join(dir, 'nodes', node, 'logs', 'catalina.out'), 'x\n')
      await writeFile(join(dir, 'nodes', node, 'logs', 'setenv.sh'), 'x\n')
    }
    const {files, errors} = await expandInputs([`${dir}/nodes/node*/logs`])
    expect(errors).toEqual([])
    expect(files.map((f) => f.split('/').slice(-3).join('/')).sort()).toEqual(['node1/logs/catalina.out', 'node2/logs/catalina.out'])
  })

  it('reports a glob that matches nothing', async () => {
    const {files, errors} = await expandInputs([`${dir}/none-*.log`])
    expect(files).toEqual([])
    expect(errors[0]?.message).toMatch(/no file matches/)
  })

  it('reads a directory as the log files in it, leaving scripts and data out', async () => {
    const logs = join(dir, 'logdir')
    await mkdir(logs)
    for (const name of ['catalina.out', 'catalina.out.1.gz', 'generate.mjs', 'truth.json', 'app.pid'])
      await writeFile(join(logs, name), 'x\n')
    const {files} = await expandInputs([logs])
    expect(files).toEqual([join(logs, 'catalina.out.1.gz'), join(logs, 'catalina.out')])
  })

  it('passes a plain missing path through, to be reported when opened', async () => {
    const {files} = await expandInputs([join(dir, 'missing.log')])
    expect(files).toEqual([join(dir, 'missing.log')])
  })

  it('sorts dated rotations by date before the live file', () => {
    expect(sortRotated(['app.log', 'app.log-20261127', 'app.log-20261126.gz'])).toEqual([
      'app.log-20261126.gz',
      'app.log-20261127',
      'app.log',
    ])
  })
})

describe('odd inputs', () => {
  it('reads an empty file as zero lines, no error', async () => {
    const path = join(dir, 'empty.log')
    await writeFile(path, '')
    const {lines, result} = await collect(path)
    expect(lines).toEqual([])
    expect(result).toMatchObject({lines: 0, bytes: 0})
    expect(result.error).toBeUndefined()
  })

  it('passes NUL bytes and invalid UTF-8 through as text, never throwing', async () => {
    const path = join(dir, 'binary.log')
    await writeFile(path, Buffer.concat([Buffer.from('ok\n'), Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from('after\n')]))
    const {lines} = await collect(path)
    expect(lines).toHaveLength(3)
    expect(lines[0]).toBe('ok')
    expect(lines[1]).toContain('\u0000')
    expect(lines[1]).toContain('\ufffd')
    expect(lines[2]).toBe('after')
  })

  it('reads a FIFO until its writer closes', async () => {
    const {execFileSync} = await import('node:child_process')
    const {createWriteStream} = await import('node:fs')
    const fifo = join(dir, 'pipe.log')
    execFileSync('mkfifo', [fifo])
    const reading = collect(fifo)
    const writer = createWriteStream(fifo)
    writer.end('from\nthe\npipe\n')
    const {lines, result} = await reading
    expect(lines).toEqual(['from', 'the', 'pipe'])
    expect(result.error).toBeUndefined()
  })

  it('keeps reading a file that is truncated while being read (log rotation)', async () => {
    const {truncate} = await import('node:fs/promises')
    const path = join(dir, 'rotating.log')
    await writeFile(path, Array.from({length: 200_000}, (_, i) => `line ${i}`).join('\n'))
    let truncated = false
    const lines: string[] = []
    const result = await readLines(
      path,
      (batch) => {
        lines.push(...batch)
        if (!truncated) {
          truncated = true
          void truncate(path, 0)
        }
      },
      {chunkBytes: 64 * 1024},
    )
    expect(result.error).toBeUndefined()
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.length).toBeLessThanOrEqual(200_000)
  })
})

describe('abort', () => {
  it('ends a read that waits on a silent pipe, keeping what came before', async () => {
    const {PassThrough} = await import('node:stream')
    const stdin = new PassThrough()
    stdin.write('first\nsecond\n')
    const controller = new AbortController()
    const lines: string[] = []
    const reading = readLines('-', (batch) => lines.push(...batch), {stdin, signal: controller.signal})
    await new Promise((r) => setTimeout(r, 100))
    controller.abort()
    const result = await reading
    expect(lines).toEqual(['first', 'second'])
    expect(result.interrupted).toBe(true)
    expect(result.error).toBeUndefined()
  })
})
