/**
 * One parsed request, as positions into its line: a parser fills it in place and the analyzer
 * slices only what a check needs, so most fields are never materialised as strings.
 */
export class ParsedLine {
  timeMs = Number.NaN
  clientStart = -1
  clientEnd = -1
  userAgentStart = -1
  userAgentEnd = -1
  requestStart = -1
  requestEnd = -1
  /** The session cookie's value (`%{JSESSIONID}C`, `$cookie_JSESSIONID`). */
  cookieStart = -1
  cookieEnd = -1
  /** A whole Cookie header, or HAProxy's captured `NAME=value`. */
  cookieHeaderStart = -1
  cookieHeaderEnd = -1
  /** A response's Set-Cookie as captured (HAProxy's `NAME=value` of `capture cookie`): the id the server handed out. */
  setCookieStart = -1
  setCookieEnd = -1
  /** The backend that served the request (worker route, upstream address, HAProxy server). */
  workerStart = -1
  workerEnd = -1
  /** mod_proxy_balancer's BALANCER_SESSION_ROUTE: the route the balancer read from the session. */
  sessionRouteStart = -1
  sessionRouteEnd = -1
  /** The request was retried on another server (nginx upstream list, HAProxy redispatch). */
  retried = false
  /** HAProxy termination state characters 3 and 4 (persistence cookie), 0 when not logged. */
  clientCookieState = 0
  serverCookieState = 0

  reset(): void {
    this.timeMs = Number.NaN
    this.clientStart = this.clientEnd = -1
    this.userAgentStart = this.userAgentEnd = -1
    this.requestStart = this.requestEnd = -1
    this.cookieStart = this.cookieEnd = -1
    this.cookieHeaderStart = this.cookieHeaderEnd = -1
    this.setCookieStart = this.setCookieEnd = -1
    this.workerStart = this.workerEnd = -1
    this.sessionRouteStart = this.sessionRouteEnd = -1
    this.retried = false
    this.clientCookieState = 0
    this.serverCookieState = 0
  }
}

/** What a compiled format can tell about a request: the analyzer adapts to it. */
export interface FormatCapabilities {
  sessionCookie: string | null
  cookieHeader: boolean
  request: boolean
  client: boolean
  userAgent: boolean
  /** Where the serving backend comes from, or null. `route` values share the jvmRoute namespace. */
  worker: 'route' | 'upstream' | 'server' | null
  sessionRoute: boolean
  /** The response's session cookie is logged: a replaced id is seen on the request that replaced it. */
  responseCookie?: boolean
}

export interface LineParser {
  /** Human name: a built-in nickname, or the format string. */
  readonly name: string
  readonly kind: 'apache' | 'nginx' | 'tomcat' | 'haproxy'
  readonly capabilities: FormatCapabilities
  /** The format written as its own config line (for the no-session-field advice). */
  readonly formatText: string
  /** How many fields the format has: on a tie, detection prefers the more specific format. */
  readonly fieldCount: number
  /**
   * Fills `out` with positions into `text` and returns true when the line `text[start, end)` fits
   * the format; never throws. `text` may hold many lines (a block read at once): nothing past
   * `end` is taken into the line.
   */
  parse(text: string, start: number, end: number, out: ParsedLine): boolean
}

/** Parses one line held in its own string. */
export function parseLine(parser: LineParser, line: string, out: ParsedLine): boolean {
  return parser.parse(line, 0, line.length, out)
}
