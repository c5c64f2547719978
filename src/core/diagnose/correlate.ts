import {makeFinding} from '../report/report.js'
import type {Finding} from '../report/types.js'
import type {Evidence} from './evidence.js'
import type {CorrelationThresholds} from './thresholds.js'

const MINUTE = 60_000

/** Route flips concentrated right after a Tomcat restart or deploy: a rolling restart without draining. */
export function flipsAfterRestart(evidence: Evidence, t: CorrelationThresholds): Finding[] {
  const access = evidence.access
  const restarts = evidence.tomcat?.restarts ?? []
  if (!access || access.totalFlips === 0 || restarts.length === 0) return []
  const windows = restarts.map((r) => ({
    ...r,
    from: r.timeMs - t.restartLeadMinutes * MINUTE,
    to: r.timeMs + t.restartWindowMinutes * MINUTE,
    flips: 0,
  }))
  let inside = 0
  for (const bucket of access.buckets) {
    if (bucket.flips === 0) continue
    const end = bucket.startMs + access.bucketMs
    const hit = windows.filter((w) => bucket.startMs < w.to && end > w.from)
    if (hit.length === 0) continue
    inside += bucket.flips
    for (const w of hit) w.flips += bucket.flips / hit.length
  }
  const share = inside / access.totalFlips
  if (inside < t.restartMinFlips || share < t.restartFlipShare) return []
  const worst = [...windows].sort((a, b) => b.flips - a.flips)[0]!
  const node = worst.node ?? likelyDrainedRoute(access.flipsByRoutePair)
  const pct = Math.round(share * 100)
  return [
    makeFinding('correlation.flips-after-restart', {
      severity: share >= 0.6 ? 'critical' : 'warning',
      detail:
        `${inside} of ${access.totalFlips} route flips (${pct}%) fall within ${t.restartWindowMinutes} minutes after a Tomcat startup, shutdown ` +
        `or deploy (${plural(restarts.length, 'such event')} in the app log). The worst: ${worst.kind} at ${new Date(worst.timeMs).toISOString()}` +
        `${node ? ` (node ${node})` : ''}, followed by ${plural(Math.round(worst.flips), 'flip')}.`,
      evidence: {
        flipsInWindows: inside,
        totalFlips: access.totalFlips,
        share: Number(share.toFixed(3)),
        windowMinutes: t.restartWindowMinutes,
        restarts: windows.map((w) => ({time: new Date(w.timeMs).toISOString(), kind: w.kind, node: w.node, flips: Math.round(w.flips)})),
      },
      actions: [
        `Before restarting ${node ?? 'a node'}: set it to drain (balancer-manager status D or N), wait for its sessions to end, deploy, health-check, re-enable`,
      ],
    }),
  ]
}

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
