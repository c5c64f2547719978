import type {AccessLogAnalyzer} from './analyzer.js'
import type {CounterValues} from './counters.js'
import {pairKey, pairServed, pairSuffix} from './homes.js'
import {NO_ROUTE} from './routes.js'
import type {ExportedBucket} from './timeline.js'
import type {BalancerEvent, FlipSample, RejectedSample} from './types.js'

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
  /** Sessions first seen near the part's start: [key, first route, first suffix, time, flips in the part]. */
  head: Array<[number, number, number, number, number]>
  /** Sessions still active at the part's end: [key, route, suffix, last seen, flips in the part]. */
  tail: Array<[number, number, number, number, number]>
}

export function exportSegment(a: AccessLogAnalyzer): SegmentResult {
  const tailFrom = a.counts.lastSeen - a.evictAfterMs
  const tail: SegmentResult['tail'] = []
  for (const s of a.sessionTable.values()) if (!(s.lastSeen < tailFrom)) tail.push([s.joinKey, s.route, s.suffix, s.lastSeen, s.flips])
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
    head: a.head.map((h) => [h.key, h.route, h.suffix, h.time, h.session.flips]),
    tail,
  }
}

/**
 * Adds the parts of one file, in order, into `into`. A session seen at the end of one part and
 * at the start of the next is one session: counted once, and a flip when its route changed
 * across the cut. (Churn and lost sessions exactly at a cut are not joined.)
 */
export function joinSegments(into: AccessLogAnalyzer, parts: readonly SegmentResult[]): void {
  let previousTail: Map<number, [number, number, number, number, number]> | null = null
  let previousNames: string[] = []
  let previousBackends: number[] = []
  // Sessions continued from earlier parts that are already counted in sessionsWithFlips.
  let counted = new Set<number>()
  let linesBefore = into.counts.lines
  const routes = into.routes
  for (const part of parts) {
    // Overflow codes (≤ -2) are hashes of the name: the same in every part.
    const route = (i: number): number =>
      i < 0 ? i : routes.intern(part.routeNames[i]!, 0, part.routeNames[i]!.length, part.backends.includes(i))
    const countedRoute = (i: number): number => routes.countIndex(route(i))
    const pair = (key: number): number => pairKey(countedRoute(pairSuffix(key)), countedRoute(pairServed(key)))
    into.absorbCounts(part.counters)
    part.routeNames.forEach((_name, i) => {
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

    const countedNow = new Set<number>()
    if (previousTail) {
      for (const [key, firstRoute, firstSuffix, time, flips] of part.head) {
        const before = previousTail.get(key)
        if (!before || time - before[3] > into.evictAfterMs) continue
        const [, lastRoute, lastSuffix, , flipsBefore] = before
        const previousName = (i: number): number =>
          i < 0 ? i : routes.intern(previousNames[i]!, 0, previousNames[i]!.length, previousBackends.includes(i))
        const from = previousName(lastRoute)
        const to = route(firstRoute)
        const flipped = from !== NO_ROUTE && to !== NO_ROUTE && from !== to
        const had = flipsBefore > 0 || counted.has(key)
        const has = had || flips > 0 || flipped
        into.joinAcrossCut({
          time,
          from,
          to,
          firstSuffixMissing: firstSuffix === NO_ROUTE,
          suffixChanged: lastSuffix !== NO_ROUTE && firstSuffix !== NO_ROUTE && previousName(lastSuffix) !== route(firstSuffix),
          flippedSessions: Number(has) - Number(had) - Number(flips > 0),
        })
        if (has) countedNow.add(key)
      }
    }
    counted = countedNow
    previousTail = new Map(part.tail.map((t) => [t[0], t]))
    previousNames = part.routeNames
    previousBackends = part.backends
  }
}

function addTo<K>(map: Map<K, number>, key: K, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n)
}
