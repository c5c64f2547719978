import type {AccessLogAnalyzer} from './analyzer.js'
import type {CounterValues} from './counters.js'
import {pairKey, pairServed, pairSuffix} from './homes.js'
import {KeyTable} from './key-table.js'
import {NO_ROUTE} from './routes.js'
import {ClientJoin, type ClientsAtCut, exportClients, PassSweeps} from './segment-clients.js'
import type {ExportedBucket} from './timeline.js'
import type {BalancerEvent, FlipSample, RejectedSample} from './types.js'

/** Numbers per session in a part's head and tail. */
const SESSION_FIELDS = 5

/** What a worker sends back for its part of a file: plain data (structured clone). */
export interface SegmentResult {
  counters: CounterValues
  routeNames: string[]
  routeRequests: number[]
  suffixRequests: number[]
  workerRoutes: number[]
  backends: number[]
  flipPairs: Array<[number, number]>
  servedBySuffix: Array<[number, number]>
  replacedAfter: Array<[number, number]>
  balancerEvents: BalancerEvent[]
  haproxyCookieStates: Array<[string, number]>
  buckets: ExportedBucket[]
  flipSamples: FlipSample[]
  rejectedSamples: RejectedSample[]
  /** Sessions first seen near the part's start (trackHead), SESSION_FIELDS each: key, first route, first suffix, time, flips in the part. */
  head: Float64Array
  /** Sessions the part still held at its end (none for the last part): key, route, suffix, last seen, flips in the part. */
  tail: Float64Array
  /** The clients seen near the part's start and those held at its end (ClientJoin). */
  clients: ClientsAtCut
  /** Times of the sweeps until the head's end, and of the last sweep (PassSweeps). */
  sweeps: number[]
  lastSweep: number
}

/** A part's result. `tail: false` for the last part of a file: nothing follows it. */
export function exportSegment(a: AccessLogAnalyzer, options: {tail?: boolean} = {}): SegmentResult {
  const withTail = options.tail !== false
  const head = new Float64Array(a.head.length * SESSION_FIELDS)
  let at = 0
  for (const h of a.head) at = put(head, at, h.key, h.route, h.suffix, h.time, h.session.flips)
  // All the sessions the last sweep kept: one pass holds them too.
  const tail = new Float64Array(withTail ? a.sessionTable.size * SESSION_FIELDS : 0)
  at = 0
  if (withTail) for (const s of a.sessionTable.values()) at = put(tail, at, s.joinKey, s.route, s.suffix, s.lastSeen, s.flips)
  return {
    counters: a.counts.values(),
    routeNames: a.routes.names,
    routeRequests: a.routes.requests,
    suffixRequests: a.routes.suffixRequests,
    workerRoutes: [...a.workerRoutes],
    backends: [...a.backends],
    flipPairs: [...a.flipPairs],
    servedBySuffix: [...a.servedBySuffix],
    replacedAfter: [...a.replacedAfter],
    balancerEvents: a.balancerEvents,
    haproxyCookieStates: [...a.haproxyCookieStates],
    buckets: a.timeline.exportBuckets(),
    flipSamples: a.flipSamples,
    rejectedSamples: a.rejectedSamples,
    head,
    tail,
    clients: exportClients(a, withTail),
    sweeps: a.sweeps,
    lastSweep: a.lastSweep,
  }
}

/** The sessions one pass holds at the end of the parts joined so far, as columns (our route indexes). */
class HeldSessions {
  readonly keys: Float64Array
  readonly route: Float64Array
  readonly suffix: Float64Array
  readonly lastSeen: Float64Array
  /** Counted in sessionsWithFlips. */
  readonly flipped: Uint8Array
  /** Seen at the start of the part being joined: 1, and 2 when continued there (its flips counted as `flipped`). */
  readonly state: Uint8Array
  private readonly table: KeyTable
  /** Rows filled. */
  size = 0

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity)
    this.route = new Float64Array(capacity)
    this.suffix = new Float64Array(capacity)
    this.lastSeen = new Float64Array(capacity)
    this.flipped = new Uint8Array(capacity)
    this.state = new Uint8Array(capacity)
    this.table = new KeyTable(capacity)
  }

  find(key: number): number {
    return this.table.get(key)
  }

  add(key: number, route: number, suffix: number, lastSeen: number, flipped: boolean): void {
    const row = this.size++
    this.keys[row] = key
    this.route[row] = route
    this.suffix[row] = suffix
    this.lastSeen[row] = lastSeen
    this.flipped[row] = flipped ? 1 : 0
    this.table.set(key, row)
  }
}

const SEEN = 1
const CONTINUED = 2

/**
 * Adds the parts of one file, in order, into `into`. A session seen at the end of one part and
 * at the start of the next is one session: counted once, and a flip when its route changed
 * across the cut. A client followed on both sides of a cut is one client (ClientJoin): its churn and
 * lost sessions are those of one pass. A session or client idle through a whole part is carried
 * over it while one pass would still hold it (PassSweeps), so what one pass forgets is forgotten.
 * Memory: what one pass holds at a cut. Not as one pass: peakActiveSessions (the largest of the
 * parts', each starting empty), flipSamples (a flip at a cut has none), lost sessions of a client
 * several users share (ClientJoin), and a cut among requests whose times are out of order.
 */
export function joinSegments(into: AccessLogAnalyzer, parts: readonly SegmentResult[]): void {
  let held = new HeldSessions(0)
  const clients = new ClientJoin(into)
  const sweeps = new PassSweeps(into)
  let linesBefore = into.counts.lines
  const routes = into.routes
  parts.forEach((part, partIndex) => {
    const backends = new Set(part.backends)
    // The part's route indexes → ours, in the part's order. Overflow codes (≤ -2) are hashes of the name: the same in every part.
    const ours: number[] = []
    const route = (i: number): number => (i < 0 ? i : ours[i]!)
    const countedRoute = (i: number): number => routes.countIndex(route(i))
    const pair = (key: number): number => pairKey(countedRoute(pairSuffix(key)), countedRoute(pairServed(key)))
    const backendsBefore = new Set(into.backends)
    into.absorbCounts(part.counters)
    part.routeNames.forEach((name, i) => {
      ours[i] = routes.intern(name, 0, name.length, backends.has(i))
      const mine = countedRoute(i)
      routes.requests[mine]! += part.routeRequests[i] ?? 0
      routes.suffixRequests[mine]! += part.suffixRequests[i] ?? 0
    })
    for (const w of part.workerRoutes) into.workerRoutes.add(route(w))
    for (const b of part.backends) into.backends.add(route(b))
    for (const [key, n] of part.flipPairs) addTo(into.flipPairs, pair(key), n)
    for (const [key, n] of part.servedBySuffix) addTo(into.servedBySuffix, pair(key), n)
    for (const [key, n] of part.replacedAfter) addTo(into.replacedAfter, pair(key), n)
    for (const [state, n] of part.haproxyCookieStates) addTo(into.haproxyCookieStates, state, n)
    for (const event of part.balancerEvents) if (into.balancerEvents.length < 200) into.balancerEvents.push(event)
    into.timeline.absorb(part.buckets, countedRoute, pair)
    for (const sample of part.flipSamples) if (into.flipSamples.length < 5) into.flipSamples.push(sample)
    for (const sample of part.rejectedSamples)
      if (into.rejectedSamples.length < 5) into.rejectedSamples.push({...sample, line: sample.line + linesBefore})
    linesBefore += part.counters.lines

    sweeps.startPart(part)
    const head = part.head
    for (let i = 0; held.size > 0 && i < head.length; i += SESSION_FIELDS) {
      const row = held.find(head[i]!)
      if (row < 0) continue
      held.state[row] = SEEN
      const time = head[i + 3]!
      if (sweeps.forgot(held.lastSeen[row]!, time)) continue
      const firstSuffix = head[i + 2]!
      const flips = head[i + 4]!
      const from = held.route[row]!
      const to = route(head[i + 1]!)
      const had = held.flipped[row] === 1
      const has = had || flips > 0 || (from !== NO_ROUTE && to !== NO_ROUTE && from !== to)
      into.joinAcrossCut({
        time,
        from,
        to,
        firstSuffixMissing: firstSuffix === NO_ROUTE,
        suffixChanged: held.suffix[row] !== NO_ROUTE && firstSuffix !== NO_ROUTE && held.suffix[row] !== route(firstSuffix),
        flippedSessions: Number(has) - Number(had) - Number(flips > 0),
      })
      held.state[row] = CONTINUED
      held.flipped[row] = has ? 1 : 0
    }
    sweeps.endPart(part)
    const continued = (key: number): boolean => {
      const row = held.find(key)
      return row >= 0 && held.state[row] === CONTINUED
    }
    const last = partIndex === parts.length - 1
    clients.join(part.clients, {continued, route, backends: backendsBefore, sweeps, last})
    if (!last) held = holdAfter(held, part.tail, route, sweeps)
  })
}

/** What one pass holds after the part: the sessions held before that the part did not see (while not forgotten), and the part's. */
function holdAfter(held: HeldSessions, tail: Float64Array, route: (i: number) => number, sweeps: PassSweeps): HeldSessions {
  const kept: number[] = []
  for (let row = 0; row < held.size; row++) if (held.state[row] === 0 && sweeps.holds(held.lastSeen[row]!)) kept.push(row)
  const next = new HeldSessions(kept.length + tail.length / SESSION_FIELDS)
  for (let i = 0; i < tail.length; i += SESSION_FIELDS) {
    const key = tail[i]!
    const lastRoute = tail[i + 1]!
    const lastSuffix = tail[i + 2]!
    // A session continued from before: the route it had when this part served none.
    const r = held.find(key)
    const before = r >= 0 && held.state[r] === CONTINUED ? r : -1
    next.add(
      key,
      lastRoute === NO_ROUTE && before >= 0 ? held.route[before]! : route(lastRoute),
      lastSuffix === NO_ROUTE && before >= 0 ? held.suffix[before]! : route(lastSuffix),
      tail[i + 3]!,
      tail[i + 4]! > 0 || (before >= 0 && held.flipped[before] === 1),
    )
  }
  for (const r of kept)
    if (next.find(held.keys[r]!) < 0) next.add(held.keys[r]!, held.route[r]!, held.suffix[r]!, held.lastSeen[r]!, held.flipped[r] === 1)
  return next
}

/** Writes one session's numbers at `at`; returns the next position. */
function put(into: Float64Array, at: number, ...values: number[]): number {
  into.set(values, at)
  return at + values.length
}

function addTo<K>(map: Map<K, number>, key: K, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n)
}
