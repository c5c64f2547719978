import type {AccessLogAnalyzer} from './analyzer.js'
import type {ExportedBucket} from './timeline.js'
import type {FlipSample, RejectedSample} from './types.js'

/** The additive counters of an analyzer, summed over the parts of a file. */
const additive = [
  'lines',
  'parsed',
  'rejected',
  'outsideWindow',
  'timesOutOfRange',
  'requests',
  'requestsWithSession',
  'sessions',
  'requestsWithoutRoute',
  'sessionsWithoutRoute',
  'routeFlips',
  'sessionsWithFlips',
  'failoversKept',
  'sessionsLost',
  'retries',
  'churnEvents',
  'churnClients',
  'sessionIdInUrl',
] as const

type Counters = Record<(typeof additive)[number], number>

/** What a worker sends back for its part of a file: plain data (structured clone). */
export interface SegmentResult {
  counters: Counters
  firstSeen: number
  lastSeen: number
  peakActiveSessions: number
  sessionSources: {cookie: number; header: number; url: number}
  routeNames: string[]
  routeRequests: number[]
  suffixRequests: number[]
  workerRoutes: number[]
  flipPairs: Array<[number, number]>
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
  const counters = {} as Counters
  for (const key of additive) counters[key] = a[key]
  const tailFrom = a.lastSeen - a.evictAfterMs
  const tail: SegmentResult['tail'] = []
  for (const s of a.sessionTable.values()) if (!(s.lastSeen < tailFrom)) tail.push([s.joinKey, s.route, s.suffix, s.lastSeen, s.flips])
  return {
    counters,
    firstSeen: a.firstSeen,
    lastSeen: a.lastSeen,
    peakActiveSessions: a.peakActiveSessions,
    sessionSources: {...a.sessionSources},
    routeNames: a.routeNames,
    routeRequests: a.routeRequests,
    suffixRequests: a.suffixRequests,
    workerRoutes: [...a.workerRoutes],
    flipPairs: [...a.flipPairs],
    haproxyCookieStates: [...a.haproxyCookieStates],
    buckets: a.timeline.exportBuckets(),
    flipSamples: a.flipSamples,
    rejectedSamples: a.rejectedSamples,
    head: a.head.map((h) => [h.key, h.route, h.suffix, h.time, h.session.flips]),
    tail,
  }
}

const NO_ROUTE = -1

/**
 * Adds the parts of one file, in order, into `into`. A session seen at the end of one part and
 * at the start of the next is one session: counted once, and a flip when its route changed
 * across the cut. (Churn and lost sessions exactly at a cut are not joined.)
 */
export function joinSegments(into: AccessLogAnalyzer, parts: readonly SegmentResult[]): void {
  let previousTail: Map<number, [number, number, number, number, number]> | null = null
  let previousNames: string[] = []
  // Sessions continued from earlier parts that are already counted in sessionsWithFlips.
  let counted = new Set<number>()
  let linesBefore = into.lines
  for (const part of parts) {
    const route = (i: number): number => (i === NO_ROUTE ? NO_ROUTE : into.intern(part.routeNames[i]!, 0, part.routeNames[i]!.length))
    for (const key of additive) into[key] += part.counters[key]
    if (!(part.firstSeen >= into.firstSeen)) into.firstSeen = part.firstSeen
    if (!(part.lastSeen <= into.lastSeen)) into.lastSeen = part.lastSeen
    into.peakActiveSessions = Math.max(into.peakActiveSessions, part.peakActiveSessions)
    for (const source of ['cookie', 'header', 'url'] as const) into.sessionSources[source] += part.sessionSources[source]
    part.routeNames.forEach((_name, i) => {
      const mine = route(i)
      into.routeRequests[mine] = (into.routeRequests[mine] ?? 0) + (part.routeRequests[i] ?? 0)
      into.suffixRequests[mine] = (into.suffixRequests[mine] ?? 0) + (part.suffixRequests[i] ?? 0)
    })
    for (const w of part.workerRoutes) into.workerRoutes.add(route(w))
    for (const [pair, n] of part.flipPairs) {
      const mine = route(Math.floor(pair / 65_536)) * 65_536 + route(pair % 65_536)
      into.flipPairs.set(mine, (into.flipPairs.get(mine) ?? 0) + n)
    }
    for (const [state, n] of part.haproxyCookieStates) into.haproxyCookieStates.set(state, (into.haproxyCookieStates.get(state) ?? 0) + n)
    into.timeline.absorb(part.buckets, route)
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
        into.sessions--
        into.timeline.at(time).newSessions--
        if (firstSuffix === NO_ROUTE) into.sessionsWithoutRoute--
        const from = lastRoute === NO_ROUTE ? NO_ROUTE : into.intern(previousNames[lastRoute]!, 0, previousNames[lastRoute]!.length)
        const to = route(firstRoute)
        const flipped = from !== NO_ROUTE && to !== NO_ROUTE && from !== to
        if (flipped) into.boundaryFlip(from, to, time)
        if (lastSuffix !== NO_ROUTE && firstSuffix !== NO_ROUTE && previousNames[lastSuffix] !== part.routeNames[firstSuffix])
          into.failoversKept++
        const had = flipsBefore > 0 || counted.has(key)
        const has = had || flips > 0 || flipped
        into.sessionsWithFlips += Number(has) - Number(had) - Number(flips > 0)
        if (has) countedNow.add(key)
      }
    }
    counted = countedNow
    previousTail = new Map(part.tail.map((t) => [t[0], t]))
    previousNames = part.routeNames
  }
}
