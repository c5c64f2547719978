import {makeFinding} from '../report/report.js'
import type {Finding} from '../report/types.js'
import type {Evidence} from './evidence.js'
import type {CorrelationThresholds} from './thresholds.js'

const MINUTE = 60_000

type Access = NonNullable<Evidence['access']>
type LifecycleEvent = NonNullable<Evidence['tomcat']>['restarts'][number]

/** One start, stop or deploy of one node, with the flips and lost sessions it is the nearest cause of. */
interface Attributed extends LifecycleEvent {
  flips: number
  lost: number
}

/**
 * The backend a flip moved away from, as the app log names its node: the same name, the node its jvmRoute belongs
 * to (routeHomes), or null when no event names it (then any node's nearest event may be the cause).
 */
function nodeOfRoute(route: string, access: Access, nodes: ReadonlySet<string>): string | null {
  const lower = (name: string): string => name.toLowerCase()
  for (const name of [route, access.routeHomes[route]]) {
    if (name === undefined) continue
    for (const node of nodes) if (lower(node) === lower(name)) return node
  }
  return null
}

/**
 * The event nearest to a bucket among those that may have caused what happened in it: after the event within the
 * window, or just before it (a shutdown logged late, clocks apart). Of two equally near, the later one.
 */
function nearestEvent(events: readonly Attributed[], startMs: number, endMs: number, t: CorrelationThresholds): Attributed | null {
  let best: Attributed | null = null
  let bestDistance = Number.POSITIVE_INFINITY
  for (const event of events) {
    if (!(event.timeMs - t.restartLeadMinutes * MINUTE < endMs && event.timeMs + t.restartWindowMinutes * MINUTE > startMs)) continue
    // Inside the bucket counts as 0; otherwise how far the bucket is from the event.
    const distance = event.timeMs < startMs ? startMs - event.timeMs : event.timeMs >= endMs ? event.timeMs - endMs : 0
    if (distance <= bestDistance) {
      best = event
      bestDistance = distance
    }
  }
  return best
}

/**
 * Route flips concentrated right after a Tomcat restart or deploy: a rolling restart without draining. Each flip is
 * put on the nearest start, stop or deploy of the node the session came from (the timeline's flipsFrom); a node
 * whose name no event carries, or a timeline without origins, falls back to the nearest event of any node. Every
 * event is kept: two restarts of one node two minutes apart are two, and the day's first start of another node is
 * never blamed for this node's flips.
 */
export function flipsAfterRestart(evidence: Evidence, t: CorrelationThresholds): Finding[] {
  const access = evidence.access
  const restarts = evidence.tomcat?.restarts ?? []
  if (!access || access.totalFlips === 0 || restarts.length === 0) return []
  const all: Attributed[] = restarts.map((r) => ({...r, flips: 0, lost: 0}))
  const nodes = new Set(all.flatMap((e) => (e.node ? [e.node] : [])))
  // A node's starts and deploys before the access log's first requests, with no stop of it before them, are the
  // day's start, not a restart: its sessions did not exist before, so no flip away from it is their doing. A start
  // later on with no stop logged is a restart whose stop the app log does not show (a crash).
  const dayStart = (access.buckets[0]?.startMs ?? Number.POSITIVE_INFINITY) + access.bucketMs
  const stopped = new Set<string | null>()
  const events = all.filter((e) => {
    if (e.kind === 'shutdown' || e.kind === 'undeploy') stopped.add(e.node)
    return stopped.has(e.node) || e.timeMs > dayStart
  })
  const eventsOf = new Map<string | null, Attributed[]>([[null, events]])
  for (const node of nodes)
    eventsOf.set(
      node,
      events.filter((e) => e.node === node),
    )
  // When the app logs name the backends the access log names, a backend with no event of its own had no restart;
  // when no name matches at all (upstream addresses, unnamed logs), any node's nearest event is the candidate.
  const origins = new Set([...access.backends, ...access.buckets.flatMap((b) => Object.keys(b.flipsFrom ?? {}))])
  const comparable = [...origins].some((route) => nodeOfRoute(route, access, nodes) !== null)
  const candidates = (route: string): Attributed[] => {
    const node = nodeOfRoute(route, access, nodes)
    return node !== null ? eventsOf.get(node)! : comparable && route !== UNKNOWN_ORIGIN ? [] : events
  }
  const attribute = (origins: Record<string, number>, startMs: number, endMs: number, into: 'flips' | 'lost'): number => {
    let placed = 0
    for (const [route, n] of Object.entries(origins)) {
      const event = nearestEvent(candidates(route), startMs, endMs, t)
      if (!event) continue
      event[into] += n
      placed += n
    }
    return placed
  }
  let inside = 0
  for (const bucket of access.buckets) {
    const end = bucket.startMs + access.bucketMs
    if (bucket.flips > 0) {
      // Flips of routes not named in flipsFrom (or no flipsFrom at all) have no known origin.
      const named = Object.values(bucket.flipsFrom ?? {}).reduce((n, v) => n + v, 0)
      const origins = {...bucket.flipsFrom}
      if (bucket.flips > named) origins[UNKNOWN_ORIGIN] = bucket.flips - named
      inside += attribute(origins, bucket.startMs, end, 'flips')
    }
    if (bucket.lostFrom) attribute(bucket.lostFrom, bucket.startMs, end, 'lost')
  }
  const share = inside / access.totalFlips
  if (inside < t.restartMinFlips || share < t.restartFlipShare) return []
  const worst = all.reduce((a, b) => (b.flips > a.flips ? b : a))
  const node = worst.node ?? likelyDrainedRoute(access.flipsByRoutePair)
  const pct = Math.round(share * 100)
  const lost = worst.lost > 0 ? ` and ${plural(worst.lost, 'lost session')}` : ''
  return [
    makeFinding('correlation.flips-after-restart', {
      severity: share >= 0.6 ? 'critical' : 'warning',
      detail:
        `${inside} of ${access.totalFlips} route flips (${pct}%) fall within ${t.restartWindowMinutes} minutes after a Tomcat startup, shutdown ` +
        `or deploy of the node the session came from (${plural(restarts.length, 'such event')} in the app log). The worst: ${worst.kind} at ${new Date(worst.timeMs).toISOString()}` +
        `${node ? ` (node ${node})` : ''}, followed by ${plural(worst.flips, 'flip')}${lost}.`,
      evidence: {
        flipsInWindows: inside,
        totalFlips: access.totalFlips,
        share: Number(share.toFixed(3)),
        windowMinutes: t.restartWindowMinutes,
        restarts: all.map((e) => ({time: new Date(e.timeMs).toISOString(), kind: e.kind, node: e.node, flips: e.flips, lost: e.lost})),
      },
      actions: [
        `Before restarting ${node ?? 'a node'}: set it to drain (balancer-manager status D or N), wait for its sessions to end, deploy, health-check, re-enable`,
      ],
    }),
  ]
}

/** The key of flips whose origin the timeline does not say: no event names it, so any node's event may be the cause. */
const UNKNOWN_ORIGIN = '\u0000unknown'

/** The route most flips move away from is the node that went away. */
function likelyDrainedRoute(pairs: Record<string, number>): string | null {
  const away = new Map<string, number>()
  for (const [pair, n] of Object.entries(pairs)) {
    const from = pair.split(/\s*(?:→|->|>)\s*/)[0]
    if (from) away.set(from, (away.get(from) ?? 0) + n)
  }
  const top = [...away.entries()].sort((a, b) => b[1] - a[1])[0]
  return top ? top[0] : null
}

/** Redis errors in the app log in the same minutes as session churn or flips. */
export function redisErrorsLogouts(evidence: Evidence, t: CorrelationThresholds): Finding[] {
  const access = evidence.access
  const errors = evidence.tomcat?.redisErrorsByMinute ?? []
  if (!access || errors.length === 0) return []
  const margin = t.redisErrorWindowMinutes * MINUTE
  let churnInside = 0
  let flipsInside = 0
  let churnOutside = 0
  let bucketsInside = 0
  let bucketsOutside = 0
  const minutes: string[] = []
  for (const bucket of access.buckets) {
    const end = bucket.startMs + access.bucketMs
    const hit = errors.some((e) => e.minuteMs < end + margin && e.minuteMs + MINUTE > bucket.startMs - margin)
    const events = bucket.churn + bucket.flips
    if (hit) {
      bucketsInside++
      churnInside += bucket.churn
      flipsInside += bucket.flips
      if (events > 0 && minutes.length < 10) minutes.push(new Date(bucket.startMs).toISOString())
    } else {
      bucketsOutside++
      churnOutside += bucket.churn
    }
  }
  const eventsInside = churnInside + flipsInside
  if (eventsInside < t.redisErrorMinEvents) return []
  const rateInside = churnInside / Math.max(1, bucketsInside)
  const rateOutside = churnOutside / Math.max(1, bucketsOutside)
  const redisErrorCount = errors.reduce((n, e) => n + e.count, 0)
  return [
    makeFinding('correlation.redis-errors-logouts', {
      severity: churnInside > 0 ? 'critical' : 'warning',
      detail:
        `${plural(redisErrorCount, 'Redis error')} in the app log; in the same minutes (±${t.redisErrorWindowMinutes}) clients got new sessions ` +
        `${plural(churnInside, 'time')} and ${plural(flipsInside, 'session')} changed route` +
        (rateOutside > 0 ? ` (churn ${(rateInside / rateOutside).toFixed(1)}x the rate of other minutes).` : '.') +
        ` First minutes: ${minutes.slice(0, 3).join(', ')}.`,
      evidence: {redisErrors: redisErrorCount, churnInside, flipsInside, churnOutside, minutes},
    }),
  ]
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
