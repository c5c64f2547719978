import type {AccessLogAnalyzer} from '../access-log/analyzer.js'
import {countMisrouted, resolveHomes} from '../access-log/homes.js'
import type {WatchFigures, WatchInterval} from './types.js'

/** The analyzer's running counts at the end of an interval. */
interface Snapshot {
  lines: number
  requests: number
  flips: number
  routeRequests: number[]
  flipPairs: Map<number, number>
  served: Map<number, number>
  replaced: Map<number, number>
}

export const zeroFigures = (): WatchFigures => ({requests: 0, flips: 0, misrouted: 0, lost: 0})

function add(into: WatchFigures, from: WatchFigures): void {
  into.requests += from.requests
  into.flips += from.flips
  into.misrouted += from.misrouted
  into.lost += from.lost
}

/** What `now` holds beyond `before`, per key (the analyzer's pair maps only grow). */
function grown(now: ReadonlyMap<number, number>, before: ReadonlyMap<number, number>): Map<number, number> {
  const out = new Map<number, number>()
  for (const [key, n] of now) {
    const d = n - (before.get(key) ?? 0)
    if (d > 0) out.set(key, d)
  }
  return out
}

/**
 * Cuts the access-log analyzer's running counts into intervals. Requests and flips are the
 * analyzer's counts; misrouted requests and lost sessions are its (suffix, served) pairs of the
 * interval judged against the sessions' homes as known at the interval's end (the contract's
 * definitions, access-log/homes.ts): each request counts once, in the interval it was read.
 */
export class IntervalCounter {
  private last: Snapshot
  /** The sums of the closed intervals. */
  readonly closed: WatchFigures = zeroFigures()

  constructor(
    private readonly analyzer: AccessLogAnalyzer,
    private readonly routeAliases: Readonly<Record<string, string>> = {},
  ) {
    this.last = this.snapshot()
  }

  /** The figures of the interval so far (since the last close), in total and by route. */
  current(): {lines: number; figures: WatchFigures; byRoute: Record<string, WatchFigures>} {
    const a = this.analyzer
    const c = a.counts
    const last = this.last
    const routes = a.routes
    const byIndex = new Map<number, WatchFigures>()
    const at = (i: number): WatchFigures => {
      let f = byIndex.get(i)
      if (f === undefined) byIndex.set(i, (f = zeroFigures()))
      return f
    }
    routes.requests.forEach((n, i) => {
      const d = n - (last.routeRequests[i] ?? 0)
      if (d > 0) at(i).requests += d
    })
    for (const [pair, n] of grown(a.flipPairs, last.flipPairs)) at(Math.floor(pair / 65_536)).flips += n
    const homes = resolveHomes(routes, a.servedBySuffix, (route) => a.backends.has(route), this.routeAliases)
    const misrouted = countMisrouted(homes, grown(a.servedBySuffix, last.served))
    const lost = countMisrouted(homes, grown(a.replacedAfter, last.replaced))
    for (const [home, n] of misrouted.byHome) at(home).misrouted += n
    for (const [home, n] of lost.byHome) at(home).lost += n
    const byRoute: Record<string, WatchFigures> = {}
    for (const [i, f] of [...byIndex].sort((x, y) => routes.name(x[0]).localeCompare(routes.name(y[0])))) byRoute[routes.name(i)] = f
    return {
      lines: c.lines - last.lines,
      figures: {requests: c.requests - last.requests, flips: c.routeFlips - last.flips, misrouted: misrouted.total, lost: lost.total},
      byRoute,
    }
  }

  /** The closed intervals' sums and the open one's: what the thresholds are checked against. */
  running(): WatchFigures {
    const sum = {...this.closed}
    add(sum, this.current().figures)
    return sum
  }

  /** Ends the interval: its figures from the last close to now. */
  close(start: number, end: number): WatchInterval {
    const {lines, figures, byRoute} = this.current()
    this.last = this.snapshot()
    add(this.closed, figures)
    return {start: new Date(start).toISOString(), end: new Date(end).toISOString(), lines, ...figures, byRoute}
  }

  private snapshot(): Snapshot {
    const a = this.analyzer
    return {
      lines: a.counts.lines,
      requests: a.counts.requests,
      flips: a.counts.routeFlips,
      routeRequests: [...a.routes.requests],
      flipPairs: new Map(a.flipPairs),
      served: new Map(a.servedBySuffix),
      replaced: new Map(a.replacedAfter),
    }
  }
}
