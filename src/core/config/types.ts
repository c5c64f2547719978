import type {InputError} from '../report/types.js'

/** Where a setting was read: every finding names file and line. */
export interface Where {
  file: string
  line: number
}

export interface Located<T = string> extends Where {
  value: T
}

export function at(where: Where): string {
  return `${where.file}:${where.line}`
}

export type BalancerKind = 'mod_proxy' | 'mod_jk' | 'nginx' | 'haproxy'

/**
 * How the balancer sticks: on the route suffix of the application's session id (jvmRoute,
 * mod_proxy / mod_jk), on the value of a cookie (hash, learn, HAProxy prefix / stick on), on a
 * cookie the balancer inserts itself (its routes need not match jvmRoute), or on the client address.
 */
export type StickyMode = 'route-suffix' | 'cookie-value' | 'balancer-cookie' | 'client-ip'

export interface Sticky extends Where {
  mode: StickyMode
  /** The cookie the balancer looks at (absent for client-ip). */
  cookie?: string
  /** The URL path parameter it also reads (mod_proxy `JSESSIONID|jsessionid`, mod_jk session_path). */
  urlParameter?: string
  /** nginx compares $cookie_NAME without regard to case. */
  cookieCaseInsensitive?: boolean
}

export interface BalancerMember extends Where {
  target: string
  route?: string
}

export interface Balancer extends Where {
  kind: BalancerKind
  name: string
  members: BalancerMember[]
  sticky?: Sticky
  /** Set when stickiness is explicitly switched off (mod_jk sticky_session=false). */
  stickyOff?: Where
  lbmethod?: string
  /** mod_proxy nofailover=On / mod_jk sticky_session_force: a down node breaks its sessions. */
  noFailover?: boolean
}

export interface LogFormatDef extends Where {
  nickname: string
  format: string
}

export type ManagerKind = 'standard' | 'persistent' | 'delta' | 'backup' | 'redis' | 'memcached' | 'other'

export interface TomcatManager extends Where {
  className: string
  kind: ManagerKind
}

export interface TomcatCluster extends Where {
  /** `channelSendOptions` as written; absent means Tomcat's default, 8 (asynchronous). */
  channelSendOptions?: string
}

/** An access log a config writes: CustomLog / TransferLog (httpd), access_log (nginx). */
export interface AccessLogUse extends Where {
  /** The log file as written (`${APACHE_LOG_DIR}/access.log`, `logs/access_log`, `/var/log/nginx/access.log`). */
  logFile: string
  /** A format nickname, or the format itself when given inline (httpd `CustomLog file "%h …"`). */
  format: string
}

/** Everything read from the balancer side (httpd, mod_jk, nginx, HAProxy). */
export interface BalancerFacts {
  balancers: Balancer[]
  logFormats: LogFormatDef[]
  accessLogs?: AccessLogUse[]
  /** nginx `log_format` definitions (kept apart: the section's logFormats are httpd LogFormats). */
  nginxLogFormats?: LogFormatDef[]
  /** `Header edit Set-Cookie … SameSite` and kin: the proxy adds SameSite itself. */
  sameSiteByProxy?: Where
}

/** Everything read from Tomcat XML (server.xml, context.xml, web.xml) and Spring Boot config. */
export interface AppFacts {
  jvmRoutes: Located[]
  /** `<Engine>` elements without jvmRoute (one per server.xml). */
  enginesWithoutRoute: Where[]
  managers: TomcatManager[]
  clusters: TomcatCluster[]
  jvmRouteBinderValves: Where[]
  cookieNames: Located[]
  httpOnly: Located<boolean>[]
  secure: Located<boolean>[]
  sameSite: Located[]
  /** A connector or forwarded-header setup under which the container marks cookies Secure itself. */
  secureTransport: Located[]
  /** Session timeouts in seconds (≤ 0: never expires). */
  timeouts: Located<number>[]
  /** tracking-mode values (upper case) and where each list was set. */
  trackingModes: Located<string[]>[]
  /** Where tracking modes could have been set but were not (web.xml session-config, an app config). */
  trackingModeDefaults: Where[]
  /** Settings that keep the session id on login (changeSessionIdOnAuthentication="false", session-fixation-protection="none"). */
  fixationOff: Located[]
  /** spring.session.store-type, the Manager class and other store evidence. */
  storeHints: StoreHint[]
  /** Where cookie flags would go: web.xml cookie-config, application.yml (for the finding when none is set). */
  cookieConfigPlaces: Where[]
}

export type SessionStore = 'redis' | 'replication' | 'shared' | 'node-local' | 'unknown'

/**
 * One piece of evidence about where sessions live. `implicit` marks a default (no Manager element:
 * StandardManager) that any explicit setting overrides; `redis-client-only` is a Redis connection
 * that may or may not hold the sessions.
 */
export interface StoreHint extends Where {
  store: Exclude<SessionStore, 'unknown'> | 'redis-client-only'
  /** What was read, e.g. `spring.session.store-type=redis` or the Manager class. */
  evidence: string
  implicit?: boolean
  /** Spring Session writes its own cookie: SESSION by default, HttpOnly and SameSite=Lax. */
  springSession?: boolean
}

export interface ParsedFile {
  file: string
  kind: ConfigKind
}

export type ConfigKind =
  | 'httpd'
  | 'workers.properties'
  | 'nginx'
  | 'haproxy'
  | 'server.xml'
  | 'context.xml'
  | 'web.xml'
  | 'xml'
  | 'spring-yaml'
  | 'spring-properties'

/** The outcome of reading one input and what it included. */
export interface ReadOutcome<F> {
  facts: F
  files: ParsedFile[]
  errors: InputError[]
}

export function emptyBalancerFacts(): BalancerFacts {
  return {balancers: [], logFormats: []}
}

export function emptyAppFacts(): AppFacts {
  return {
    jvmRoutes: [],
    enginesWithoutRoute: [],
    managers: [],
    clusters: [],
    jvmRouteBinderValves: [],
    cookieNames: [],
    httpOnly: [],
    secure: [],
    sameSite: [],
    secureTransport: [],
    timeouts: [],
    trackingModes: [],
    trackingModeDefaults: [],
    fixationOff: [],
    storeHints: [],
    cookieConfigPlaces: [],
  }
}

/** A malformed-input error that names file and line and says what to do. */
export function parseError(file: string, line: number, problem: string, todo = 'fix it there; the rest was checked'): InputError {
  return {input: file, message: `${file}:${line}: ${problem} (${todo})`}
}
