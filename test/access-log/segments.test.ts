import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {generateLog} from '../../fixtures/access-log/generate.mjs'
import {AccessLogAnalyzer, type AnalyzerOptions} from '../../src/core/access-log/analyzer.js'
import {resolveFormat} from '../../src/core/access-log/formats.js'
import {ParsedLine, parseLine} from '../../src/core/access-log/parsed-line.js'
import {exportSegment, joinSegments} from '../../src/core/access-log/segment.js'

const options: AnalyzerOptions = {
  window: {since: null, until: null},
  routeSeparator: '.',
  sessionTimeoutMs: 30 * 60_000,
  redact: {},
  cookieName: 'JSESSIONID',
}
const rules = {sessionCookie: 'JSESSIONID', cookieName: 'JSESSIONID', base64: false}

function analyzePart(lines: string[], trackHead: boolean): AccessLogAnalyzer {
  const parser = resolveFormat('combined-cookie', {})
  const analyzer = new AccessLogAnalyzer({...options, trackHead})
  const parsed = new ParsedLine()
  analyzer.countLines(lines.length)
  for (const [i, line] of lines.entries()) {
    if (parseLine(parser, line, parsed)) analyzer.add(line, parsed, parser, rules)
    else analyzer.reject(line, 'x.log', i + 1)
  }
  return analyzer
}

describe('a file cut into parts (worker threads) gives the figures of one pass', () => {
  let text = ''
  const {truth} = generateLog((t) => (text += t), {lines: 30_000, flipRate: 0.02, seed: 11, stepMs: 100, activeSessions: 300})
  const lines = text.replace(/\n$/, '').split('\n')

  it.each([2, 3, 5])('%i parts', (parts) => {
    const whole = analyzePart(lines, false)
    const joined = new AccessLogAnalyzer(options)
    const segments = Array.from({length: parts}, (_, p) =>
      exportSegment(analyzePart(lines.slice(Math.floor((lines.length * p) / parts), Math.floor((lines.length * (p + 1)) / parts)), true)),
    )
    joinSegments(joined, segments)
    const figures = (a: AccessLogAnalyzer) => ({
      lines: a.counts.lines,
      parsed: a.counts.parsed,
      requestsWithSession: a.counts.requestsWithSession,
      sessions: a.counts.sessions,
      routeFlips: a.counts.routeFlips,
      sessionsWithFlips: a.counts.sessionsWithFlips,
      failoversKept: a.counts.failoversKept,
      firstSeen: a.counts.firstSeen,
      lastSeen: a.counts.lastSeen,
      flipPairs: Object.fromEntries(
        [...a.flipPairs].map(([k, n]) => [`${a.routes.names[Math.floor(k / 65_536)]}>${a.routes.names[k % 65_536]}`, n]),
      ),
      timeline: a.timeline.entries((i) => a.routes.names[i]!).entries,
    })
    expect(figures(whole).routeFlips).toBe(truth.routeFlips)
    expect(figures(joined)).toEqual(figures(whole))
  })
})

// The worker threads themselves run from the build (npm test builds first).
const dist = new URL('../../dist/core/access-log/index.js', import.meta.url)
describe.runIf(existsSync(dist))('worker threads (from dist/)', () => {
  it('two threads on a generated file cut in two: the planted truth', async () => {
    const {analyzeAccessLogs} = (await import(dist.href)) as typeof import('../../src/core/access-log/index.js')
    let text = ''
    const {truth} = generateLog((t) => (text += t), {lines: 40_000, flipRate: 0.01, seed: 5, stepMs: 100, activeSessions: 300})
    const file = join(mkdtempSync(join(tmpdir(), 'sessdoc-threads-')), 'access.log')
    writeFileSync(file, text)
    const result = await analyzeAccessLogs({
      paths: [file],
      window: {since: null, until: null},
      redact: {},
      parallel: {threads: 2, minBytes: 0, partBytes: 1024 * 1024},
    })
    expect(result.section).toMatchObject({
      lines: truth.lines,
      sessions: truth.sessions,
      routeFlips: truth.routeFlips,
      sessionsWithFlips: truth.sessionsWithFlips,
      requestsWithSession: truth.requestsWithSession,
    })
  })
})

describe('default thread count', () => {
  it('follows the idle cores, 1 to 4', async () => {
    const {defaultParallelPlan} = await import('../../src/core/access-log/parallel.js')
    expect(defaultParallelPlan(2, 0.1).threads).toBe(2)
    expect(defaultParallelPlan(2, 1.2).threads).toBe(1)
    expect(defaultParallelPlan(16, 2).threads).toBe(4)
    expect(defaultParallelPlan(1, 5).threads).toBe(1)
  })

  it.skipIf(!existsSync('/proc/loadavg'))('counts a core that another process keeps busy now', async () => {
    const {busyCoresNow} = await import('../../src/core/access-log/parallel.js')
    const spinner = spawn(process.execPath, ['-e', 'for (;;) {}'], {stdio: 'ignore'})
    try {
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(busyCoresNow()).toBeGreaterThanOrEqual(1)
    } finally {
      spinner.kill()
    }
  })
})
