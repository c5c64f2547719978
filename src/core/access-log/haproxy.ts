import {type LocalTimeToUtc, localTimeConverter, parseClfTime} from './log-time.js'
import type {FormatCapabilities, LineParser, ParsedLine} from './parsed-line.js'
import type {BalancerEvent} from './types.js'

export const HAPROXY_HTTPLOG = '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r'

/**
 * HAProxy's `option httplog` line, with or without the syslog prefix:
 * `10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750
 * JSESSIONID=… - --VN 1/1/1/1/0 0/0 {…} {…} "GET / HTTP/1.1"`. The server comes from
 * `backend/server`, the session id from the captured cookie, and the persistence-cookie verdict
 * from characters 3 and 4 of the termination state.
 */
export class HaproxyParser implements LineParser {
  readonly name = 'haproxy'
  readonly kind = 'haproxy' as const
  readonly formatText = HAPROXY_HTTPLOG
  readonly fieldCount = 20
  readonly capabilities: FormatCapabilities
  private readonly local: LocalTimeToUtc

  constructor(timeZone?: string) {
    this.capabilities = {
      sessionCookie: null,
      cookieHeader: true,
      request: true,
      client: true,
      userAgent: false,
      worker: 'server',
      sessionRoute: false,
      responseCookie: true,
    }
    this.local = localTimeConverter(timeZone)
  }

  parse(line: string, lineStart: number, lineEnd: number, out: ParsedLine): boolean {
    out.reset()
    const bracket = line.indexOf(' [', lineStart)
    if (bracket < 0 || bracket >= lineEnd) return false
    const close = line.indexOf('] ', bracket)
    if (close < 0 || close + 2 > lineEnd) return false
    const clientToken = Math.max(line.lastIndexOf(' ', bracket - 1) + 1, lineStart)
    const portColon = line.lastIndexOf(':', bracket - 1)
    if (portColon < clientToken) return false
    out.clientStart = clientToken
    out.clientEnd = portColon
    out.timeMs = parseClfTime(line, bracket + 2, this.local)
    if (Number.isNaN(out.timeMs)) return false
    // frontend, backend/server, timers, status, bytes, captured cookies, termination state, counters, queues
    let pos = close + 2
    const tokenEnds: number[] = []
    const tokenStarts: number[] = []
    for (let i = 0; i < 10; i++) {
      const space = line.indexOf(' ', pos)
      if (space < 0 || space >= lineEnd) return false
      tokenStarts.push(pos)
      tokenEnds.push(space)
      pos = space + 1
    }
    const server = tokenStarts[1]!
    const slash = line.indexOf('/', server)
    if (slash < 0 || slash > tokenEnds[1]!) return false
    if (!isStatus(line, tokenStarts[3]!, tokenEnds[3]!)) return false
    if (line.charCodeAt(slash + 1) !== 60) {
      // not <NOSRV>
      out.workerStart = slash + 1
      out.workerEnd = tokenEnds[1]!
    }
    const captured = tokenStarts[5]!
    if (tokenEnds[5]! - captured > 1) {
      out.cookieHeaderStart = captured
      out.cookieHeaderEnd = tokenEnds[5]!
    }
    const setCookie = tokenStarts[6]!
    if (tokenEnds[6]! - setCookie > 1) {
      out.setCookieStart = setCookie
      out.setCookieEnd = tokenEnds[6]!
    }
    const state = tokenStarts[7]!
    if (tokenEnds[7]! - state !== 4) return false
    out.clientCookieState = line.charCodeAt(state + 2)
    out.serverCookieState = line.charCodeAt(state + 3)
    const counters = tokenEnds[8]!
    const retries = line.lastIndexOf('/', counters)
    out.retried = retries > tokenStarts[8]! && line.charCodeAt(retries + 1) === 43
    const quote = line.indexOf('"', pos)
    if (quote >= 0 && quote < lineEnd) {
      out.requestStart = quote + 1
      out.requestEnd = line.charCodeAt(lineEnd - 1) === 34 && lineEnd - 1 > quote ? lineEnd - 1 : lineEnd
    }
    return true
  }
}

function isStatus(line: string, start: number, end: number): boolean {
  if (end - start === 2 && line.charCodeAt(start) === 45) return true // -1
  if (end - start !== 3) return false
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/** `Server be/node2 is DOWN, reason: …`, `… is UP`, `… is going DOWN for maintenance`, `… was DRAIN`. */
const SERVER_EVENT =
  /\b(?:Server|backup server) (\S+\/\S+) (is (?:DOWN|UP|going DOWN for maintenance|going UP|now in drain|leaving)[^,.]*|(?:is|was) (?:DRAIN|MAINT|READY)\S*)/

/** HAProxy's line about a server's state (with or without a syslog prefix), or null. `timeMs`: the time of the line before (the line has none of its own without syslog). */
export function parseServerEvent(line: string, timeMs: number): BalancerEvent | null {
  if (!line.includes('erver ')) return null
  const match = SERVER_EVENT.exec(line)
  if (!match) return null
  const what = match[2]!
  const state: BalancerEvent['state'] = /DRAIN|drain/.test(what)
    ? 'drain'
    : /MAINT|maintenance/.test(what)
      ? 'maint'
      : /READY/.test(what)
        ? 'ready'
        : /DOWN/.test(what)
          ? 'down'
          : 'up'
  return {
    at: Number.isNaN(timeMs) ? null : new Date(timeMs).toISOString(),
    server: match[1]!,
    state,
    detail: line.slice(match.index, match.index + 200),
  }
}
