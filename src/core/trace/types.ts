import type {SectionStatus} from '../report/types.js'

/** Why a session id was replaced by the next one of the same client (CONTRACT.md `sources.trace`). */
export type IdChangeCause = 'login' | 'misrouted' | 'expired' | 'unknown'

/** One request that carried an id of the traced session (or of the ids the client moved on to). */
export interface TraceRequest {
  /** ISO time, or null when the line carries none. */
  time: string | null
  /** The backend that served it: the balancer's worker where logged, else the id's route suffix; null when neither. */
  node: string | null
  method: string | null
  /** The path without its query string (and without `;jsessionid=`). */
  path: string | null
  status: number | null
  /** Served by a node other than the session's home (the node whose jvmRoute the id carries). */
  misrouted: boolean
  /** The id the request carried (redacted unless --show-session-ids). */
  session: string
  /** The log it came from. */
  file: string
}

/**
 * A new id, or the same id with another route suffix (ABC.node1 → ABC.node2: a failover that kept
 * the id, or a node that took the id over). `time` is that of the last request with the old id or
 * route, the request the change is read from.
 */
export interface TraceIdChange {
  time: string | null
  from: string
  to: string
  cause: IdChangeCause
  /** Only the route suffix changed: the same id now carries another node's route. */
  routeOnly: boolean
  /** What the cause rests on, in words ("the request before went to node1, the session's home is node3"). */
  why: string
}

/** An app-log line that names one of the session's ids (Tomcat's "… for session [ID]", Spring's ids in messages). */
export interface TraceAppEvent {
  time: string | null
  /** The node the file belongs to (its path: node2/catalina.out), or null. */
  node: string | null
  level: string | null
  /** The message, redacted. */
  message: string
  file: string
}

/** A Tomcat start, stop or deploy, or a balancer's DOWN / UP line, near the session's life. */
export interface TraceNodeEvent {
  time: string | null
  node: string | null
  kind: 'startup' | 'shutdown' | 'deploy' | 'undeploy' | 'down' | 'up' | 'drain' | 'maint' | 'ready'
  source: 'app log' | 'balancer log'
}

/** The session's key in Redis now, read-only. */
export interface TraceRedisKey {
  /** The key, its id part redacted. */
  key: string
  exists: boolean
  /** Seconds left; null when the key has no TTL or does not exist. */
  ttlSeconds: number | null
  bytes: number | null
  lastAccessedTime: string | null
  maxInactiveIntervalSeconds: number | null
  /** The layout the key was read as (spring-session, redisson-tomcat, tomcat-redis-session-manager). */
  preset: string
}

export interface TraceVerdict {
  /** `lost` (the session ended with a misrouted or unexplained id change), `rotated` (logins only), `alive`, `expired`, `not-found`. */
  outcome: 'lost' | 'expired' | 'rotated' | 'alive' | 'not-found'
  /** One sentence: "Lost at 10:31:12: the request went to node1 while the session lived on node2 (…)". */
  text: string
  /** Finding ids (catalog) that explain what happened, for the reader to look up. */
  findingIds: string[]
}

/** `sources.trace` (CONTRACT.md): the life of one session. */
export interface TraceSection extends SectionStatus {
  /** The session asked for, redacted (`sid:xxxxxxxx[.route]`) unless --show-session-ids. */
  session: string
  verdict: TraceVerdict
  /** Every id of the story in order: the one asked for, then each the same client moved on to (redacted). */
  ids: string[]
  /** The client followed across id changes (address + User-Agent), or null when the log names none. */
  client: {address: string | null; userAgent: string | null} | null
  /** The node whose jvmRoute the first id carries (its home), or null. */
  home: string | null
  requests: TraceRequest[]
  idChanges: TraceIdChange[]
  appEvents: TraceAppEvent[]
  /** Node restarts, deploys and balancer DOWN/UP lines seen around the session's life. */
  nodeEvents: TraceNodeEvent[]
  /** The key now, or null (no --redis, or the raw id is not known: a sid: found in no log). */
  redis: TraceRedisKey | null
  /** What was read: bytes searched, lines that matched the byte search, lines parsed. */
  scan: {files: number; bytes: number; matchedLines: number; parsedLines: number}
}
