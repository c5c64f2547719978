import {LOST_SESSION_GAP_MS} from '../access-log/analyzer.js'
import {parseServerEvent} from '../access-log/haproxy.js'
import {type LineParser, ParsedLine} from '../access-log/parsed-line.js'
import type {Run} from '../access-log/run.js'
import {extractSessionId, findCookie, indexWithin} from '../access-log/session-id.js'
import {inWindow, type TimeWindow} from '../input/time-window.js'
import {Needles, scanFile} from './byte-scan.js'
import type {TraceNodeEvent} from './types.js'

/** One request of the story, as read from its line (raw ids: redacted only in the section). */
export interface SeenRequest {
  time: number
  /** Input order: file index, then byte offset (lines of one second keep their order). */
  file: number
  offset: number
  /** The id's part before the route, its route suffix. */
  base: string
  suffix: string | null
  /** The balancer's worker (route, server or upstream), or null when the format logs none. */
  worker: string | null
  /** The worker is a backend name comparable with routes (not an upstream address). */
  workerIsRoute: boolean
  method: string | null
  path: string | null
  status: number | null
  address: string | null
  userAgent: string | null
  /** An id the response handed out (HAProxy's captured response cookie), when another than the request's. */
  handedOut: string | null
}

export interface AccessScan {
  requests: SeenRequest[]
  nodeEvents: TraceNodeEvent[]
  files: number
  bytes: number
  matchedLines: number
  parsedLines: number
  errors: Array<{input: string; message: string}>
  /** The format read from each file (its parser's name). */
  formats: string[]
}

export interface AccessScanOptions {
  files: string[]
  /** The first id (route suffix removed). */
  base: string
  /** Spring's SESSION cookie: the log holds the Base64 of the id. */
  base64: boolean
  routeSeparator: string
  /** The session timeout: the client is followed until its story has been quiet this long (plus five minutes). */
  sessionTimeoutMs: number
  window: TimeWindow
  run: Run
  signal?: AbortSignal
  stdin?: import('node:stream').Readable
}

/** Events HAProxy writes into its log when a server goes down or comes back. */
const BALANCER_NEEDLES = [' is DOWN', ' is UP']

/**
 * The byte search over the access logs: the id, then (once its first line names the client) the
 * client's User-Agent, else its address. Only lines that hold one are parsed.
 */
export async function scanAccessLogs(options: AccessScanOptions): Promise<AccessScan> {
  const out: AccessScan = {requests: [], nodeEvents: [], files: 0, bytes: 0, matchedLines: 0, parsedLines: 0, errors: [], formats: []}
  const needles = new Needles()
  needles.add(options.base64 ? base64Prefix(options.base) : options.base)
  const parsed = new ParsedLine()
  let client: {address: string | null; userAgent: string | null} | null = null
  let lastTime = Number.NaN
  let head: string[] = []
  /** The client's needle, searched from the id's first line until the story has been quiet longer than it can go on. */
  let following: string | null = null
  let lastKept = Number.NaN
  const quietMs = options.sessionTimeoutMs + LOST_SESSION_GAP_MS
  for (const [fileIndex, file] of options.files.entries()) {
    let format: ReturnType<Run['formatFor']> | null = null
    const scan = await scanFile(
      file,
      needles,
      {
        head: (lines) => {
          head = lines
          format = options.run.formatFor(lines)
          out.formats.push(format.parser.name)
          if (format.parser.kind === 'haproxy') for (const n of BALANCER_NEEDLES) needles.add(n)
        },
        block: (firstLine) => {
          if (following === null || format === null || Number.isNaN(lastKept)) return
          parsed.reset()
          if (format.parser.parse(firstLine, 0, firstLine.length, parsed) && parsed.timeMs - lastKept > quietMs) {
            needles.remove(following)
            following = null
          }
        },
        line: (line, offset) => {
          if (format === null) return
          parsed.reset()
          if (!format.parser.parse(line, 0, line.length, parsed)) {
            const event = BALANCER_NEEDLES.some((n) => line.includes(n)) ? parseServerEvent(line, lastTime) : null
            if (event)
              out.nodeEvents.push({
                time: event.at,
                node: event.server.slice(event.server.indexOf('/') + 1),
                kind: event.state,
                source: 'balancer log',
              })
            return
          }
          out.parsedLines++
          if (!Number.isNaN(parsed.timeMs)) lastTime = parsed.timeMs
          if (!inWindow(options.window, parsed.timeMs)) return
          const request = readRequest(line, parsed, format, options, fileIndex, offset)
          if (request === null) return
          const mine = request.base === options.base
          if (mine && client === null) {
            client = {address: request.address, userAgent: request.userAgent}
            following = clientNeedle(line, parsed, head)
            if (following) needles.add(following)
          }
          if (mine || (client !== null && request.address === client.address && request.userAgent === client.userAgent)) {
            out.requests.push(request)
            if (!(request.time <= lastKept)) lastKept = request.time
          }
        },
      },
      {signal: options.signal, stdin: options.stdin},
    )
    out.files++
    out.bytes += scan.bytes
    out.matchedLines += scan.matchedLines
    if (scan.error) out.errors.push({input: file, message: scan.error})
  }
  out.requests.sort((a, b) =>
    a.time === b.time || Number.isNaN(a.time) || Number.isNaN(b.time) ? a.file - b.file || a.offset - b.offset : a.time - b.time,
  )
  return out
}

/**
 * The bytes that find the client's other lines: its User-Agent or its address, each with the
 * characters around it in the line (`"UA"`, a newline + the address + a space), whichever fewer of
 * the file's first lines hold (a browser version many users share is a poor needle, an address a
 * good one, and the other way round behind a proxy).
 */
function clientNeedle(line: string, p: ParsedLine, head: readonly string[]): string | null {
  const around = (start: number, end: number): string | null => {
    if (start < 0 || end - start < 3) return null
    const before = start === 0 ? '\n' : line.charAt(start - 1)
    return `${before}${line.slice(start, end)}${line.charAt(end)}`
  }
  const candidates = [around(p.userAgentStart, p.userAgentEnd), around(p.clientStart, p.clientEnd)].filter((n): n is string => n !== null)
  const text = `\n${head.join('\n')}\n`
  const count = (needle: string): number => {
    let n = 0
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) n++
    return n
  }
  let best: string | null = null
  let fewest = Number.POSITIVE_INFINITY
  for (const c of candidates) {
    const n = count(c)
    if (n < fewest) {
      best = c
      fewest = n
    }
  }
  return best
}

function readRequest(
  line: string,
  p: ParsedLine,
  format: ReturnType<Run['formatFor']>,
  options: AccessScanOptions,
  file: number,
  offset: number,
): SeenRequest | null {
  const ref = extractSessionId(line, p, format.rules)
  if (ref === null) return null
  const text = ref.text
  let start = ref.start
  if (format.parser.kind === 'haproxy') {
    const tilde = indexWithin(text, '~', start, ref.end)
    if (tilde >= 0) start = tilde + 1
  }
  const sep = options.routeSeparator ? indexWithin(text, options.routeSeparator, start, ref.end) : -1
  const base = text.slice(start, sep >= 0 ? sep : ref.end)
  const suffixText = sep >= 0 ? text.slice(sep + options.routeSeparator.length, ref.end) : ''
  let suffix: string | null = suffixText === '' ? null : suffixText
  if (suffix === null && p.sessionRouteStart >= 0 && !isDash(line, p.sessionRouteStart, p.sessionRouteEnd))
    suffix = line.slice(p.sessionRouteStart, p.sessionRouteEnd)
  const worker = p.workerStart >= 0 && !isDash(line, p.workerStart, p.workerEnd) ? line.slice(p.workerStart, p.workerEnd) : null
  const {method, path} = requestParts(line, p)
  let handedOut: string | null = null
  if (p.setCookieStart >= 0) {
    const found = findCookie(line, p.setCookieStart, p.setCookieEnd, format.rules.cookieName)
    if (found) {
      let s = found[0]
      const tilde = indexWithin(line, '~', s, found[1])
      if (tilde >= 0) s = tilde + 1
      const cut = options.routeSeparator ? indexWithin(line, options.routeSeparator, s, found[1]) : -1
      const out = line.slice(s, cut >= 0 ? cut : found[1])
      if (out !== base && out !== '') handedOut = out
    }
  }
  return {
    time: p.timeMs,
    file,
    offset,
    base: `${base}`,
    suffix,
    worker,
    workerIsRoute: format.parser.capabilities.worker !== 'upstream',
    method,
    path,
    status: statusOf(line, p, format.parser.kind),
    address: p.clientStart >= 0 ? line.slice(p.clientStart, p.clientEnd) : null,
    userAgent: p.userAgentStart >= 0 ? line.slice(p.userAgentStart, p.userAgentEnd) : null,
    handedOut,
  }
}

/** `GET /cart?x=1 HTTP/1.1` → GET, /cart (query string and `;jsessionid=` cut). */
function requestParts(line: string, p: ParsedLine): {method: string | null; path: string | null} {
  if (p.requestStart < 0) return {method: null, path: null}
  const request = line.slice(p.requestStart, p.requestEnd)
  const [method, target] = request.split(' ')
  if (target === undefined) return {method: null, path: method && method !== '-' ? cutQuery(method) : null}
  return {method: method ?? null, path: cutQuery(target)}
}

function cutQuery(target: string): string {
  const cut = target.search(/[?;#]/)
  return cut >= 0 ? target.slice(0, cut) : target
}

/**
 * The response status. The line parsers keep no status field, so it is read by its place: the first
 * three-digit word after the request (Apache, nginx), `status=` (nginx name=$var), or the word after
 * HAProxy's timers. Null when none is there.
 */
export function statusOf(line: string, p: ParsedLine, kind: LineParser['kind']): number | null {
  let m: RegExpExecArray | null
  if (kind === 'haproxy') m = /\s-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+\s+(-1|\d{3})\s/.exec(line)
  else {
    m = /(?:^|\s)status=(\d{3})\b/.exec(line)
    if (!m && p.requestEnd >= 0) m = /^"?\s+(\d{3})\s/.exec(line.slice(p.requestEnd, p.requestEnd + 16))
  }
  const n = m ? Number(m[1]) : Number.NaN
  return n >= 100 && n <= 599 ? n : null
}

/** The Base64 text every encoding of an id starting with `base` starts with (whole 3-byte groups). */
export function base64Prefix(base: string): string {
  const whole = base.length - (base.length % 3)
  return Buffer.from(base.slice(0, whole), 'latin1').toString('base64')
}

function isDash(line: string, start: number, end: number): boolean {
  return end <= start || (end - start === 1 && line.charCodeAt(start) === 45)
}
