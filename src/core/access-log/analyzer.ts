import {PlausibleTimes} from '../input/time-range.js'
import {inWindow} from '../input/time-window.js'
import {redactSessionId, scrubText} from '../redact.js'
import {AccessCounters} from './counters.js'
import {parseServerEvent} from './haproxy.js'
import {pairKey} from './homes.js'
import type {LineParser, ParsedLine} from './parsed-line.js'
import {NO_ROUTE, RouteTable} from './routes.js'
import {extractSessionId, findCookie, findUrlSessionId, indexWithin, type SessionIdRules, type SessionRef} from './session-id.js'
import {type AnalyzerOptions, type BlockStream, Client, ClientWatch, clientKey, Session, Step} from './session-state.js'
import {SessionTable} from './session-table.js'
import {type Bucket, Timeline} from './timeline.js'
import type {BalancerEvent, FlipSample, RejectedSample} from './types.js'

export type {AnalyzerOptions, BlockStream} from './session-state.js'

/** A new session id for the same client within this long after its last request on another route: the session was lost. */
export const LOST_SESSION_GAP_MS = 5 * 60_000
/** Two or more new session ids for one client within this window is churn (one is a login). */
export const CHURN_WINDOW_MS = 10 * 60_000
const SAMPLE_LIMIT = 5
/** Balancer event lines kept (a flapping server writes many). */
const EVENT_LIMIT = 200

/** After this many lines of a block that do not parse, the rest of the block is parsed line by line. */
const IN_PLACE_REJECTS = 8

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

/**
 * The streaming state machine of access-log: fed one parsed request at a time (in time order),
 * it keeps only the sessions and clients active within the session timeout.
 */
export class AccessLogAnalyzer {
  /** The counts; only this class and its joins (joinAcrossCut, absorb) change them. */
  private readonly count = new AccessCounters()
  readonly flipSamples: FlipSample[] = []
  readonly rejectedSamples: RejectedSample[] = []
  readonly balancerEvents: BalancerEvent[] = []
  readonly timeline = new Timeline()
  readonly routes: RouteTable
  /** Route indexes that came from a worker-route field (they are known workers). */
  readonly workerRoutes = new Set<number>()
  /** Route indexes a balancer named as the serving backend (any kind). */
  readonly backends = new Set<number>()
  readonly flipPairs = new Map<number, number>()
  /** Requests by (id suffix, serving backend) pair: who served each suffix (homes, misrouted). */
  readonly servedBySuffix = new Map<number, number>()
  /** Ids replaced after a request of a (suffix, backend) pair: losses where that request was misrouted. */
  readonly replacedAfter = new Map<number, number>()
  readonly haproxyCookieStates = new Map<string, number>()

  /** Active sessions by the hashes of their ids. */
  readonly sessionTable = new SessionTable<Session>()
  /** Clients (address and user agent) by a hash, while their session is active. */
  readonly clients = new Map<number, Client>()
  private readonly ref: SessionRef = {text: '', start: 0, end: 0, from: 'cookie'}
  private readonly times = new PlausibleTimes()
  readonly evictAfterMs: number
  /** A sweep runs at the first request at or after each multiple of this: at the same requests whichever part reads them. */
  readonly sweepEveryMs: number
  private nextSweep = Number.NaN
  /** trackHead: the times of the sweeps until the head's end; and of the last one (joinSegments forgets what one pass did). */
  readonly sweeps: number[] = []
  lastSweep = Number.NaN
  private currentTime = Number.NaN
  private readonly separator: string
  private readonly windowed: boolean
  /** Sessions first seen within the eviction time and a sweep of this part's first one (trackHead): the part before may hold them. */
  readonly head: Array<{key: number; session: Session; route: number; suffix: number; time: number}> = []
  private headUntil = Number.NaN
  /** Clients first seen near this part's start, with their first new sessions (trackHead; see ClientWatch). */
  readonly watched: ClientWatch[] = []

  constructor(readonly options: AnalyzerOptions) {
    this.separator = options.routeSeparator
    this.windowed = options.window.since !== null || options.window.until !== null
    // The margin keeps a session a while past its timeout, for clocks of several front ends.
    this.evictAfterMs = options.sessionTimeoutMs + Math.max(5 * 60_000, options.sessionTimeoutMs / 4)
    this.sweepEveryMs = Math.max(60_000, options.sessionTimeoutMs / 4)
    this.routes = new RouteTable(options.knownRoutes)
  }

  /** The counts so far (read-only: change them through this class). */
  get counts(): Readonly<AccessCounters> {
    return this.count
  }

  get activeSessions(): number {
    return this.sessionTable.size
  }

  /** Lines read outside addBlock (the merge of several logs reads lines one by one). */
  countLines(n: number): void {
    this.count.lines += n
  }

  reject(line: string, file: string, lineNumber: number): void {
    if (this.balancerEvent(line)) return
    this.count.rejected++
    if (this.rejectedSamples.length < SAMPLE_LIMIT) {
      const text = line.length > 300 ? `${line.slice(0, 300)}…` : line
      this.rejectedSamples.push({file, line: lineNumber, text: scrubText(text, this.options.redact)})
    }
  }

  /** HAProxy's `Server be/node2 is DOWN, …` (and UP, drain, maintenance) lines: a lifecycle event, not a request. */
  private balancerEvent(line: string): boolean {
    const event = parseServerEvent(line, this.currentTime)
    if (event === null) return false
    if (this.balancerEvents.length < EVENT_LIMIT) this.balancerEvents.push(event)
    return true
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
    this.count.lines += lines
    return lines
  }

  /** One parsed request. `rules` and `parser` belong to the stream the line came from. */
  add(line: string, p: ParsedLine, parser: LineParser, rules: SessionIdRules): void {
    const c = this.count
    c.parsed++
    let t = this.times.check(p.timeMs)
    if (Number.isNaN(t)) {
      if (!Number.isNaN(p.timeMs)) {
        // A time far from the rest (1970 among today's lines) is unknown: outside any window, else at its neighbour's time.
        c.timesOutOfRange++
        if (this.windowed) {
          c.outsideWindow++
          return
        }
      }
      t = this.currentTime
    } else this.currentTime = t
    if (this.windowed && !inWindow(this.options.window, t)) {
      c.outsideWindow++
      return
    }
    c.requests++
    const timed = !Number.isNaN(t)
    const bucket = timed ? this.timeline.at(t) : null
    if (timed) {
      if (!(t >= c.firstSeen)) c.firstSeen = t
      if (!(t <= c.lastSeen)) c.lastSeen = t
      if (bucket) bucket.requests++
      if (!(t < this.nextSweep)) this.sweep(t)
    }
    if (p.requestStart >= 0 && findUrlSessionId(line, p) !== null) c.sessionIdInUrl++
    if (p.retried) c.retries++
    if (p.clientCookieState !== 0) this.countHaproxyState(p)

    const routes = this.routes
    let worker = NO_ROUTE
    if (p.workerStart >= 0 && !isDash(line, p.workerStart, p.workerEnd)) {
      worker = routes.intern(line, p.workerStart, p.workerEnd, true)
      this.backends.add(worker)
      if (parser.capabilities.worker === 'route') this.workerRoutes.add(worker)
    } else if (parser.kind === 'tomcat') worker = this.tomcatNode(line, p, rules)
    const ref = extractSessionId(line, p, rules, this.ref)
    if (ref === null) {
      if (worker !== NO_ROUTE) routes.requests[worker]!++
      return
    }
    c.requestsWithSession++
    // Named writes: a write keyed by ref.from measured ~0.3 µs a line.
    if (ref.from === 'cookie') c.sessionIdsFromCookie++
    else if (ref.from === 'header') c.sessionIdsFromHeader++
    else c.sessionIdsFromUrl++
    const text = ref.text
    // HAProxy's `cookie JSESSIONID prefix` puts `server~` before the id.
    const idStart = parser.kind === 'haproxy' ? afterTilde(text, ref.start, ref.end) : ref.start
    let baseEnd = ref.end
    let suffix = NO_ROUTE
    let suffixStart = -1
    const sep = this.separator ? indexWithin(text, this.separator, idStart, ref.end) : -1
    if (sep >= 0) {
      baseEnd = sep
      suffixStart = sep + this.separator.length
      if (suffixStart < ref.end) suffix = routes.intern(text, suffixStart, ref.end)
    }
    if (suffix === NO_ROUTE && p.sessionRouteStart >= 0 && !isDash(line, p.sessionRouteStart, p.sessionRouteEnd)) {
      suffix = routes.intern(line, p.sessionRouteStart, p.sessionRouteEnd)
    }
    if (suffix === NO_ROUTE) c.requestsWithoutRoute++
    else routes.suffixRequests[routes.countIndex(suffix)]!++
    let served = worker !== NO_ROUTE ? worker : suffix
    if (served !== NO_ROUTE) routes.requests[routes.countIndex(served)]!++
    if (worker !== NO_ROUTE && suffix !== NO_ROUTE) {
      const pair = pairKey(routes.countIndex(suffix), worker)
      this.servedBySuffix.set(pair, (this.servedBySuffix.get(pair) ?? 0) + 1)
    }

    hashId(text, idStart, baseEnd)
    const key = hashKey
    const check = hashCheck
    let session = this.sessionTable.get(key, check)
    if (session === undefined) {
      session = new Session(served, suffix, t)
      session.check = check
      session.joinKey = key * 2_097_152 + (check >>> 11)
      session.key = key
      this.sessionTable.add(session)
      c.sessions++
      if (suffix === NO_ROUTE) c.sessionsWithoutRoute++
      if (bucket) bucket.newSessions++
      if (this.options.trackHead && timed) {
        if (Number.isNaN(this.headUntil)) this.headUntil = t + this.evictAfterMs + this.sweepEveryMs
        if (t <= this.headUntil) this.head.push({key: session.joinKey, session, route: served, suffix, time: t})
      }
      if (this.sessionTable.size > c.peakActiveSessions) c.peakActiveSessions = this.sessionTable.size
      if (p.clientStart >= 0) this.newSessionForClient(line, p, parser, session, t, bucket)
    } else if (suffix !== NO_ROUTE && session.suffix !== NO_ROUTE && suffix !== session.suffix) {
      c.failoversKept++
    }
    if (suffix !== NO_ROUTE) session.suffix = suffix
    if (served !== NO_ROUTE) {
      if (session.route !== NO_ROUTE && served !== session.route) {
        // A made-up route past the cap is named once its session flips.
        if (served < NO_ROUTE && served === suffix) served = suffix = routes.intern(text, suffixStart, ref.end, true)
        this.flip(session, served, t, text, idStart, baseEnd, bucket)
      }
      session.route = served
    }
    if (timed) session.lastSeen = t
    if (p.setCookieStart >= 0) this.responseCookie(line, p, parser, rules, key, check, suffix, served, bucket)
  }

  private nodeName = ''
  private nodeRoute = NO_ROUTE

  /**
   * The node that wrote a Tomcat access log served its requests: the node named by the log's path, else the route
   * suffix of the session the server answered with (`%S` beside the request cookie), else unknown.
   */
  private tomcatNode(line: string, p: ParsedLine, rules: SessionIdRules): number {
    let route = NO_ROUTE
    if (rules.node !== undefined) {
      if (rules.node !== this.nodeName) {
        this.nodeName = rules.node
        this.nodeRoute = this.routes.intern(rules.node, 0, rules.node.length, true)
      }
      route = this.nodeRoute
    } else if (p.setCookieStart >= 0 && this.separator && !isDash(line, p.setCookieStart, p.setCookieEnd)) {
      const sep = indexWithin(line, this.separator, p.setCookieStart, p.setCookieEnd)
      if (sep >= 0 && sep + this.separator.length < p.setCookieEnd)
        route = this.routes.intern(line, sep + this.separator.length, p.setCookieEnd, true)
    }
    if (route !== NO_ROUTE) {
      this.backends.add(route)
      this.workerRoutes.add(route)
    }
    return route
  }

  /** The response handed out another id than the request carried: the id was replaced after this request. */
  private responseCookie(
    line: string,
    p: ParsedLine,
    parser: LineParser,
    rules: SessionIdRules,
    key: number,
    check: number,
    suffix: number,
    served: number,
    bucket: Bucket | null,
  ): void {
    // Tomcat's %S is the bare id ('-': the request had no session); HAProxy captures `NAME=value`.
    const found: [number, number] | null =
      parser.kind === 'tomcat'
        ? isDash(line, p.setCookieStart, p.setCookieEnd)
          ? null
          : [p.setCookieStart, p.setCookieEnd]
        : findCookie(line, p.setCookieStart, p.setCookieEnd, rules.cookieName)
    if (found === null) return
    const sep = this.separator ? indexWithin(line, this.separator, found[0], found[1]) : -1
    hashId(line, found[0], sep >= 0 ? sep : found[1])
    if (hashKey === key && hashCheck === check) return
    this.noteReplaced(suffix, served, bucket)
  }

  /** An id replaced after a request of `suffix` served by `served`: resolved into a loss once homes are known. */
  private noteReplaced(suffix: number, served: number, bucket: Bucket | null): boolean {
    if (suffix === NO_ROUTE || served === NO_ROUTE || !this.backends.has(served)) return false
    const pair = pairKey(this.routes.countIndex(suffix), served)
    this.replacedAfter.set(pair, (this.replacedAfter.get(pair) ?? 0) + 1)
    if (bucket) {
      bucket.losses ??= new Map()
      bucket.losses.set(pair, (bucket.losses.get(pair) ?? 0) + 1)
    }
    return true
  }

  /** A flip found when two parts of a file are joined (no id text: no sample). */
  private boundaryFlip(from: number, to: number, t: number): void {
    this.count.routeFlips++
    this.countFlip(from, to, Number.isNaN(t) ? null : this.timeline.at(t))
  }

  private countFlip(from: number, to: number, bucket: Bucket | null): void {
    const fromIndex = this.routes.countIndex(from)
    const toIndex = this.routes.countIndex(to)
    const pair = fromIndex * 65_536 + toIndex
    this.flipPairs.set(pair, (this.flipPairs.get(pair) ?? 0) + 1)
    if (bucket) {
      bucket.flips++
      bucket.flipsTo ??= new Map()
      bucket.flipsTo.set(toIndex, (bucket.flipsTo.get(toIndex) ?? 0) + 1)
      bucket.flipsFrom ??= new Map()
      bucket.flipsFrom.set(fromIndex, (bucket.flipsFrom.get(fromIndex) ?? 0) + 1)
    }
  }

  private flip(session: Session, to: number, t: number, text: string, start: number, baseEnd: number, bucket: Bucket | null): void {
    const from = session.route
    this.count.routeFlips++
    if (session.flips === 0) this.count.sessionsWithFlips++
    session.flips++
    this.countFlip(from, to, bucket)
    if (this.flipSamples.length < SAMPLE_LIMIT) {
      this.flipSamples.push({
        session: redactSessionId(text.slice(start, baseEnd), {...this.options.redact, routeSeparator: this.separator}),
        from: this.routes.name(from),
        to: this.routes.name(to),
        at: Number.isNaN(t) ? null : new Date(t).toISOString(),
      })
    }
  }

  private newSessionForClient(line: string, p: ParsedLine, parser: LineParser, session: Session, t: number, bucket: Bucket | null): void {
    const key = clientKey(line, p)
    let client = this.clients.get(key)
    if (client === undefined) {
      client = new Client()
      this.clients.set(key, client)
      if (t <= this.headUntil) {
        client.watch = new ClientWatch(key, this.watched.length, this.headUntil + CHURN_WINDOW_MS)
        this.watched.push(client.watch)
      }
    }
    const previous = client.session
    // With the response cookie logged, a replaced id is seen where it happens (responseCookie).
    let step: number = parser.capabilities.responseCookie ? 0 : Step.lossByClient
    let newlyChurned = false
    if (previous !== null && previous !== session && !Number.isNaN(t)) {
      const gap = t - previous.lastSeen
      if (gap <= LOST_SESSION_GAP_MS && step && this.noteReplaced(previous.suffix, previous.route, bucket)) step |= Step.loss
      if (gap <= this.options.sessionTimeoutMs) {
        step |= Step.change
        const changes = client.changes
        changes.push(t)
        while (changes.length > 0 && changes[0]! < t - CHURN_WINDOW_MS) changes.shift()
        if (changes.length >= 2) {
          step |= Step.churn
          this.count.churnEvents++
          if (bucket) bucket.churn++
          if (!client.churned) {
            newlyChurned = client.churned = true
            this.count.churnClients++
          }
        }
      }
    }
    client.watch?.note(t, session, previous, step, newlyChurned)
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
      for (const [key, client] of this.clients) if (client.session === null || client.session.lastSeen < cutoff) this.clients.delete(key)
    }
    if (this.options.trackHead && !(now > this.headUntil)) this.sweeps.push(now)
    this.lastSweep = now
    this.nextSweep = (Math.floor(now / this.sweepEveryMs) + 1) * this.sweepEveryMs
  }

  /** Adds the counts of a part analyzed elsewhere (a worker's byte range), before its sessions are joined. */
  absorbCounts(part: Parameters<AccessCounters['absorb']>[0]): void {
    this.count.absorb(part)
  }

  /** Churn events (and churning clients) at `t` that only the join of two parts' clients sees (n > 0) or undoes (n < 0). */
  churnAcrossCut(t: number, events: number, clients: number): void {
    this.count.churnEvents += events
    this.count.churnClients += clients
    if (events !== 0 && !Number.isNaN(t)) this.timeline.at(t).churn += events
  }

  /** An id replaced after a request of the (suffix, served) `pair` at `t` that only the join of two parts sees (n = 1) or undoes (n = -1). */
  replacedAcrossCut(t: number, pair: number, n: number): void {
    addCount(this.replacedAfter, pair, n)
    if (Number.isNaN(t)) return
    const bucket = this.timeline.at(t)
    bucket.losses = addCount(bucket.losses ?? new Map(), pair, n)
  }

  /**
   * A session seen at the end of the part before and at the start of the next: it was counted as
   * a new session twice; one flip when its backend changed across the cut.
   */
  joinAcrossCut(join: {
    time: number
    from: number
    to: number
    firstSuffixMissing: boolean
    suffixChanged: boolean
    /** sessionsWithFlips correction: +1, 0 or -1. */
    flippedSessions: number
  }): void {
    const c = this.count
    c.sessions--
    if (!Number.isNaN(join.time)) this.timeline.uncountNewSession(join.time)
    if (join.firstSuffixMissing) c.sessionsWithoutRoute--
    if (join.from !== NO_ROUTE && join.to !== NO_ROUTE && join.from !== join.to) this.boundaryFlip(join.from, join.to, join.time)
    if (join.suffixChanged) c.failoversKept++
    c.sessionsWithFlips += join.flippedSessions
  }
}

/** Adds n to a count, forgetting a count that comes to 0 (a figure undone at a cut is not shown as 0). */
function addCount(map: Map<number, number>, key: number, n: number): Map<number, number> {
  const total = (map.get(key) ?? 0) + n
  if (total === 0) map.delete(key)
  else map.set(key, total)
  return map
}

function afterTilde(text: string, start: number, end: number): number {
  const tilde = indexWithin(text, '~', start, end)
  return tilde < 0 ? start : tilde + 1
}

function isDash(line: string, start: number, end: number): boolean {
  return end <= start || (end - start === 1 && line.charCodeAt(start) === 45)
}
