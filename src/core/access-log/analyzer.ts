import {PlausibleTimes} from '../input/time-range.js'
import {inWindow, type TimeWindow} from '../input/time-window.js'
import {type RedactOptions, redactSessionId, scrubText} from '../redact.js'
import type {LineParser, ParsedLine} from './parsed-line.js'
import {extractSessionId, findUrlSessionId, indexWithin, type SessionIdRules, type SessionRef} from './session-id.js'
import {SessionTable} from './session-table.js'
import {Timeline} from './timeline.js'
import type {FlipSample, RejectedSample} from './types.js'

/** A new session id for the same client within this long after its last request on another route: the session was lost. */
export const LOST_SESSION_GAP_MS = 5 * 60_000
/** Two or more new session ids for one client within this window is churn (one is a login). */
export const CHURN_WINDOW_MS = 10 * 60_000
const SAMPLE_LIMIT = 5
const NO_ROUTE = -1
/** Beyond this many distinct routes (garbage suffixes), the rest are counted together. */
const MAX_ROUTES = 500
const OTHER_ROUTES = '(other)'

export class Session {
  flips = 0
  client: Client | null = null
  /** 30 bits of one hash of the id (SessionTable). */
  key = 0
  /** 32 bits of a second hash of the id, to tell apart ids of the same `key`. */
  check = 0
  /** 51 bits of the id's hashes: joins a session across the parts of a file. */
  joinKey = 0
  constructor(
    /** The route that served it last (a worker when logged, else its id suffix). */
    public route: number,
    /** The route suffix of its id, to tell a kept failover (suffix rewritten) from a misroute. */
    public suffix: number,
    public lastSeen: number,
  ) {}
}

class Client {
  session: Session | null = null
  /** Times of the last new session ids handed to this client. */
  changes: number[] = []
  churned = false
}

/** After this many lines of a block that do not parse, the rest of the block is parsed line by line. */
const IN_PLACE_REJECTS = 8

/** What the lines of one stream are parsed with (addBlock). */
export interface BlockStream {
  parser: LineParser
  rules: SessionIdRules
  parsed: ParsedLine
  file: string
  /** Longer lines are cut to this many characters and counted in linesCut. */
  maxLineLength: number
  linesCut: number
}

export interface AnalyzerOptions {
  /** A worker's part of a file: remember the sessions first seen near its start (they may continue the part before). */
  trackHead?: boolean
  window: TimeWindow
  routeSeparator: string
  sessionTimeoutMs: number
  redact: RedactOptions
  cookieName: string
}

let hashKey = 0
let hashCheck = 0

/** Two 32-bit FNV-style hashes of the id: a small-integer map key (30 bits) and a 32-bit check. */
function hashId(text: string, start: number, end: number): void {
  let h1 = 0x811c9dc5
  let h2 = 0x9e3779b9
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995)
    h2 ^= h2 >>> 15
  }
  hashKey = h1 >>> 2
  hashCheck = h2 | 0
}

/** 53 bits of two 32-bit FNV-style hashes over a range: the session map's key, so no id string is kept. */
function hashRange(text: string, start: number, end: number, seed: number): number {
  let h1 = 0x811c9dc5 ^ seed
  let h2 = 0x9e3779b9 ^ seed
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995)
    h2 ^= h2 >>> 15
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) >>> 11)
}

/**
 * The streaming state machine of access-log: fed one parsed request at a time (in time order),
 * it keeps only the sessions and clients active within the session timeout.
 */
export class AccessLogAnalyzer {
  lines = 0
  parsed = 0
  rejected = 0
  outsideWindow = 0
  /** Requests whose time was far from the rest of the log (see PlausibleTimes). */
  timesOutOfRange = 0
  requests = 0
  requestsWithSession = 0
  sessions = 0
  requestsWithoutRoute = 0
  sessionsWithoutRoute = 0
  routeFlips = 0
  sessionsWithFlips = 0
  failoversKept = 0
  sessionsLost = 0
  retries = 0
  churnEvents = 0
  churnClients = 0
  sessionIdInUrl = 0
  peakActiveSessions = 0
  firstSeen = Number.NaN
  lastSeen = Number.NaN
  readonly sessionSources = {cookie: 0, header: 0, url: 0}
  readonly flipSamples: FlipSample[] = []
  readonly rejectedSamples: RejectedSample[] = []
  /** Lines that did not parse, by file, for the first few (line numbers in the finding). */
  readonly timeline = new Timeline()
  readonly routeNames: string[] = []
  /** Requests by serving route (index into routeNames). */
  readonly routeRequests: number[] = []
  /** Requests by the route suffix of their session id. */
  readonly suffixRequests: number[] = []
  /** Route indexes that came from a worker-route field (they are known workers). */
  readonly workerRoutes = new Set<number>()
  readonly flipPairs = new Map<number, number>()
  readonly haproxyCookieStates = new Map<string, number>()

  private readonly routeIndex = new Map<string, number>()
  /** Active sessions by the hashes of their ids. */
  readonly sessionTable = new SessionTable<Session>()
  private readonly clientMap = new Map<number, Client>()
  private readonly ref: SessionRef = {text: '', start: 0, end: 0, from: 'cookie'}
  private readonly times = new PlausibleTimes()
  readonly evictAfterMs: number
  private nextSweep = Number.NaN
  private currentTime = Number.NaN
  private readonly separator: string
  private readonly windowed: boolean
  /** Sessions first seen within the eviction time of this part's first request (trackHead). */
  readonly head: Array<{key: number; session: Session; route: number; suffix: number; time: number}> = []
  private headUntil = Number.NaN

  constructor(private readonly options: AnalyzerOptions) {
    this.separator = options.routeSeparator
    this.windowed = options.window.since !== null || options.window.until !== null
    // The margin keeps a session a while past its timeout, for clocks of several front ends.
    this.evictAfterMs = options.sessionTimeoutMs + Math.max(5 * 60_000, options.sessionTimeoutMs / 4)
  }

  get activeSessions(): number {
    return this.sessionTable.size
  }

  reject(line: string, file: string, lineNumber: number): void {
    this.rejected++
    if (this.rejectedSamples.length < SAMPLE_LIMIT) {
      const text = line.length > 300 ? `${line.slice(0, 300)}…` : line
      this.rejectedSamples.push({file, line: lineNumber, text: scrubText(text, this.options.redact)})
    }
  }

  /**
   * The lines of one block (whole lines joined by `\n`, see readTextBlocks), parsed in place:
   * no string per line. Returns how many lines it held.
   */
  addBlock(text: string, stream: BlockStream, firstLineNumber: number): number {
    const {parser, rules, parsed, file} = stream
    let lines = 0
    let rejectedHere = 0
    for (let pos = 0; ; ) {
      lines++
      const nl = text.indexOf('\n', pos)
      let end = nl < 0 ? text.length : nl
      if (end > pos && text.charCodeAt(end - 1) === 13) end--
      if (end - pos > stream.maxLineLength) {
        end = pos + stream.maxLineLength
        stream.linesCut++
      }
      if (end > pos) {
        if (rejectedHere < IN_PLACE_REJECTS) {
          if (parser.parse(text, pos, end, parsed)) this.add(text, parsed, parser, rules)
          else {
            rejectedHere++
            this.reject(text.slice(pos, end), file, firstLineNumber + lines - 1)
          }
        } else {
          // A block of lines in another format: a failing search for a field's terminator runs on
          // to the block's end, so each line gets its own string, where the search stops.
          const line = text.slice(pos, end)
          if (parser.parse(line, 0, line.length, parsed)) this.add(line, parsed, parser, rules)
          else this.reject(line, file, firstLineNumber + lines - 1)
        }
      }
      if (nl < 0) break
      pos = nl + 1
    }
    this.lines += lines
    return lines
  }

  /** One parsed request. `rules` and `parser` belong to the stream the line came from. */
  add(line: string, p: ParsedLine, parser: LineParser, rules: SessionIdRules): void {
    this.parsed++
    let t = this.times.check(p.timeMs)
    if (Number.isNaN(t)) {
      if (!Number.isNaN(p.timeMs)) {
        // A time far from the rest (1970 among today's lines) is unknown: outside any window, else at its neighbour's time.
        this.timesOutOfRange++
        if (this.windowed) {
          this.outsideWindow++
          return
        }
      }
      t = this.currentTime
    } else this.currentTime = t
    if (this.windowed && !inWindow(this.options.window, t)) {
      this.outsideWindow++
      return
    }
    this.requests++
    const timed = !Number.isNaN(t)
    const bucket = timed ? this.timeline.at(t) : null
    if (timed) {
      if (!(t >= this.firstSeen)) this.firstSeen = t
      if (!(t <= this.lastSeen)) this.lastSeen = t
      if (bucket) bucket.requests++
      if (!(t < this.nextSweep)) this.sweep(t)
    }
    if (p.requestStart >= 0 && findUrlSessionId(line, p) !== null) this.sessionIdInUrl++
    if (p.retried) this.retries++
    if (p.clientCookieState !== 0) this.countHaproxyState(p)

    let worker = NO_ROUTE
    if (p.workerStart >= 0 && !isDash(line, p.workerStart, p.workerEnd)) {
      worker = this.intern(line, p.workerStart, p.workerEnd)
      if (parser.capabilities.worker === 'route') this.workerRoutes.add(worker)
    }
    const ref = extractSessionId(line, p, rules, this.ref)
    if (ref === null) {
      if (worker !== NO_ROUTE) this.routeRequests[worker] = (this.routeRequests[worker] ?? 0) + 1
      return
    }
    this.requestsWithSession++
    // Named writes: a write keyed by ref.from measured ~0.3 µs a line.
    const sources = this.sessionSources
    if (ref.from === 'cookie') sources.cookie++
    else if (ref.from === 'header') sources.header++
    else sources.url++
    const text = ref.text
    let baseEnd = ref.end
    let suffix = NO_ROUTE
    const sep = this.separator ? indexWithin(text, this.separator, ref.start, ref.end) : -1
    if (sep >= 0) {
      baseEnd = sep
      if (sep + this.separator.length < ref.end) suffix = this.intern(text, sep + this.separator.length, ref.end)
    }
    if (suffix === NO_ROUTE && p.sessionRouteStart >= 0 && !isDash(line, p.sessionRouteStart, p.sessionRouteEnd)) {
      suffix = this.intern(line, p.sessionRouteStart, p.sessionRouteEnd)
    }
    if (suffix === NO_ROUTE) this.requestsWithoutRoute++
    else this.suffixRequests[suffix] = (this.suffixRequests[suffix] ?? 0) + 1
    const served = worker !== NO_ROUTE ? worker : suffix
    if (served !== NO_ROUTE) this.routeRequests[served] = (this.routeRequests[served] ?? 0) + 1

    hashId(text, ref.start, baseEnd)
    const key = hashKey
    const check = hashCheck
    let session = this.sessionTable.get(key, check)
    if (session === undefined) {
      // A session's first route is its id suffix when workers are named in the same namespace.
      const initial = parser.capabilities.worker === 'route' && suffix !== NO_ROUTE ? suffix : served
      session = new Session(initial, suffix, t)
      session.check = check
      session.joinKey = key * 2_097_152 + (check >>> 11)
      session.key = key
      this.sessionTable.add(session)
      this.sessions++
      if (suffix === NO_ROUTE) this.sessionsWithoutRoute++
      if (bucket) bucket.newSessions++
      if (this.options.trackHead && timed) {
        if (Number.isNaN(this.headUntil)) this.headUntil = t + this.evictAfterMs
        if (t <= this.headUntil) this.head.push({key: session.joinKey, session, route: initial, suffix, time: t})
      }
      if (this.sessionTable.size > this.peakActiveSessions) this.peakActiveSessions = this.sessionTable.size
      if (p.clientStart >= 0) this.newSessionForClient(line, p, session, t, bucket)
    } else if (suffix !== NO_ROUTE && session.suffix !== NO_ROUTE && suffix !== session.suffix) {
      this.failoversKept++
    }
    if (suffix !== NO_ROUTE) session.suffix = suffix
    if (served !== NO_ROUTE) {
      if (session.route !== NO_ROUTE && served !== session.route) this.flip(session, served, t, text, ref.start, baseEnd, bucket)
      session.route = served
    }
    if (timed) session.lastSeen = t
  }

  /** Counts a flip found when two parts of a file are joined (no id text: no sample). */
  boundaryFlip(from: number, to: number, t: number): void {
    this.routeFlips++
    const pair = from * 65_536 + to
    this.flipPairs.set(pair, (this.flipPairs.get(pair) ?? 0) + 1)
    if (!Number.isNaN(t)) {
      const bucket = this.timeline.at(t)
      bucket.flips++
      bucket.flipsTo ??= new Map()
      bucket.flipsTo.set(to, (bucket.flipsTo.get(to) ?? 0) + 1)
    }
  }

  private flip(
    session: Session,
    to: number,
    t: number,
    text: string,
    start: number,
    baseEnd: number,
    bucket: ReturnType<Timeline['at']> | null,
  ): void {
    const from = session.route
    this.routeFlips++
    if (session.flips === 0) this.sessionsWithFlips++
    session.flips++
    const pair = from * 65_536 + to
    this.flipPairs.set(pair, (this.flipPairs.get(pair) ?? 0) + 1)
    if (bucket) {
      bucket.flips++
      bucket.flipsTo ??= new Map()
      bucket.flipsTo.set(to, (bucket.flipsTo.get(to) ?? 0) + 1)
    }
    if (this.flipSamples.length < SAMPLE_LIMIT) {
      this.flipSamples.push({
        session: redactSessionId(text.slice(start, baseEnd), {...this.options.redact, routeSeparator: this.separator}),
        from: this.routeNames[from]!,
        to: this.routeNames[to]!,
        at: Number.isNaN(t) ? null : new Date(t).toISOString(),
      })
    }
  }

  private newSessionForClient(line: string, p: ParsedLine, session: Session, t: number, bucket: ReturnType<Timeline['at']> | null): void {
    let key = hashRange(line, p.clientStart, p.clientEnd, 7)
    if (p.userAgentStart >= 0) key = key * 31 + hashRange(line, p.userAgentStart, p.userAgentEnd, 13)
    let client = this.clientMap.get(key)
    if (client === undefined) {
      client = new Client()
      this.clientMap.set(key, client)
    }
    const previous = client.session
    if (previous !== null && previous !== session && !Number.isNaN(t)) {
      const gap = t - previous.lastSeen
      if (gap <= LOST_SESSION_GAP_MS && previous.route !== NO_ROUTE && session.route !== NO_ROUTE && previous.route !== session.route)
        this.sessionsLost++
      if (gap <= this.options.sessionTimeoutMs) {
        const changes = client.changes
        changes.push(t)
        while (changes.length > 0 && changes[0]! < t - CHURN_WINDOW_MS) changes.shift()
        if (changes.length >= 2) {
          this.churnEvents++
          if (bucket) bucket.churn++
          if (!client.churned) {
            client.churned = true
            this.churnClients++
          }
        }
      }
    }
    client.session = session
    session.client = client
  }

  private countHaproxyState(p: ParsedLine): void {
    const state = String.fromCharCode(p.clientCookieState, p.serverCookieState)
    if (state !== '--') this.haproxyCookieStates.set(state, (this.haproxyCookieStates.get(state) ?? 0) + 1)
  }

  /** Forgets sessions (and their clients) idle longer than the timeout plus a margin. */
  private sweep(now: number): void {
    const cutoff = now - this.evictAfterMs
    if (!Number.isNaN(this.nextSweep)) {
      this.sessionTable.retain((session) => !(session.lastSeen < cutoff))
      for (const [key, client] of this.clientMap)
        if (client.session === null || client.session.lastSeen < cutoff) this.clientMap.delete(key)
    }
    this.nextSweep = now + Math.max(60_000, this.options.sessionTimeoutMs / 4)
  }

  intern(text: string, start: number, end: number): number {
    const names = this.routeNames
    const length = end - start
    for (let i = 0; i < names.length && i < 32; i++) {
      const name = names[i]!
      if (name.length === length && name.charCodeAt(length - 1) === text.charCodeAt(end - 1) && text.startsWith(name, start)) return i
    }
    const value = names.length >= MAX_ROUTES ? OTHER_ROUTES : text.slice(start, end)
    let index = this.routeIndex.get(value)
    if (index === undefined) {
      index = names.length
      names.push(value.length > 12 ? Buffer.from(value).toString() : value)
      this.routeIndex.set(names[index]!, index)
      this.routeRequests.push(0)
      this.suffixRequests.push(0)
    }
    return index
  }
}

function isDash(line: string, start: number, end: number): boolean {
  return end <= start || (end - start === 1 && line.charCodeAt(start) === 45)
}
