import {renameSync, truncateSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {Run} from '../../src/core/access-log/index.js'
import {ParsedLine} from '../../src/core/access-log/parsed-line.js'
import type {AccessLogSection} from '../../src/core/access-log/types.js'
import {type WatchOptions, type WatchSection, watch} from '../../src/core/watch/index.js'
import {IntervalCounter} from '../../src/core/watch/intervals.js'
import {append, haproxyLines, tempDir, write} from './helpers.js'

const access = {window: {since: null, until: null}, redact: {}, timeZone: 'UTC'}

describe('IntervalCounter: the analyzer cut into intervals', () => {
  it('counts each request, flip, misrouted request and loss once, in the interval it was read, by route', () => {
    const run = new Run({...access, paths: []})
    const format = run.formatFor(haproxyLines.slice(0, 50))
    const stream = {...format, parsed: new ParsedLine(), file: 'haproxy.log', maxLineLength: 65_536, linesCut: 0}
    const counter = new IntervalCounter(run.analyzer)
    // Lines 1–63 hold the first loss (line 62), 64–111 the other three and HAProxy's DOWN/UP lines.
    run.analyzer.addBlock(haproxyLines.slice(0, 63).join('\n'), stream, 1)
    const first = counter.close(0, 1000)
    const empty = counter.close(1000, 2000)
    run.analyzer.addBlock(haproxyLines.slice(63).join('\n'), stream, 64)
    const third = counter.close(2000, 3000)
    expect(first).toMatchObject({lines: 63, requests: 63, flips: 1, misrouted: 1, lost: 1})
    expect(first.byRoute.node2).toEqual({requests: 20, flips: 1, misrouted: 1, lost: 1})
    expect(empty).toMatchObject({lines: 0, requests: 0, flips: 0, misrouted: 0, lost: 0, byRoute: {}})
    expect(third).toMatchObject({lines: 48, requests: 46, flips: 3, misrouted: 3, lost: 3})
    expect(third.byRoute.node2).toMatchObject({flips: 3, misrouted: 3, lost: 3})
    // The users' record (fixtures/lab/haproxy-insert/truth.json): 4 flips, 4 misrouted, 4 lost.
    expect(counter.closed).toEqual({requests: 109, flips: 4, misrouted: 4, lost: 4})
  })
})

function options(file: string, extra: Partial<WatchOptions> = {}): WatchOptions {
  return {accessLogs: [file], tomcatLogs: [], balancers: [], fromStart: false, intervalMs: 200, pollMs: 20, access, ...extra}
}

const sections = (results: Awaited<ReturnType<typeof watch>>) => ({
  watch: results.find((r) => r.key === 'watch')!.section as WatchSection,
  accessLog: results.find((r) => r.key === 'accessLog')!.section as AccessLogSection,
  findings: results.flatMap((r) => r.findings.map((f) => f.id)),
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('watch', () => {
  it('follows the log through a rotation and a truncation: every line watched is counted, the totals are the users’ record', async () => {
    const dir = tempDir()
    const file = join(dir, 'haproxy.log')
    write(file, [])
    const intervals: string[] = []
    const done = watch(options(file, {durationMs: 1500, onInterval: (i) => intervals.push(`${i.requests}/${i.lost}`)}))
    await sleep(100)
    append(file, `${haproxyLines.slice(0, 40).join('\n')}\n`)
    await sleep(250)
    renameSync(file, `${file}.1`)
    write(file, haproxyLines.slice(40, 70))
    await sleep(250)
    truncateSync(file, 0)
    append(file, `${haproxyLines.slice(70).join('\n')}\n`)
    const s = sections(await done)
    expect(s.watch.stoppedBy).toBe('duration')
    expect(s.watch.totals).toEqual({requests: 109, flips: 4, misrouted: 4, lost: 4})
    expect(s.watch.intervals.reduce((n, i) => n + i.lines, 0)).toBe(111)
    expect(s.watch.files[0]).toMatchObject({rotations: 1, truncations: 1, lines: 111})
    expect(s.watch.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['rotated', 'truncated', 'balancer-log']))
    expect(s.accessLog).toMatchObject({status: 'analyzed', lines: 111, routeFlips: 4, misroutedRequests: 4, sessionsLost: 4})
    expect(intervals.length).toBe(s.watch.intervals.length)
  })

  it('starts at the end of the file: the lines written before are not counted', async () => {
    const file = join(tempDir(), 'haproxy.log')
    write(file, haproxyLines.slice(0, 63))
    const done = watch(options(file, {durationMs: 600}))
    await sleep(150)
    append(file, `${haproxyLines.slice(63).join('\n')}\n`)
    const s = sections(await done)
    expect(s.watch.totals.requests).toBe(46)
    expect(s.accessLog.detectedFormat).toBe('haproxy')
  })

  it('--max-lost 1: ends as soon as the second session is lost, before the lines written after it', async () => {
    const file = join(tempDir(), 'haproxy.log')
    write(file, [])
    const done = watch(options(file, {maxLost: 1, intervalMs: 10_000, durationMs: 20_000}))
    const began = Date.now()
    await sleep(100)
    append(file, `${haproxyLines.slice(0, 66).join('\n')}\n`)
    const s = sections(await done)
    expect(Date.now() - began).toBeLessThan(2000)
    expect(s.watch).toMatchObject({stoppedBy: 'max-lost', maxLost: 1, totals: {requests: 66, flips: 2, misrouted: 2, lost: 2}})
    expect(s.findings).toContain('watch.max-lost')
  })

  it('--max-misrouted 0 ends at the first misrouted request; a signal ends it too', async () => {
    const file = join(tempDir(), 'haproxy.log')
    write(file, haproxyLines.slice(0, 61))
    const s = sections(await watch(options(file, {fromStart: true, maxMisrouted: 0, durationMs: 300})))
    expect(s.watch).toMatchObject({stoppedBy: 'duration', fromStart: true})
    append(file, `${haproxyLines.slice(61).join('\n')}\n`)
    const again = sections(await watch(options(file, {fromStart: true, maxMisrouted: 0, durationMs: 5000})))
    expect(again.watch).toMatchObject({stoppedBy: 'max-misrouted', totals: {misrouted: 4}})
    expect(again.findings).toContain('watch.max-misrouted')
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 150)
    const stopped = sections(await watch(options(file, {signal: controller.signal})))
    expect(stopped.watch.stoppedBy).toBe('signal')
  })
})
