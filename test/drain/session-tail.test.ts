import {renameSync, statSync, truncateSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {candidateParsers, detectFormat} from '../../src/core/access-log/formats.js'
import {LogTail} from '../../src/core/drain/log-tail.js'
import {type LineFormat, SessionCollector} from '../../src/core/drain/session-collector.js'
import {append, cookieLine, sessionId, tempLog} from './helpers.js'

const NOW = Date.parse('2026-11-28T12:00:00Z')
const MIN = 60_000

function choose(lines: string[]): LineFormat | null {
  const d = detectFormat(lines, candidateParsers({}), {cookieName: 'JSESSIONID', base64: false})
  if (d.parsed <= 0) return null
  return {parser: d.parser, rules: {sessionCookie: d.parser.capabilities.sessionCookie, cookieName: 'JSESSIONID', base64: false}}
}

/**
 * A 12-hour log (5 MB): 200 node1 sessions and 100 node2 sessions in turn, a request every 2 s;
 * node2 session n makes no request after NOW - n × 30 s, so the truth is known for any cutoff.
 */
function plantedLog(): {file: string; activeNode2Since: (since: number) => number} {
  const start = NOW - 12 * 60 * MIN
  const ends = new Map<number, number>()
  let text = ''
  for (let t = start; t <= NOW; t += 2000) {
    const k = (t - start) / 2000
    for (const [n, route] of [
      [k % 200, 'node1'],
      [k % 100, 'node2'],
    ] as const) {
      const id = route === 'node2' ? n + 1000 : n
      const end = route === 'node2' ? NOW - n * 30_000 : NOW
      if (route === 'node2' && t > end) continue
      if (route === 'node2') ends.set(id, t)
      text += cookieLine(t, sessionId(id, route), `10.0.${n % 250}.1`)
    }
  }
  return {file: tempLog(text), activeNode2Since: (since) => [...ends.values()].filter((last) => last >= since).length}
}

describe('LogTail + SessionCollector: sessions bound to a node from the end of the log', () => {
  it('counts exactly the node2 sessions active within the timeout, reading only the end of the file', async () => {
    const {file, activeNode2Since} = plantedLog()
    const since = NOW - 30 * MIN
    const collector = new SessionCollector('node2', '.')
    const tail = new LogTail(file)
    await tail.readBack(since, collector, choose)
    const expected = activeNode2Since(since)
    expect(expected).toBe(57) // the planted truth: neither none nor all of the 100
    expect(collector.bound(since).count).toBe(expected)
    expect(collector.bound(NOW - 10 * MIN).count).toBe(activeNode2Since(NOW - 10 * MIN))
    expect(collector.oldest).toBeLessThan(since)
    // 1 MB reads: the 30 minutes sit in the last one, and the one before it shows they are older.
    expect(tail.bytesRead).toBe(2 * 1024 * 1024)
    expect(statSync(file).size).toBeGreaterThan(5 * 1024 * 1024)
    expect(tail.startsInsideWindow).toBe(false)
  })

  it('reads lines appended later, and counts ids first seen on the node after the drain as new sessions', async () => {
    const file = tempLog(cookieLine(NOW - 5 * MIN, sessionId(1, 'node2')) + cookieLine(NOW - 4 * MIN, sessionId(2, 'node1')))
    const collector = new SessionCollector('node2', '.')
    const tail = new LogTail(file)
    await tail.readBack(NOW - 30 * MIN, collector, choose)
    expect(collector.bound(NOW - 30 * MIN).count).toBe(1)
    collector.countNewFrom = NOW
    append(file, cookieLine(NOW + 1000, sessionId(1, 'node2')) + cookieLine(NOW + 2000, sessionId(3, 'node2'), '10.9.9.9'))
    await tail.readNew(collector, choose)
    expect(collector.bound(NOW - 30 * MIN).count).toBe(2)
    expect(collector.newSessions).toBe(1)
  })

  it('a login that rotates the id on the node is not a new session', async () => {
    const file = tempLog(cookieLine(NOW - MIN, sessionId(1, 'node2'), '10.1.1.1'))
    const collector = new SessionCollector('node2', '.')
    const tail = new LogTail(file)
    await tail.readBack(NOW - 30 * MIN, collector, choose)
    collector.countNewFrom = NOW
    append(file, cookieLine(NOW + 1000, sessionId(7, 'node2'), '10.1.1.1'))
    await tail.readNew(collector, choose)
    expect(collector.newSessions).toBe(0)
  })

  it('follows the file through truncation and rotation', async () => {
    const file = tempLog(cookieLine(NOW - MIN, sessionId(1, 'node2')))
    const collector = new SessionCollector('node2', '.')
    const tail = new LogTail(file)
    await tail.readBack(NOW - 30 * MIN, collector, choose)
    truncateSync(file, 0)
    append(file, cookieLine(NOW, sessionId(2, 'node2')))
    await tail.readNew(collector, choose)
    expect(collector.bound(NOW - 30 * MIN).count).toBe(2)
    renameSync(file, `${file}.1`)
    append(file, cookieLine(NOW + 1000, sessionId(3, 'node2')))
    await tail.readNew(collector, choose)
    expect(collector.bound(NOW - 30 * MIN).count).toBe(3)
  })

  it('a half-written last line is read once it ends', async () => {
    const line = cookieLine(NOW, sessionId(5, 'node2'))
    const file = tempLog(cookieLine(NOW - MIN, sessionId(4, 'node1')) + line.slice(0, 40))
    const collector = new SessionCollector('node2', '.')
    const tail = new LogTail(file)
    await tail.readBack(NOW - 30 * MIN, collector, choose)
    expect(collector.bound(NOW - 30 * MIN).count).toBe(0)
    append(file, line.slice(40))
    await tail.readNew(collector, choose)
    expect(collector.bound(NOW - 30 * MIN).count).toBe(1)
    expect(collector.rejected).toBe(0)
  })
})
