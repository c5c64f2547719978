import type {Readable} from 'node:stream'
import type {TimeWindow} from '../input/time-window.js'
import type {RedactOptions} from '../redact.js'
import type {SectionStatus} from '../report/types.js'
import type {ColumnMap} from './clickhouse/mapping.js'

export interface AccessLogOptions {
  /** Files, globs, `.gz` files or `-` for standard input. */
  paths: string[]
  window: TimeWindow
  /** A built-in or httpd-config nickname, an Apache LogFormat string, an nginx log_format string, or `haproxy`. */
  logFormat?: string
  /** Text of an httpd config (its LogFormat lines and BalancerMember route= values are used). */
  apacheConf?: {path: string; text: string}
  /**
   * Config files or directories (httpd, nginx, Tomcat server.xml) whose declared access-log formats beat detection:
   * the format declared for a log of the same name, else any declared format that fits.
   */
  configs?: string[]
  /** Known backend routes (jvmRoute values). */
  workers?: string[]
  /** jvmRoute → the balancer's name of that backend (worker route, server, upstream address), from configs. */
  routeAliases?: Record<string, string>
  /** Session cookie name; default JSESSIONID (SESSION: Spring Session, Base64). */
  cookieName?: string
  /** What separates the id from its route; default `.`. */
  routeSeparator?: string
  /** Sessions idle longer than this (plus a margin) are forgotten; default 30 minutes. */
  sessionTimeoutMs?: number
  /** IANA time zone for log times without an offset (HAProxy); default this machine's. */
  timeZone?: string
  /** A ClickHouse table's columns by role (`--map`, the config file's `accessLog.map`), over the URL's `?map=` (#20). */
  columnMap?: ColumnMap
  redact: RedactOptions
  /** Worker threads for large plain files: false for one thread; default: up to 4 threads from 48 MB on. */
  parallel?: {threads: number; minBytes: number; partBytes?: number} | false
  signal?: AbortSignal
  stdin?: Readable
}

export interface TimelineEntry {
  start: string
  requests: number
  flips: number
  newSessions: number
  churn: number
  /** Flips by the route the session moved to (only routes with flips). */
  flipsTo?: Record<string, number>
  /** Flips by the route the session moved away from (only routes with flips). */
  flipsFrom?: Record<string, number>
  /** Sessions lost (contract `sessionsLost`) in this period, when any. */
  lost?: number
  /** Those losses by the session's home node. */
  lostFrom?: Record<string, number>
}

/** A balancer's own line about a backend (HAProxy `Server be/node2 is DOWN, …`). */
export interface BalancerEvent {
  at: string | null
  /** As the balancer names it (`backend/server`). */
  server: string
  state: 'down' | 'up' | 'drain' | 'maint' | 'ready'
  /** The rest of the line, cut to 200 characters. */
  detail: string
}

export interface FlipSample {
  session: string
  from: string
  to: string
  at: string | null
}

export interface RejectedSample {
  file: string
  line: number
  text: string
}

export interface AccessLogSection extends SectionStatus {
  files: number
  lines: number
  parsed: number
  rejected: number
  outsideWindow: number
  /** Requests whose time was far from the rest of the log (1970, 9999), when any: counted, kept out of the timeline and window. */
  timesOutOfRange?: number
  detectedFormat: string | null
  /** `config`: declared in a config given; `none`: no known format fits the log (give --log-format). */
  formatSource: 'flag' | 'config' | 'detected' | 'none' | null
  sessionSource: string | null
  /** Requests whose id came from the cookie field, the Cookie header, or the URL. */
  sessionIdsBySource: {cookie: number; header: number; url: number}
  routeSource: string | null
  requestsWithSession: number
  sessions: number
  routes: Record<string, number>
  cookieRoutes?: Record<string, number>
  knownWorkers: string[]
  unknownRoutes: Record<string, number>
  requestsWithoutRoute: number
  sessionsWithoutRoute: number
  routeFlips: number
  sessionsWithFlips: number
  flipsByRoutePair: Record<string, number>
  failoversKept: number
  /** Requests served by another backend than the session's home (the node whose jvmRoute the id carries). */
  misroutedRequests: number
  misroutedByHome: Record<string, number>
  /** Ids replaced right after a misrouted request: the user got a new, empty session. */
  sessionsLost: number
  sessionsLostByHome: Record<string, number>
  /** The home backend of each id suffix that is not itself a backend's name: from the configs given or learned from the log. */
  routeHomes: Record<string, {home: string; from: 'config' | 'log'}>
  /** HAProxy's server DOWN/UP/drain lines, when the log holds any. */
  balancerEvents?: BalancerEvent[]
  retries: number
  churnEvents: number
  churnClients: number
  sessionIdInUrl: number
  haproxyCookieStates?: Record<string, number>
  peakActiveSessions: number
  firstSeen: string | null
  lastSeen: string | null
  bucketSeconds: number
  timeline: TimelineEntry[]
  flipSamples: FlipSample[]
  rejectedSamples: RejectedSample[]
}
