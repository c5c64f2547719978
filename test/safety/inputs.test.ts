import {execFileSync, spawn} from 'node:child_process'
import {mkdir, mkdtemp, readdir, readlink, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {analyzeAccessLogs} from '../../src/core/access-log/index.js'
import {binPath} from '../helpers/run-cli.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessdoc-inputs-'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/** Resolves once process `pid` holds `path` open (Linux /proc), so a signal finds sessdoc reading, not starting. */
async function whenOpened(pid: number, path: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [])
    for (const fd of fds) if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === path) return
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Runs sessdoc, sends `signal` `afterMs` after it opened `path`, and times how long it takes to exit from then. */
function runAndSignal(args: string[], path: string, afterMs: number, signal: NodeJS.Signals): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], {env: {...process.env, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let sentAt = 0
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    let timer: NodeJS.Timeout | undefined
    void whenOpened(child.pid!, path).then(() => {
      timer = setTimeout(() => {
        sentAt = Date.now()
        child.kill(signal)
      }, afterMs)
    })
    const killer = setTimeout(() => child.kill('SIGKILL'), afterMs + 15_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      clearTimeout(killer)
      resolve({code, stdout, stderr, ms: sentAt ? Date.now() - sentAt : -1})
    })
  })
}

describe('a named pipe (FIFO) that no one writes to', () => {
  it.each([
    ['access-log', 'accessLog', 'SIGTERM'],
    ['tomcat-log', 'tomcatLog', 'SIGINT'],
  ] as const)(
    '%s: %s ends the wait and prints the partial report',
    async (command, key, signal) => {
      const fifo = join(dir, `${command}.fifo`)
      execFileSync('mkfifo', [fifo])
      const run = await runAndSignal([command, fifo, '--json'], fifo, 300, signal)
      expect(run.ms).toBeGreaterThanOrEqual(0)
      expect(run.ms).toBeLessThan(2000)
      const report = JSON.parse(run.stdout) as {partial?: boolean; sources: Record<string, {partial?: boolean}>}
      expect(report.partial).toBe(true)
      expect(report.sources[key]?.partial).toBe(true)
      expect(run.stderr).not.toMatch(/\n\s+at /)
    },
    20_000,
  )

  it('is read when a writer comes', async () => {
    const fifo = join(dir, 'late-writer.fifo')
    execFileSync('mkfifo', [fifo])
    const line = '10.0.0.1 - - [28/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 10 "-" "curl/8" "5A1B2C3D4E5F60718293A4B5C6D7E8F9.n1"\n'
    const reading = runAndSignal(['access-log', fifo, '--json'], fifo, 60_000, 'SIGTERM')
    await new Promise((r) => setTimeout(r, 1000))
    await writeFile(fifo, line.repeat(3))
    const run = await reading
    const report = JSON.parse(run.stdout) as {sources: {accessLog: {lines: number; partial?: boolean}}}
    expect(report.sources.accessLog.lines).toBe(3)
    expect(report.sources.accessLog.partial).toBeUndefined()
  }, 20_000)
})

describe('thousands of small files', () => {
  it('5,000 logs of one front end each: few open at once, no listener warning, every line counted', async () => {
    const many = join(dir, 'many')
    await mkdir(many)
    const start = Date.UTC(2026, 10, 28, 10)
    for (let i = 0; i < 5000; i++) {
      // Successive minutes, as logs shipped in small pieces are; a session moves between two of them.
      const stamp = new Date(start + i * 60_000).toISOString()
      const clf = `${stamp.slice(8, 10)}/Nov/2026:${stamp.slice(11, 19)} +0000`
      const cookie = `${(i % 7).toString(16).padStart(32, 'A')}.n${i % 2}`
      const line = `10.0.0.${i % 250} - - [${clf}] "GET /p HTTP/1.1" 200 10 "-" "curl/8" "${cookie}"\n`
      await writeFile(join(many, `pod-${i}.log`), line.repeat(3))
    }
    const controller = new AbortController()
    let listeners = 0
    let mostListeners = 0
    const add = controller.signal.addEventListener.bind(controller.signal)
    const remove = controller.signal.removeEventListener.bind(controller.signal)
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      mostListeners = Math.max(mostListeners, ++listeners)
      add(...args)
    }) as typeof add
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--
      remove(...args)
    }) as typeof remove
    const warnings: string[] = []
    const onWarning = (w: Error): void => void warnings.push(w.name)
    process.on('warning', onWarning)
    const began = Date.now()
    const result = await analyzeAccessLogs({
      paths: [join(many, '*.log')],
      window: {since: null, until: null},
      redact: {},
      signal: controller.signal,
    })
    process.off('warning', onWarning)
    expect(Date.now() - began).toBeLessThan(30_000)
    expect(result.section).toMatchObject({status: 'analyzed', files: 5000, lines: 15_000, parsed: 15_000, rejected: 0})
    expect(result.section.errors).toBeUndefined()
    // One reader per stream open at a time, not one per file.
    expect(mostListeners).toBeLessThanOrEqual(64)
    expect(warnings).toEqual([])
  }, 60_000)
})
