import {execFileSync, spawn} from 'node:child_process'
import {mkdir, mkdtemp, readdir, readlink, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {analyzeAccessLogs} from '../../src/core/access-log/index.js'
import {analyzeTomcatLogs} from '../../src/core/tomcat-log/index.js'
import {binPath} from '../helpers/run-cli.js'
import {figuresOf} from '../helpers/sections.js'

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

describe('impossible and outlying times', () => {
  const request = (time: string, id = 'A'): string =>
    `10.0.0.1 - - [${time} +0000] "GET /p HTTP/1.1" 200 10 "-" "curl/8" "${id.repeat(32)}.n1"`
  const normal = Array.from({length: 20}, (_, i) => request(`28/Nov/2026:10:${String(i).padStart(2, '0')}:00`))
  const noWindow = {since: null, until: null}

  it('a date that does not exist rejects the line instead of rolling over into the next month or day', async () => {
    const path = join(dir, 'impossible.log')
    await writeFile(
      path,
      [...normal, request('31/Feb/2026:10:00:00'), request('28/Nov/2026:25:61:61'), request('29/Feb/2026:10:00:00')].join('\n'),
    )
    const result = await analyzeAccessLogs({paths: [path], window: noWindow, redact: {}})
    expect(result.section).toMatchObject({parsed: 20, rejected: 3, lastSeen: '2026-11-28T10:19:00.000Z'})
  })

  it('an ISO time that does not exist (nginx $time_iso8601) is rejected too', async () => {
    const path = join(dir, 'iso.log')
    const line = (time: string): string => `10.0.0.1 [${time}] "GET /p HTTP/1.1" 200`
    await writeFile(
      path,
      [line('2026-11-28T10:00:00+00:00'), line('2026-02-31T10:00:00+00:00'), line('2026-11-28T24:00:00+00:00')].join('\n'),
    )
    const result = await analyzeAccessLogs({
      paths: [path],
      window: noWindow,
      redact: {},
      logFormat: '$remote_addr [$time_iso8601] "$request" $status',
    })
    expect(result.section).toMatchObject({parsed: 1, rejected: 2})
  })

  it('a line dated 1970 or 9999 stays out of the timeline and the window, and is said', async () => {
    const path = join(dir, 'outliers.log')
    await writeFile(
      path,
      [request('01/Jan/1970:00:00:00'), ...normal.slice(0, 10), request('31/Dec/9999:23:59:59'), ...normal.slice(10)].join('\n'),
    )
    const all = await analyzeAccessLogs({paths: [path], window: noWindow, redact: {}})
    expect(all.section).toMatchObject({
      parsed: 22,
      timesOutOfRange: 2,
      firstSeen: '2026-11-28T10:00:00.000Z',
      lastSeen: '2026-11-28T10:19:00.000Z',
      bucketSeconds: 60,
    })
    expect(figuresOf(all).timeline.length).toBeLessThanOrEqual(20)
    expect(all.section.errors?.map((e) => e.message).join()).toMatch(/2 requests had a time far from the rest/)
    // `--since 2h`: every line is days old; the one dated 9999 must not count as inside.
    const recent = await analyzeAccessLogs({paths: [path], window: {since: new Date(Date.now() - 2 * 3_600_000), until: null}, redact: {}})
    expect(recent.section).toMatchObject({parsed: 22, outsideWindow: 22})
  })

  it('a log that really resumes weeks later keeps its new times after a few lines', async () => {
    const path = join(dir, 'resumed.log')
    const later = Array.from({length: 20}, (_, i) => request(`28/Jan/2027:10:${String(i).padStart(2, '0')}:00`, 'B'))
    await writeFile(path, [...normal, ...later].join('\n'))
    const result = await analyzeAccessLogs({paths: [path], window: noWindow, redact: {}})
    expect(figuresOf(result).lastSeen).toBe('2027-01-28T10:19:00.000Z')
    expect(figuresOf(result).timesOutOfRange).toBeLessThan(8)
  })

  it('Tomcat: 25:99:99 and 31 February are unknown times, not the next day; 1970 stays out', async () => {
    const path = join(dir, 'catalina.out')
    const severe = (time: string): string =>
      `${time} SEVERE [http-nio-8080-exec-1] org.apache.catalina.session.StandardManager.load Exception loading sessions from persistent storage\njava.io.NotSerializableException: com.example.Cart`
    const lines = [
      ...Array.from({length: 5}, (_, i) => severe(`28-Nov-2026 10:0${i}:00.000`)),
      severe('28-Nov-2026 25:99:99.000'),
      severe('31-Feb-2026 10:00:00.000'),
      severe('01-Jan-1970 00:00:00.000'),
    ]
    await writeFile(path, lines.join('\n') + '\n')
    const result = await analyzeTomcatLogs({paths: [path], window: noWindow, redact: {}, timezone: 'UTC'})
    expect(result.section).toMatchObject({
      events: 8,
      timesOutOfRange: 3,
      firstSeen: '2026-11-28T10:00:00.000Z',
      lastSeen: '2026-11-28T10:04:00.000Z',
    })
    expect(figuresOf(result).perHour).toEqual([{hour: '2026-11-28T10:00:00.000Z', count: 5}])
    const recent = await analyzeTomcatLogs({
      paths: [path],
      window: {since: new Date(Date.now() - 2 * 3_600_000), until: null},
      redact: {},
      timezone: 'UTC',
    })
    expect(figuresOf(recent).signatures).toEqual([])
  })
})
