/**
 * What the users saw, in the terms of ../shared/CONTRACT.md. Computed from the users' own records only, never from a
 * log: the planted truth of a scenario.
 */
import type {RequestRecord} from './traffic.js'

export interface Truth {
  requests: number
  /** Requests that got no answer from a node (status other than 200). */
  failed: number
  requestsWithSession: number
  /** Distinct session ids the users sent, route suffix removed. */
  sessions: number
  /** Requests of a session id answered by another node than the previous request that carried the id. */
  routeFlips: number
  sessionsWithFlips: number
  /** Requests carrying an id answered by another node than the one that issued the id (the session's home). */
  misroutedRequests: number
  /**
   * Sessions lost on a misrouted request: the user sent an id, another node than its home answered and had no such
   * session, so it made a new one (a login included: the login did not save the session).
   */
  sessionsLost: number
  /**
   * Sessions lost at home: the home node answered but no longer had the session. Tomcat's StandardManager stops
   * loading SESSIONS.ser at the first session with an attribute it could not serialize, so every session after it is
   * gone after the restart. Not a `sessionsLost` of the contract (no misrouted request).
   */
  lostAtHome: number
  /** Logins on a live session: ids rotated by changeSessionId (not losses). */
  rotations: number
  /** Requests answered per node. */
  byNode: Record<string, number>
}

const base = (id: string): string => id.split('.')[0]!

export function truthOf(records: readonly RequestRecord[]): Truth {
  const home = new Map<string, string>()
  for (const r of records) if (r.session !== null && r.node !== null && !home.has(r.session)) home.set(r.session, r.node)
  const lastNode = new Map<string, string>()
  const flipped = new Set<string>()
  const truth: Truth = {
    requests: records.length,
    failed: 0,
    requestsWithSession: 0,
    sessions: 0,
    routeFlips: 0,
    sessionsWithFlips: 0,
    misroutedRequests: 0,
    sessionsLost: 0,
    lostAtHome: 0,
    rotations: 0,
    byNode: {},
  }
  const sessions = new Set<string>()
  for (const r of records) {
    // A failed request is in the balancer's log too (with the id it carried), but no node answered it.
    if (r.sentId !== null) {
      truth.requestsWithSession++
      sessions.add(base(r.sentId))
    }
    if (r.status !== 200 || r.node === null) {
      truth.failed++
      continue
    }
    truth.byNode[r.node] = (truth.byNode[r.node] ?? 0) + 1
    if (r.path.startsWith('/app/login') && r.sentId !== null && !r.reset) truth.rotations++
    if (r.sentId === null) continue
    const previous = lastNode.get(r.sentId)
    if (previous !== undefined && previous !== r.node) {
      truth.routeFlips++
      flipped.add(r.sentId)
    }
    lastNode.set(r.sentId, r.node)
    const misrouted = home.get(r.sentId) !== r.node
    if (misrouted) truth.misroutedRequests++
    if (r.reset) {
      if (misrouted) truth.sessionsLost++
      else truth.lostAtHome++
    }
  }
  truth.sessions = sessions.size
  truth.sessionsWithFlips = flipped.size
  return truth
}
