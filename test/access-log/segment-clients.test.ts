import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {CHURN_LOG_FORMAT, type ChurnLogOptions, generateChurnLog} from '../../fixtures/access-log/generate-churn.mjs'
import {AccessLogAnalyzer} from '../../src/core/access-log/analyzer.js'
import {ParsedLine, parseLine} from '../../src/core/access-log/parsed-line.js'
import {accessLogResult} from '../../src/core/access-log/result.js'
import {Run} from '../../src/core/access-log/run.js'
import {exportSegment, joinSegments} from '../../src/core/access-log/segment.js'
import type {AccessLogOptions, AccessLogSection} from '../../src/core/access-log/types.js'

// The figures that follow a client from one session id to the next (churn, lost sessions), on a file
// cut into parts as the worker threads cut it: the same as one pass over the file.

function churnLog(options: ChurnLogOptions): {lines: string[]; truth: ReturnType<typeof generateChurnLog>['truth']} {
  let text = ''
  const {truth} = generateChurnLog((t) => (text += t), options)
  return {lines: text.replace(/\n$/, '').split('\n'), truth}
}

/** The section of `lines` in one pass (no cut), or cut before each line index of `cuts` and joined as the workers' parts are. */
function sectionWithCuts(lines: readonly string[], cuts: readonly number[]): AccessLogSection {
  const input: AccessLogOptions = {paths: ['churn.log'], window: {since: null, until: null}, redact: {}, logFormat: CHURN_LOG_FORMAT}
  const run = new Run(input)
  const {parser, rules} = run.formatFor(lines.slice(0, 100), 'churn.log')
  const feed = (a: AccessLogAnalyzer, slice: readonly string[]): AccessLogAnalyzer => {
    const parsed = new ParsedLine()
    a.countLines(slice.length)
    for (const line of slice) if (parseLine(parser, line, parsed)) a.add(line, parsed, parser, rules)
    return a
  }
  if (cuts.length === 0) feed(run.analyzer, lines)
  else {
    const bounds = [0, ...cuts, lines.length]
    const parts = bounds
      .slice(0, -1)
      .map((start, i) =>
        exportSegment(feed(new AccessLogAnalyzer({...run.analyzerOptions, trackHead: true}), lines.slice(start, bounds[i + 1]))),
      )
    joinSegments(run.analyzer, parts)
  }
  run.noteFile({input: 'churn.log', lines: lines.length, bytes: 0, truncatedLines: 0, gzip: false})
  return comparable(accessLogResult(run, input).section as AccessLogSection)
}

/** Each part starts with no session, so the peak of active sessions is the peak of a part; a flip right at a cut has no sample. */
function comparable(section: AccessLogSection): AccessLogSection {
  return {...section, peakActiveSessions: 0, flipSamples: []}
}

const evenCuts = (lines: readonly string[], parts: number): number[] =>
  Array.from({length: parts - 1}, (_, p) => Math.floor((lines.length * (p + 1)) / parts))

/** Cut sets at random lines (a fixed seed). */
function randomCuts(lines: readonly string[], sets: number, seed: number): number[][] {
  let s = seed
  const random = (): number => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648
  return Array.from({length: sets}, () => {
    const n = 1 + Math.floor(random() * 10)
    const cuts = Array.from({length: n}, () => 1 + Math.floor(random() * (lines.length - 1)))
    return [...new Set(cuts)].sort((a, b) => a - b)
  })
}

const clientFigures = (s: AccessLogSection) => ({churnEvents: s.churnEvents, churnClients: s.churnClients, sessionsLost: s.sessionsLost})

describe('clients followed across the cuts: churn and lost sessions as in one pass', () => {
  // 200 users, a new id every 2 minutes; one in 4 keeps its address (a client that churns), sits out
  // one generation in 3 and ends one generation in 5 on another worker (its next id is a lost session).
  // Parts of 2 to 16 make parts shorter than the churn window and than the eviction time.
  const {lines, truth} = churnLog({lines: 30_000, users: 200, requestsEach: 10, keepEvery: 4, skipEvery: 3, misrouteRate: 0.2, seed: 3})
  const whole = sectionWithCuts(lines, [])

  it('the log has what the test is about', () => {
    expect(truth.generations).toBeGreaterThanOrEqual(14)
    expect(whole.churnClients).toBe(truth.keepers)
    expect(whole.churnEvents).toBeGreaterThan(300)
    expect(whole.sessionsLost).toBeGreaterThan(50)
    expect(whole.timeline.some((e) => e.churn > 0 && (e.lost ?? 0) > 0)).toBe(true)
  })

  it.each([2, 3, 5, 8, 16])('%i equal parts: every figure of the section', (parts) => {
    const joined = sectionWithCuts(lines, evenCuts(lines, parts))
    expect(clientFigures(joined)).toEqual(clientFigures(whole))
    expect(joined).toEqual(whole)
  })

  it('cuts at random lines', () => {
    for (const cuts of randomCuts(lines, 6, 17)) expect(sectionWithCuts(lines, cuts), `cuts ${cuts}`).toEqual(whole)
  })
})

describe('clients idle about the eviction time, on both sides of a cut', () => {
  // One pass forgets a client (and its session) at the first sweep after it was idle the timeout plus
  // a margin (37.5 minutes here): one that churned and comes back churning after 40 to 48 minutes is
  // one churning client or two, by the sweep. Sweeps run at the same requests in every part.
  it.each([false, true])('coming back with its old id: %s', (pauseSameId) => {
    const {lines} = churnLog({
      lines: 24_000,
      users: 50,
      requestsEach: 10,
      keepEvery: 2,
      skipEvery: 5,
      misrouteRate: 0.3,
      seed: 5,
      pauseEvery: 2,
      pauseSameId,
    })
    const whole = sectionWithCuts(lines, [])
    // Some of the 12 paused clients are forgotten, some not: both sides of the eviction are here.
    expect(whole.churnClients).toBeGreaterThan(25)
    expect(whole.churnClients).toBeLessThan(25 + 12)
    for (const cuts of [...randomCuts(lines, 8, 5), evenCuts(lines, 7)]) expect(sectionWithCuts(lines, cuts), `cuts ${cuts}`).toEqual(whole)
  })
})

// Through the worker threads themselves: from the build (npm test builds first).
const dist = new URL('../../dist/core/access-log/index.js', import.meta.url)
describe.runIf(existsSync(dist))('worker threads (from dist/)', () => {
  it('three threads: the section of one thread', async () => {
    const {analyzeAccessLogs} = (await import(dist.href)) as typeof import('../../src/core/access-log/index.js')
    let text = ''
    generateChurnLog((t) => (text += t), {
      lines: 30_000,
      users: 200,
      requestsEach: 10,
      keepEvery: 4,
      skipEvery: 3,
      misrouteRate: 0.2,
      seed: 3,
    })
    const file = join(mkdtempSync(join(tmpdir(), 'sessdoc-churn-')), 'access.log')
    writeFileSync(file, text)
    const read = async (parallel: AccessLogOptions['parallel']) => {
      const result = await analyzeAccessLogs({
        paths: [file],
        window: {since: null, until: null},
        redact: {},
        logFormat: CHURN_LOG_FORMAT,
        parallel,
      })
      return comparable(result.section as AccessLogSection)
    }
    const one = await read(false)
    const three = await read({threads: 3, minBytes: 0, partBytes: 1024 * 1024})
    expect(one.churnClients).toBe(50)
    expect(clientFigures(three)).toEqual(clientFigures(one))
    expect(three).toEqual(one)
  })
})
