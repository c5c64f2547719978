import {describe, expect, it} from 'vitest'
import {hashId} from '../../src/core/redact.js'
import {buildReport} from '../../src/core/report/report.js'
import type {TraceSection} from '../../src/core/trace/index.js'
import {parseTraceId, type TraceOptions, traceSession} from '../../src/core/trace/index.js'
import {shortPath} from '../../src/render/sections/trace.js'
import {renderText} from '../../src/render/text.js'
import {displayWidth} from '../../src/render/wrap.js'

// fixtures/trace/route-change.log (see its README): user A keeps id A while node1 fails over to node2 (the request at
// 10:01:00 carried A.node1 and was served by node2; the next carries A.node2), then node2 sends A.node2 to node3, which
// hands out a new id C.node3. User B's route changes from node2 to node3 with no request served elsewhere before it.
const ROUTE_CHANGE = 'fixtures/trace/route-change.log'
const BALANCER = 'fixtures/access-log/apache-balancer.log'
const A = '0A1B2C3D4E5F60718293A4B5C6D7E8F9'
const B = 'F9E8D7C6B5A4938271605F4E3D2C1B0A'
const C = '1234ABCD5678EF901234ABCD5678EF90'
const sid = (base: string, route: string): string => `sid:${hashId(base)}.${route}`

async function trace(id: string, extra: Partial<TraceOptions> = {}): Promise<TraceSection> {
  const parsed = parseTraceId(id)
  if (!parsed.ok) throw new Error(parsed.error)
  const result = await traceSession({
    id: parsed.id,
    accessLogs: [ROUTE_CHANGE],
    appLogs: [],
    window: {since: null, until: null},
    redact: {},
    ...extra,
  })
  return result.section as TraceSection
}

const withoutScan = (s: TraceSection) => ({...s, scan: null})

describe('a sid: or raw id with the route it carried (as copied from a report)', () => {
  it('sid:xxxxxxxx.node2, the route the id had after a failover, finds the session as the raw id does', async () => {
    const raw = await trace(`${A}.node2`)
    expect(raw.status).toBe('analyzed')
    const bySid = await trace(sid(A, 'node2'))
    expect(bySid.status).toBe('analyzed')
    expect(withoutScan(bySid)).toEqual(withoutScan(raw))
    expect(bySid.session).toBe(sid(A, 'node2'))
  })

  it('the first route and no route give the same story; only the session asked for differs', async () => {
    const later = await trace(sid(A, 'node2'))
    for (const id of [sid(A, 'node1'), `sid:${hashId(A)}`, A, `${A}.node1`, `${A}.node2`]) {
      const s = await trace(id)
      expect(s.status).toBe('analyzed')
      expect(s.requests).toEqual(later.requests)
      expect(s.idChanges).toEqual(later.idChanges)
    }
  })

  it('a route no request carried: the hash still names the session (the route is not part of it)', async () => {
    const s = await trace(sid(A, 'node9'))
    expect(s.status).toBe('analyzed')
    expect(s.session).toBe(sid(A, 'node9'))
    expect(s.requests).toHaveLength(7)
  })

  it('the existing fixture: sid:…node2 of an id first seen as .node1 (apache-balancer.log)', async () => {
    const first = '4F1C2A9B8E7D6C5B4A3F2E1D0C9B8A70'
    const s = await trace(sid(first, 'node2'), {accessLogs: [BALANCER]})
    expect(s.status).toBe('analyzed')
    expect(s.requests.map((r) => r.session)).toEqual([sid(first, 'node1'), sid(first, 'node1'), sid(first, 'node2'), sid(first, 'node2')])
  })
})

describe('a route suffix change of the same id is an id change', () => {
  it('failover (the request before was served by another node): misrouted, then the loss on node3', async () => {
    const s = await trace(`${A}.node2`)
    expect(s.ids).toEqual([sid(A, 'node1'), sid(A, 'node2'), sid(C, 'node3')])
    expect(s.home).toBe('node1')
    expect(s.requests.map((r) => [r.time?.slice(11, 19), r.node, r.status, r.misrouted, r.session])).toEqual([
      ['10:00:02', 'node1', 200, false, sid(A, 'node1')],
      ['10:00:20', 'node1', 200, false, sid(A, 'node1')],
      ['10:01:00', 'node2', 200, true, sid(A, 'node1')],
      ['10:01:05', 'node2', 302, false, sid(A, 'node2')],
      ['10:02:00', 'node2', 200, false, sid(A, 'node2')],
      ['10:03:00', 'node3', 500, true, sid(A, 'node2')],
      ['10:03:01', 'node3', 200, false, sid(C, 'node3')],
    ])
    expect(s.idChanges).toEqual([
      {
        time: '2026-11-28T10:01:00.000Z',
        from: sid(A, 'node1'),
        to: sid(A, 'node2'),
        cause: 'misrouted',
        routeOnly: true,
        why: "the request before went to node2 while the id's home was node1; node2 put its own route on the id (a failover)",
      },
      {
        time: '2026-11-28T10:03:00.000Z',
        from: sid(A, 'node2'),
        to: sid(C, 'node3'),
        cause: 'misrouted',
        routeOnly: false,
        why: 'the request went to node3 while the session lived on node2',
      },
    ])
    expect(s.verdict.outcome).toBe('lost')
    expect(s.verdict.text).toBe('Lost at 10:03:00: the request went to node3 while the session lived on node2.')
  })

  it('no request served elsewhere before it: unknown, and not called a loss', async () => {
    const s = await trace(B)
    expect(s.ids).toEqual([sid(B, 'node2'), sid(B, 'node3')])
    expect(s.requests.map((r) => r.misrouted)).toEqual([false, false, false])
    expect(s.idChanges).toEqual([
      {
        time: '2026-11-28T10:00:40.000Z',
        from: sid(B, 'node2'),
        to: sid(B, 'node3'),
        cause: 'unknown',
        routeOnly: true,
        why: "the request before was served by node2, the id's home; the log does not say what changed the route",
      },
    ])
    expect(s.verdict).toEqual({
      outcome: 'alive',
      text: 'No loss seen: 3 request(s) from 10:00:10 to 10:01:30 on node2, node3; the id kept its value but its route changed from node2 to node3 between 10:00:40 and 10:01:30 (whether the session itself moved, the logs cannot tell).',
      findingIds: ['access.route-flip'],
    })
  })

  it('apache-balancer.log: .node1 → .node2 and .node2 → .node1 → .node2, each unknown (misrouted 0, as access-log counts)', async () => {
    const first = '4F1C2A9B8E7D6C5B4A3F2E1D0C9B8A70'
    const s = await trace(first, {accessLogs: [BALANCER]})
    expect(s.idChanges.map((c) => [c.time, c.from, c.to, c.cause])).toEqual([
      ['2026-11-28T09:00:30.000Z', sid(first, 'node1'), sid(first, 'node2'), 'unknown'],
    ])
    expect(s.requests.filter((r) => r.misrouted)).toEqual([])
    const second = '9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C40'
    const t = await trace(second, {accessLogs: [BALANCER]})
    expect(t.idChanges.map((c) => [c.time, c.from, c.to, c.cause])).toEqual([
      ['2026-11-28T09:00:05.000Z', sid(second, 'node2'), sid(second, 'node1'), 'unknown'],
      ['2026-11-28T09:01:12.000Z', sid(second, 'node1'), sid(second, 'node2'), 'unknown'],
    ])
  })

  it('text: the summary and the id changes table list it', async () => {
    const s = await trace(B)
    const text = renderText(buildReport({results: [{key: 'trace', section: s, findings: []}]}), {width: 80})
    expect(text).not.toMatch(/Id changes\s+│ none/)
    expect(text).toMatch(/│ Id changes +│ unknown \(same id, new route\) +│/)
    expect(text).toContain(`│ 10:00:40 │ ${sid(B, 'node2')} │ ${sid(B, 'node3')} │ unknown │\n`)
    // Why, under the table, one note a change (a Why column of 15 would wrap it over 9 lines at 80 columns).
    expect(text).toContain(
      "  10:00:40 unknown: the request before was served by node2, the id's home; the\n  log does not say what changed the route.\n",
    )
  })
})

describe('the text report at 80 columns', () => {
  it.each([
    ['/app/cart', 20, '/app/cart'],
    ['/app/orders/2026/11/28/981723/items/4417/shipping-address/edit', 30, '/app/orders/2026/11/28/…/edit'],
    ['/app/orders/2026/11/28/981723/items/', 24, '/app/orders/…/items/'],
    ['/app/checkout/payment/confirm-with-three-d-secure-challenge', 24, '/app/checkout/payment/c…'],
    ['relative-target-without-any-slash', 12, 'relative-ta…'],
  ])('shortPath(%j, %i) = %j', (path, width, short) => {
    expect(shortPath(path, width)).toBe(short)
    expect(displayWidth(shortPath(path, width))).toBeLessThanOrEqual(width)
  })

  const render = (s: TraceSection, showSessionIds = false): string[] =>
    renderText(buildReport({results: [{key: 'trace', section: s, findings: []}]}), {width: 80, showSessionIds}).split('\n')

  /** The lines of the table titled `title`, borders included. */
  const table = (lines: string[], title: string): string[] => {
    const start = lines.findIndex((l) => l.startsWith(title))
    const end = lines.findIndex((l, i) => i > start && l.startsWith('└'))
    return lines.slice(start + 1, end + 1)
  }

  it.each([
    ['redacted', false],
    ['--show-session-ids', true],
  ])('%s: no line over 80 columns, one line per request, time, node and status whole', async (_name, show) => {
    const s = await trace(`${A}.node2`, {redact: {showSessionIds: show}})
    const lines = render(s, show)
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(80)
    const rows = table(lines, 'Requests').filter((l) => l.startsWith('│'))
    // The head and one line for each of the 7 requests: no cell wrapped, no row folded.
    expect(rows).toHaveLength(8)
    const cells = rows.slice(1).map((l) =>
      l
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim()),
    )
    expect(cells.map((c) => [c[0], c[1], c[3]])).toEqual([
      ['10:00:02', 'node1', '200'],
      ['10:00:20', 'node1', '200'],
      ['10:01:00', 'node2 *', '200'],
      ['10:01:05', 'node2', '302'],
      ['10:02:00', 'node2', '200'],
      ['10:03:00', 'node3 *', '500'],
      ['10:03:01', 'node3', '200'],
    ])
    // A long path keeps its start and its last segment, or its start when the last segment alone is too long.
    expect(cells.map((c) => c[2])).toEqual([
      'GET /app/login',
      'GET /app/cart',
      'GET /app/cart',
      show ? 'GET /app/checkout/pa…' : 'GET /app/checkout/paymen…',
      show ? 'GET /app/…/edit' : 'GET /app/orders/…/edit',
      'GET /app/orders',
      'GET /app/orders',
    ])
    expect(lines).toContain('  * misrouted: served by a node other than the home of the route its id carried.')
  })

  it('long upstream names and routes, over midnight: still one line a request within 80 columns', async () => {
    const s = await trace(`${A}.node2`)
    const long: TraceSection = {
      ...s,
      requests: s.requests.map((r, i) => ({
        ...r,
        time: i < 3 ? r.time!.replace('T10', 'T23') : r.time!.replace('28T10', '29T00'),
        node: `10.100.200.${120 + i}:8080`,
        session: r.session.replace(/node(\d)$/, 'tomcat-prod-eu-west-1a-$1'),
      })),
    }
    const lines = render(long)
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(80)
    const rows = table(lines, 'Requests (UTC)').filter((l) => l.startsWith('│'))
    expect(rows).toHaveLength(8)
    expect(rows[1]).toBe('│ 11-28 23:00:02 │ …00.120:8080   │ GET /app/login │ 200    │ sid:183debfc.t…1 │')
  })

  it('the lab trace (fixtures/lab/apache-restart) fits too', async () => {
    const s = await trace('5C4E81AA55362508731D20EFC79CDFFC.node3', {accessLogs: ['fixtures/lab/apache-restart/access.log']})
    const lines = render(s)
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(80)
    expect(table(lines, 'Requests').filter((l) => l.startsWith('│'))).toHaveLength(9)
  })
})
