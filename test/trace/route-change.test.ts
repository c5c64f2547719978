import {describe, expect, it} from 'vitest'
import {hashId} from '../../src/core/redact.js'
import type {TraceSection} from '../../src/core/trace/index.js'
import {parseTraceId, type TraceOptions, traceSession} from '../../src/core/trace/index.js'

// fixtures/trace/route-change.log (see its README): user A keeps id A while node1 fails over to node2 (the request at
// 10:01:00 carried A.node1 and was served by node2; the next carries A.node2), then node2 sends A.node2 to node3, which
// hands out a new id C.node3. User B's route changes from node2 to node3 with no request served elsewhere before it.
const ROUTE_CHANGE = 'fixtures/trace/route-change.log'
const BALANCER = 'fixtures/access-log/apache-balancer.log'
const A = '0A1B2C3D4E5F60718293A4B5C6D7E8F9'
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
