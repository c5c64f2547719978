import {renameSync, truncateSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {FileFollower, type FollowSink, LineSplitter, MAX_LINE_BYTES, StreamFollower} from '../../src/core/input/follow.js'
import {append, tempDir, write} from '../watch/helpers.js'

const MB = 1024 * 1024

/** A sink that keeps every line and event handed on. */
function collect(): FollowSink & {lines: string[]; events: string[]} {
  const out = {
    lines: [] as string[],
    events: [] as string[],
    text(text: string) {
      out.lines.push(...text.split('\n'))
    },
    event(kind: string) {
      out.events.push(kind)
    },
  }
  return out
}

/** A FileFollower started at the end of a file of `lines`, and a sink for its reads. */
async function following(lines: readonly string[]): Promise<{file: string; f: FileFollower; sink: ReturnType<typeof collect>}> {
  const file = join(tempDir(), 'access.log')
  write(file, lines)
  const f = new FileFollower(file, false)
  await f.start(10)
  return {file, f, sink: collect()}
}

describe('LineSplitter', () => {
  it('cuts a stream into whole lines whatever the chunk boundaries, a multibyte character split included', () => {
    const text = 'eins\nzwei ü€\n\ndrei\nvier'
    const bytes = Buffer.from(text)
    for (let cut = 1; cut < bytes.length; cut++) {
      const s = new LineSplitter()
      const out = [s.push(bytes.subarray(0, cut)), s.push(bytes.subarray(cut)), s.flush()].filter((t) => t !== null)
      expect(out.join('\n'), `cut at ${cut}`).toBe(text)
    }
  })
  it('keeps a line longer than the limit cut, counted once', () => {
    const s = new LineSplitter()
    for (let i = 0; i < 3; i++) expect(s.push(Buffer.alloc(MAX_LINE_BYTES, 'x'))).toBeNull()
    const text = s.push(Buffer.from('y\nnext\n'))!
    expect(text.split('\n').map((l) => l.length)).toEqual([MAX_LINE_BYTES + 1, 4])
    expect(s.linesCut).toBe(1)
  })
})

describe('FileFollower (tail -F)', () => {
  it('starts at the end: earlier lines are not read, a half-written last line is read once it ends', async () => {
    const file = join(tempDir(), 'access.log')
    writeFileSync(file, 'old 1\nold 2\nhalf')
    const f = new FileFollower(file, false)
    expect(await f.start(10)).toEqual(['old 1', 'old 2'])
    const sink = collect()
    expect(await f.read(sink, MB)).toBe(4)
    expect(sink.lines).toEqual([])
    append(file, ' written\nnew 1\n')
    await f.read(sink, MB)
    expect(sink.lines).toEqual(['half written', 'new 1'])
    await f.close()
  })

  it('--from-start reads the file from its first line', async () => {
    const file = join(tempDir(), 'access.log')
    write(file, ['a', 'b'])
    const f = new FileFollower(file, true)
    expect(await f.start(10)).toEqual([])
    const sink = collect()
    await f.read(sink, MB)
    expect(sink.lines).toEqual(['a', 'b'])
    await f.close()
  })

  it('rotation (rename, new file): the old file is read to its end, then the new one from its start', async () => {
    const {file, f, sink} = await following(['before'])
    append(file, 'l1\n')
    await f.read(sink, MB)
    // Written to the old file after the last read, then rotated: logrotate's rename, the server's new file.
    append(file, 'l2\nl3 unfinished')
    renameSync(file, `${file}.1`)
    await f.read(sink, MB)
    write(file, ['n1', 'n2'])
    await f.read(sink, MB)
    await f.read(sink, MB)
    append(file, 'n3\n')
    await f.read(sink, MB)
    expect(sink.lines).toEqual(['l1', 'l2', 'l3 unfinished', 'n1', 'n2', 'n3'])
    expect(sink.events).toEqual(['rotated'])
    expect(f.rotations).toBe(1)
    await f.close()
  })

  it('a path that does not exist yet is waited for, then read from its start', async () => {
    const file = join(tempDir(), 'later.log')
    const f = new FileFollower(file, false)
    expect(await f.start(10)).toEqual([])
    const sink = collect()
    expect(await f.read(sink, MB)).toBe(0)
    write(file, ['first'])
    await f.read(sink, MB)
    expect(sink.lines).toEqual(['first'])
    await f.close()
  })

  it('truncation (copytruncate): read again from the start, also when the file grew past the old length between polls', async () => {
    const {file, f, sink} = await following(['x1'])
    append(file, 'x2\n')
    await f.read(sink, MB)
    truncateSync(file, 0)
    append(file, 't1\n')
    await f.read(sink, MB)
    // Truncated and written longer than before within one poll: only the first bytes tell.
    writeFileSync(file, 'u1 a much longer first line than before\nu2\n')
    await f.read(sink, MB)
    expect(sink.lines).toEqual(['x2', 't1', 'u1 a much longer first line than before', 'u2'])
    expect(sink.events).toEqual(['truncated', 'truncated'])
    expect(f.truncations).toBe(2)
    await f.close()
  })

  it('a read after close goes on where it was (a half line kept); a file rotated meanwhile is read from its start', async () => {
    const {file, f, sink} = await following(['before'])
    append(file, 'k1\nk2 ha')
    await f.read(sink, MB)
    await f.close()
    append(file, 'lf\nk3\n')
    await f.read(sink, MB)
    await f.close()
    renameSync(file, `${file}.1`)
    write(file, ['r1'])
    await f.read(sink, MB)
    await f.close()
    expect(sink.lines).toEqual(['k1', 'k2 half', 'k3', 'r1'])
    expect(sink.events).toEqual(['rotated'])
  })

  it('reads at most about maxBytes a call and says how far behind it was', async () => {
    const file = join(tempDir(), 'access.log')
    writeFileSync(file, '')
    const f = new FileFollower(file, false)
    await f.start(10)
    append(file, `${'z'.repeat(99)}\n`.repeat(30_000))
    const sink = collect()
    const first = await f.read(sink, MB)
    expect(first).toBeGreaterThanOrEqual(MB)
    expect(first).toBeLessThan(3_000_000)
    while ((await f.read(sink, MB)) > 0);
    expect(sink.lines.length).toBe(30_000)
    expect(f.maxBacklogBytes).toBe(3_000_000)
    expect(f.bytesRead).toBe(3_000_000)
    await f.close()
  })
})

describe('StreamFollower (standard input)', () => {
  it('hands on whole lines and ends after the last one, an unfinished last line included', async () => {
    const input = new PassThrough()
    const f = new StreamFollower('-', input)
    await f.start()
    const sink = collect()
    input.write('a\nb')
    await new Promise((r) => setImmediate(r))
    await f.read(sink, MB)
    expect(f.ended).toBe(false)
    input.end('c\nlast')
    await new Promise((r) => setImmediate(r))
    await f.read(sink, MB)
    expect(sink.lines).toEqual(['a', 'bc', 'last'])
    expect(f.ended).toBe(true)
  })
})
