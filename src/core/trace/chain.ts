import {LOST_SESSION_GAP_MS} from '../access-log/analyzer.js'
import type {SeenRequest} from './access.js'
import type {IdChangeCause} from './types.js'

/** A login (or another authentication step) by its path: where Spring Security and Tomcat rotate the id. */
const LOGIN_PATH = /login|logon|signin|sign-in|j_security_check|authenticate|\/auth\b|oauth|saml|sso/i

export interface IdChain {
  ids: string[]
  changes: Array<{at: SeenRequest; from: string; to: string; cause: IdChangeCause; why: string; gapMs: number}>
  /** The requests that carried an id of the chain. */
  requests: SeenRequest[]
  home: Map<string, string | null>
}

/**
 * Follows the client from id to id: the next id is the one the response handed out (HAProxy's
 * captured cookie), else the first new id of the same client after the last request of the id,
 * within the session timeout plus five minutes. The cause is read from that last request.
 */
export function followClient(
  seen: readonly SeenRequest[],
  first: string,
  timeoutMs: number,
  knownRoutes: ReadonlySet<string>,
  aliases: Readonly<Record<string, string>>,
): IdChain {
  const ids = [first]
  const changes: IdChain['changes'] = []
  const home = new Map<string, string | null>()
  let current = first
  for (let guard = 0; guard < 1000; guard++) {
    const own = seen.filter((r) => r.base === current)
    home.set(current, homeOf(own, knownRoutes, aliases, seen))
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
    const atHome = home.get(current) ?? null
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
    changes.push({at, from: current, to, cause, why, gapMs})
    ids.push(to)
    current = to
  }
  const idSet = new Set(ids)
  return {ids, changes, requests: seen.filter((r) => idSet.has(r.base)), home}
}

/** The backend that served the request, as the contract counts it: the worker, else the id's suffix. */
export function nodeOf(r: SeenRequest): string | null {
  return r.worker ?? r.suffix
}

export function isMisrouted(r: SeenRequest, home: string | null): boolean {
  return home !== null && r.worker !== null && r.worker !== home
}

/**
 * The session's home: the suffix's alias from the configs; the suffix itself when a backend of that
 * name served anything read (or is a known worker); else the backend that served most of its requests.
 */
function homeOf(
  own: readonly SeenRequest[],
  known: ReadonlySet<string>,
  aliases: Readonly<Record<string, string>>,
  all: readonly SeenRequest[],
): string | null {
  const suffix = own.find((r) => r.suffix !== null)?.suffix ?? null
  if (suffix === null) return null
  const alias = aliases[suffix]
  if (alias) return alias
  const workers = new Map<string, number>()
  for (const r of own) if (r.worker !== null) workers.set(r.worker, (workers.get(r.worker) ?? 0) + 1)
  if (workers.size === 0) return suffix
  if (known.has(suffix) || all.some((r) => r.worker === suffix && r.workerIsRoute)) return suffix
  return [...workers].sort((a, b) => b[1] - a[1])[0]![0]
}

function minutes(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`
}
