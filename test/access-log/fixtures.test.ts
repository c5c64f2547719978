import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {type AccessLogOptions, analyzeAccessLogs} from '../../src/core/access-log/index.js'
import type {AccessLogSection} from '../../src/core/access-log/types.js'

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/access-log/${name}`, import.meta.url))

async function analyze(name: string, extra: Partial<AccessLogOptions> = {}) {
  const result = await analyzeAccessLogs({paths: [fixture(name)], window: {since: null, until: null}, redact: {}, ...extra})
  return {section: result.section as AccessLogSection, ids: result.findings.map((f) => f.id).sort(), findings: result.findings}
}

// The hand-written samples hold the same twelve lines in each format: 1 rejected line, 10 requests
// with a session, 4 sessions, 3 flips in 2 sessions (S1 node1→node2, S2 node2→node1→node2), one
// ;jsessionid= URL, one session (S4) without a route.
const planted = {
  lines: 12,
  parsed: 11,
  rejected: 1,
  requestsWithSession: 10,
  sessions: 4,
  routeFlips: 3,
  sessionsWithFlips: 2,
  sessionIdInUrl: 1,
  sessionsWithoutRoute: 1,
}

describe('hand-written samples of each format', () => {
  it.each([
    ['apache-cookie.log', {}, 'combined-cookie'],
    ['apache-cookie-header.log', {}, 'combined-cookie-header'],
    ['apache-balancer.log', {}, 'combined-balancer'],
    ['nginx.log', {}, 'nginx-cookie'],
    ['haproxy.log', {timeZone: 'Europe/Berlin'}, 'haproxy'],
    ['spring-session.log', {cookieName: 'SESSION'}, 'combined-cookie'],
  ] as const)('%s', async (name, extra, format) => {
    const {section: s, ids} = await analyze(name, extra)
    expect(s.detectedFormat).toBe(format)
    expect({
      lines: s.lines,
      parsed: s.parsed,
      rejected: s.rejected,
      requestsWithSession: s.requestsWithSession,
      sessions: s.sessions,
      routeFlips: s.routeFlips,
      sessionsWithFlips: s.sessionsWithFlips,
      sessionIdInUrl: s.sessionIdInUrl,
      sessionsWithoutRoute: s.sessionsWithoutRoute,
    }).toEqual(name === 'spring-session.log' ? {...planted, sessions: 5} : planted) // Spring: the ;jsessionid= URL holds a Tomcat id, not the UUID
    expect(ids).toEqual(
      expect.arrayContaining(['access.route-flip', 'access.session-id-in-url', 'access.unparsed-lines', 'access.missing-route']),
    )
    expect(s.rejectedSamples[0]).toMatchObject({line: 10})
    expect(s.firstSeen).toBe(name === 'haproxy.log' ? '2026-11-28T09:00:01.120Z' : '2026-11-28T09:00:01.000Z')
  })

  it('apache-cookie.log: routes, pairs, timeline and a flip finding (half the sessions, all kept: a warning)', async () => {
    const {section: s, findings} = await analyze('apache-cookie.log')
    expect(s.routes).toEqual({node1: 3, node2: 4, node3: 2})
    expect(s.flipsByRoutePair).toEqual({'node1 → node2': 2, 'node2 → node1': 1})
    expect(s.failoversKept).toBe(3)
    expect(s.timeline.map((e) => [e.start, e.requests, e.flips])).toEqual([
      ['2026-11-28T09:00:00.000Z', 4, 0],
      ['2026-11-28T09:01:00.000Z', 3, 3],
      ['2026-11-28T09:02:00.000Z', 2, 0],
      ['2026-11-28T09:03:00.000Z', 2, 0],
    ])
    expect(s.timeline[1]!.flipsTo).toEqual({node2: 2, node1: 1})
    const flip = findings.find((f) => f.id === 'access.route-flip')!
    expect(flip.severity).toBe('warning')
    expect(flip.detail).toContain('3 route flips in 2 of 4 sessions (50.0%)')
    // ids are redacted: sid: + 8 hex, never the raw id
    expect(JSON.stringify({s, findings})).not.toContain('4F1C2A9B8E7D6C5B4A3F2E1D0C9B8A70')
    expect(s.flipSamples[0]!.session).toMatch(/^sid:[0-9a-f]{8}$/)
  })

  it('--show-session-ids keeps the ids in the samples', async () => {
    const {section: s} = await analyze('apache-cookie.log', {redact: {showSessionIds: true}})
    expect(s.flipSamples[0]!.session).toBe('4F1C2A9B8E7D6C5B4A3F2E1D0C9B8A70')
  })

  it('unknown routes against --workers, and against the BalancerMember routes of --apache-conf', async () => {
    const byFlag = await analyze('apache-cookie.log', {workers: ['node1', 'node2']})
    expect(byFlag.section.unknownRoutes).toEqual({node3: 2})
    expect(byFlag.ids).toContain('access.unknown-route')
    const conf = {path: 'httpd.conf', text: readFileSync(fixture('httpd.conf'), 'utf8')}
    const byConf = await analyze('apache-cookie.log', {apacheConf: conf, logFormat: 'sticky'})
    expect(byConf.section.knownWorkers).toEqual(['node1', 'node2'])
    expect(byConf.section.unknownRoutes).toEqual({node3: 2})
    expect(byConf.section.detectedFormat).toBe('sticky')
    expect(byConf.section.formatSource).toBe('flag')
  })

  it('balancer fields: worker routes are known workers, so no unknown route', async () => {
    const {section: s} = await analyze('apache-balancer.log')
    expect(s.routeSource).toBe('worker-route')
    expect(s.knownWorkers).toEqual(['node1', 'node2', 'node3'])
    expect(s.unknownRoutes).toEqual({})
  })

  it('nginx: routes are the upstream addresses', async () => {
    const {section: s} = await analyze('nginx.log')
    // requests without a session count for the upstream that served them too
    expect(s.routes).toEqual({'10.0.0.11:8080': 5, '10.0.0.12:8080': 4, '10.0.0.13:8080': 2})
    expect(s.cookieRoutes).toEqual({node1: 3, node2: 4, node3: 2})
  })

  it('haproxy: persistence cookie states from the termination state', async () => {
    const {section: s} = await analyze('haproxy.log')
    expect(s.haproxyCookieStates).toEqual({NN: 2, VN: 9})
  })

  it('a log without the cookie: access.no-session-field, even when a few URLs carry ;jsessionid=', async () => {
    const {section: s, findings} = await analyze('apache-no-cookie.log')
    expect(s.detectedFormat).toBe('combined')
    expect(s.requestsWithSession).toBe(1) // the ;jsessionid= URL
    expect(s.sessionIdsBySource).toEqual({cookie: 0, header: 0, url: 1})
    const finding = findings.find((f) => f.id === 'access.no-session-field')!
    expect(finding.detail).toContain('Only the 1 requests with ;jsessionid= in the URL show an id.')
    expect(finding.detail).toContain(
      '\\"%{User-Agent}i\\" \\"%{JSESSIONID}C\\"" combined-cookie\nCustomLog logs/access_log combined-cookie',
    )
  })

  it('--since/--until keep only the window', async () => {
    const {section: s} = await analyze('apache-cookie.log', {
      window: {since: new Date('2026-11-28T09:01:00Z'), until: new Date('2026-11-28T09:01:59Z')},
    })
    expect(s.outsideWindow).toBe(8)
    expect(s.requestsWithSession).toBe(3)
    expect(s.routeFlips).toBe(1) // S2 node1 → node2 inside the window; S1's flip needs its earlier request
  })

  it('a bad --log-format is an error section that says what to give', async () => {
    const result = await analyzeAccessLogs({
      paths: [fixture('apache-cookie.log')],
      window: {since: null, until: null},
      redact: {},
      logFormat: 'bogus',
    })
    expect(result.section.status).toBe('error')
    expect(result.section.reason).toMatch(/unknown log format 'bogus': give one of combined-cookie/)
  })

  it('a missing file among several is an error entry; the rest is analyzed', async () => {
    const result = await analyzeAccessLogs({
      paths: [fixture('apache-cookie.log'), fixture('missing.log')],
      window: {since: null, until: null},
      redact: {},
    })
    expect(result.section.status).toBe('analyzed')
    expect(result.section.errors).toEqual([{input: fixture('missing.log'), message: expect.stringMatching(/no such file; check the path/)}])
  })
})
