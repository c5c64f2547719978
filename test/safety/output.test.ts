import {spawn} from 'node:child_process'
import {
  chmodSync,
  chownSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync as readdir,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {writeReportFile} from '../../src/lib/output.js'
import {binPath} from '../helpers/run-cli.js'

const isRoot = process.getuid?.() === 0
const dir = mkdtempSync(join(tmpdir(), 'sessdoc-output-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function run(cmd: string, args: string[]): Promise<number | null> {
  return new Promise((resolve) => spawn(cmd, args, {stdio: 'ignore'}).on('exit', resolve))
}

describe('--output writes through what is at the path, and keeps a file owner and mode', () => {
  it('a regular file: replaced atomically, its mode kept, no temp file left', async () => {
    const path = join(dir, 'report.prom')
    writeFileSync(path, 'old')
    chmodSync(path, 0o640)
    const before = statSync(path).ino
    await writeReportFile(path, 'new report\n')
    expect(readFileSync(path, 'utf8')).toBe('new report\n')
    expect(statSync(path).mode & 0o777).toBe(0o640)
    expect(statSync(path).ino).not.toBe(before) // renamed over, not rewritten in place
    expect(readdir(dir).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it.runIf(isRoot)('run as root: a file of another user keeps its owner', async () => {
    const path = join(dir, 'owned.json')
    writeFileSync(path, 'old')
    chownSync(path, 4321, 4322)
    await writeReportFile(path, '{}\n')
    expect(statSync(path)).toMatchObject({uid: 4321, gid: 4322})
    expect(readFileSync(path, 'utf8')).toBe('{}\n')
  })

  it('a symlink is written through: the link stays, its target gets the report (atomically beside the target)', async () => {
    const targetDir = join(dir, 'real')
    mkdirSync(targetDir)
    const target = join(targetDir, 'report.json')
    writeFileSync(target, 'old')
    chmodSync(target, 0o604)
    const link = join(dir, 'link.json')
    symlinkSync(target, link)
    await writeReportFile(link, 'through\n')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(target, 'utf8')).toBe('through\n')
    expect(statSync(target).mode & 0o777).toBe(0o604)
    expect(readdir(targetDir)).toEqual(['report.json'])
  })

  it('a dangling symlink (relative): its target is created', async () => {
    const link = join(dir, 'dangling.json')
    symlinkSync('created-by-link.json', link)
    await writeReportFile(link, 'x\n')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(join(dir, 'created-by-link.json'), 'utf8')).toBe('x\n')
  })

  it('a FIFO is written through, not replaced by a file', async () => {
    const fifo = join(dir, 'pipe')
    expect(await run('mkfifo', [fifo])).toBe(0)
    const cat = spawn('cat', [fifo])
    const reader = new Promise<string>((resolve) => {
      let out = ''
      cat.stdout.on('data', (d: Buffer) => (out += d))
      cat.on('exit', () => resolve(out))
    })
    try {
      await writeReportFile(fifo, 'to the reader\n')
      expect(await reader).toBe('to the reader\n')
    } finally {
      cat.kill('SIGKILL')
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true)
  })

  it.runIf(isRoot)('a character device (a private /dev/null) stays a device', async () => {
    const device = join(dir, 'null')
    expect(await run('mknod', [device, 'c', '1', '3'])).toBe(0)
    await writeReportFile(device, 'discarded\n')
    expect(lstatSync(device).isCharacterDevice()).toBe(true)
  })

  it('a directory or a missing directory: a usage error that says what to do', async () => {
    await expect(writeReportFile(dir, 'x')).rejects.toMatchObject({
      message: expect.stringMatching(/is a directory/),
      hint: expect.any(String),
    })
    await expect(writeReportFile(join(dir, 'no/such/dir/r.json'), 'x')).rejects.toMatchObject({
      message: expect.stringMatching(/cannot write/),
    })
  })

  it.runIf(isRoot)('a symlink planted by another user in a sticky world-writable directory is refused', async () => {
    const shared = join(dir, 'shared')
    mkdirSync(shared)
    chmodSync(shared, 0o1777)
    const victim = join(dir, 'victim')
    writeFileSync(victim, 'precious')
    const planted = join(shared, 'report.json')
    symlinkSync(victim, planted)
    lchownSync(planted, 4321, 4321)
    await expect(writeReportFile(planted, 'x')).rejects.toMatchObject({message: expect.stringMatching(/symlink/)})
    expect(readFileSync(victim, 'utf8')).toBe('precious')
  })
})

/** Runs the binary with its stdout on `stdout` ('pipe' closed at once, or a file descriptor). */
function runWithStdout(args: string[], closeAtOnce: boolean, fd?: number): Promise<{code: number | null; stderr: string}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      stdio: ['ignore', fd ?? 'pipe', 'pipe'],
      env: {...process.env, NO_COLOR: '1'},
    })
    if (closeAtOnce) child.stdout?.destroy()
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => (stderr += d))
    child.on('exit', (code) => resolve({code, stderr}))
  })
}

describe('a full or closed standard output', () => {
  const args = ['access-log', 'fixtures/demo/access.log', '--json']
  let fullFd: number
  beforeAll(() => {
    fullFd = openSync('/dev/full', 'w')
  })

  it('a reader that went away (EPIPE): quiet, the verdict exit code', async () => {
    const {code, stderr} = await runWithStdout(args, true)
    expect(stderr).toBe('')
    expect(code).toBe(2) // the demo log's verdict: critical
  })

  it('a full disk (ENOSPC): one error line and exit 3', async () => {
    const {code, stderr} = await runWithStdout(args, false, fullFd)
    expect(code).toBe(3)
    expect(stderr).toMatch(/^Error: cannot write the report to standard output: no space left on device \(ENOSPC\)\nHint: .*--output/)
    expect(stderr).not.toMatch(/\n\s+at /)
  })
})
