import {LOST_SESSION_GAP_MS} from '../access-log/analyzer.js'
import type {SeenRequest} from './access.js'
import type {IdChangeCause} from './types.js'

/** A login (or another authentication step) by its path: where Spring Security and Tomcat rotate the id. */
const LOGIN_PATH = /login|logon|signin|sign-in|j_security_check|authenticate|\/auth\b|oauth|saml|sso/i

/** One id change of the story: a new id, or the same id with another route suffix. */
export interface IdChange {
  /** The request the change is read from: the last one that carried the old id (or route). */
  at: SeenRequest
  from: string
  /** The route the old id carried then (null: none). */
  fromRoute: string | null
  to: string
  toRoute: string | null
  /** The same id, another route suffix (a failover that kept the id, or a node that reused it). */
  routeOnly: boolean
  cause: IdChangeCause
  why: string
  /** From `at` to the first request that carried the new id or route (0 when none was read). */
  gapMs: number
}

export interface IdChain {
  /** The ids of the story in order, route suffixes removed. */
  ids: string[]
  /** New ids and route changes of one id, in time order. */
  changes: IdChange[]
  /** The requests that carried an id of the chain. */
  requests: SeenRequest[]
  /** Each id's home: the home of the first route it carried. */
  home: Map<string, string | null>
  /** Each route suffix's home (the node whose jvmRoute it is). */
  routeHomes: Map<string, string | null>
}

/**
 * Follows the client from id to id: the next id is the one the response handed out (HAProxy's
 * captured cookie), else the first new id of the same client after the last request of the id,
 * within the session timeout plus five minutes. The cause is read from that last request. Within
 * one id, each change of its route suffix is an id change too, its cause read from the request
 * before it.
 */
export function followClient(
  seen: readonly SeenRequest[],
  first: string,
  timeoutMs: number,
  knownRoutes: ReadonlySet<string>,
  aliases: Readonly<Record<string, string>>,
): IdChain {
  const ids = [first]
  const changes: IdChange[] = []
  const home = new Map<string, string | null>()
  const routeHomes = new Map<string, string | null>()
  const routeHome = (suffix: string): string | null => {
    if (!routeHomes.has(suffix)) routeHomes.set(suffix, homeOfRoute(suffix, seen, knownRoutes, aliases))
    return routeHomes.get(suffix) ?? null
  }
  const homeAt = (r: SeenRequest): string | null => (r.suffix !== null ? routeHome(r.suffix) : (home.get(r.base) ?? null))
  let current = first
  for (let guard = 0; guard < 1000; guard++) {
    const own = seen.filter((r) => r.base === current)
    const firstRoute = own.find((r) => r.suffix !== null)?.suffix ?? null
    home.set(current, firstRoute === null ? null : routeHome(firstRoute))
    changes.push(...routeChanges(own, homeAt, timeoutMs))
    const last = own.at(-1)
    if (last === undefined) break
    const lastIndex = seen.lastIndexOf(last)
    let next: SeenRequest | undefined
    let to: string | null = null
    const handed = own.find((r) => r.handedOut !== null && !ids.includes(r.handedOut))
    if (handed) {
      to = handed.handedOut
      next = seen.find((r) => r.base === to)
    } else {
      next = seen.slice(lastIndex + 1).find((r) => !ids.includes(r.base) && r.address === last.address && r.userAgent === last.userAgent)
      if (next && !(next.time - last.time <= timeoutMs + LOST_SESSION_GAP_MS)) next = undefined
      to = next?.base ?? null
    }
    if (to === null) break
    const at = handed ?? last
    const gapMs = next ? next.time - at.time : 0
    const node = nodeOf(at)
    const atHome = homeAt(at)
    let cause: IdChangeCause
    let why: string
    if (gapMs > timeoutMs) {
      cause = 'expired'
      why = `no request for ${minutes(gapMs)} (session timeout ${minutes(timeoutMs)})`
    } else if (isMisrouted(at, atHome)) {
      cause = 'misrouted'
      why = `the request went to ${node} while the session lived on ${atHome}`
    } else if (at.path !== null && LOGIN_PATH.test(at.path)) {
      cause = 'login'
      why = `${at.method ?? 'a request'} ${at.path} on ${node ?? 'its node'} rotated the id`
    } else {
      cause = 'unknown'
      why =
        node && atHome && node === atHome
          ? `${node}, the session's home, answered with a new id (it no longer had the session)`
          : 'the log does not say why'
    }
    const fromRoute = at.suffix ?? own.slice(0, own.indexOf(at) + 1).findLast((r) => r.suffix !== null)?.suffix ?? null
    const toRoute = seen.find((r) => r.base === to && r.suffix !== null)?.suffix ?? null
    changes.push({at, from: current, fromRoute, to, toRoute, routeOnly: false, cause, why, gapMs})
    ids.push(to)
    current = to
  }
  // In time order: an id's route changes came before the new id its last request led to.
  const order = new Map(seen.map((r, i) => [r, i]))
  changes.sort((a, b) => order.get(a.at)! - order.get(b.at)!)
  const idSet = new Set(ids)
  return {ids, changes, requests: seen.filter((r) => idSet.has(r.base)), home, routeHomes}
}

/**
 * The changes of one id's route suffix (ABC.node1 → ABC.node2), each read from the request before
 * it: served by a node other than the old route's home, that node (or the balancer) re-stamped the
 * id, `misrouted` (a failover); else `unknown` (the log does not show what changed it).
 */
function routeChanges(own: readonly SeenRequest[], homeAt: (r: SeenRequest) => string | null, timeoutMs: number): IdChange[] {
  const changes: IdChange[] = []
  let before: SeenRequest | undefined
  for (const r of own) {
    if (r.suffix === null) continue
    if (before !== undefined && before.suffix !== r.suffix) {
      const node = nodeOf(before)
      const oldHome = homeAt(before)
      const gapMs = r.time - before.time
      let cause: IdChangeCause
      let why: string
      if (isMisrouted(before, oldHome)) {
        cause = 'misrouted'
        why = `the request before went to ${node} while the id's home was ${oldHome}`
        if (node === homeAt(r)) why += `; ${node} put its own route on the id (a failover)`
      } else {
        cause = 'unknown'
        why =
          before.worker === null
            ? 'the log names no backend, so it does not say what changed the route'
            : `the request before was served by ${node}, the id's home; the log does not say what changed the route`
      }
      if (gapMs > timeoutMs) why += ` (no request for ${minutes(gapMs)} before it; session timeout ${minutes(timeoutMs)})`
      changes.push({at: before, from: r.base, fromRoute: before.suffix, to: r.base, toRoute: r.suffix, routeOnly: true, cause, why, gapMs})
    }
    before = r
  }
  return changes
}

/** The backend that served the request, as the contract counts it: the worker, else the id's suffix. */
export function nodeOf(r: SeenRequest): string | null {
  return r.worker ?? r.suffix
}

export function isMisrouted(r: SeenRequest, home: string | null): boolean {
  return home !== null && r.worker !== null && r.worker !== home
}

/** The home of the route the request's id carried (of its id's first route when it carried none). */
export function homeOfRequest(chain: IdChain, r: SeenRequest): string | null {
  return r.suffix !== null ? (chain.routeHomes.get(r.suffix) ?? null) : (chain.home.get(r.base) ?? null)
}

/**
 * A route suffix's home, as access-log finds it: the suffix's alias from the configs; the suffix
 * itself when a backend of that name served anything read (or is a known worker); else the backend
 * that served most of the requests that carried it.
 */
function homeOfRoute(
  suffix: string,
  all: readonly SeenRequest[],
  known: ReadonlySet<string>,
  aliases: Readonly<Record<string, string>>,
): string | null {
  const alias = aliases[suffix]
  if (alias) return alias
  const workers = new Map<string, number>()
  for (const r of all) if (r.suffix === suffix && r.worker !== null) workers.set(r.worker, (workers.get(r.worker) ?? 0) + 1)
  if (workers.size === 0) return suffix
  if (known.has(suffix) || all.some((r) => r.worker === suffix && r.workerIsRoute)) return suffix
  return [...workers].sort((a, b) => b[1] - a[1])[0]![0]
}

function minutes(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`
}
