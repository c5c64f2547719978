import {describe, expect, it} from 'vitest'
import {AccessLogAnalyzer} from '../../src/core/access-log/analyzer.js'
import {resolveFormat} from '../../src/core/access-log/formats.js'
import {ParsedLine, parseLine} from '../../src/core/access-log/parsed-line.js'

describe('memory is bounded by active sessions, not by the log', () => {
  it('2 million sessions over 2 days: at most the sessions of the last timeout are kept', () => {
    const parser = resolveFormat('combined-cookie', {})
    const rules = {sessionCookie: 'JSESSIONID', cookieName: 'JSESSIONID', base64: false}
    const analyzer = new AccessLogAnalyzer({
      window: {since: null, until: null},
      routeSeparator: '.',
      sessionTimeoutMs: 30 * 60_000,
      redact: {},
      cookieName: 'JSESSIONID',
    })
    const parsed = new ParsedLine()
    const start = Date.UTC(2026, 10, 27, 0, 0, 0)
    const sessions = 2_000_000
    const stepMs = (2 * 86_400_000) / sessions // one new session every 86 ms
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
    const pad = (n: number): string => String(n).padStart(2, '0')
    let stamp = ''
    let stampSecond = -1
    const heapBefore = process.memoryUsage().heapUsed
    for (let i = 0; i < sessions; i++) {
      const t = start + i * stepMs
      const second = Math.floor(t / 1000)
      if (second !== stampSecond) {
        const d = new Date(second * 1000)
        stamp = `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
        stampSecond = second
      }
      const id = i.toString(16).toUpperCase().padStart(32, '0')
      const line = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} - - [${stamp}] "GET / HTTP/1.1" 200 5 "-" "UA" "${id}.node${i % 3}"`
      if (parseLine(parser, line, parsed)) analyzer.add(line, parsed, parser, rules)
    }
    expect(analyzer.counts.sessions).toBe(sessions)
    // 30 min timeout + margin = 37.5 min, plus one sweep interval: about 47 min of sessions at most.
    const perMinute = 60_000 / stepMs
    expect(analyzer.counts.peakActiveSessions).toBeLessThan(50 * perMinute)
    expect(analyzer.activeSessions).toBeLessThan(50 * perMinute)
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024)
  }, 60_000)
})
