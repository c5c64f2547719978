import {makeFinding} from '../report/report.js'
import type {Finding} from '../report/types.js'
import type {Evidence} from './evidence.js'
import type {CorrelationThresholds} from './thresholds.js'

type Strategy = 'sticky' | 'tomcat-cluster' | 'redis'

/**
 * Where the deployment stands in the session-strategy matrix: sticky sessions suit two servers or
 * fewer and legacy apps; a Tomcat cluster three to five; Redis five or more, Kubernetes, large
 * sessions, zero-downtime deploys and high availability.
 */
export function strategyFit(evidence: Evidence, t: CorrelationThresholds): Finding[] {
  const backends = evidence.access?.backends.length || evidence.config?.backends || null
  const current = currentStrategy(evidence)
  if (!current && backends === null) return []
  const largeSessions =
    evidence.redis?.sizeP95 !== null && evidence.redis?.sizeP95 !== undefined && evidence.redis.sizeP95 >= t.largeSessionBytes
  const recommended: Strategy =
    backends === null
      ? largeSessions
        ? 'redis'
        : (current ?? 'redis')
      : backends >= 5 || largeSessions
        ? 'redis'
        : backends >= 3
          ? 'tomcat-cluster'
          : 'sticky'
  const reasons: string[] = []
  if (backends !== null) reasons.push(`${backends} backend(s) serve traffic`)
  if (current) reasons.push(`sessions are kept ${describe(current)}`)
  if (largeSessions) reasons.push(`session p95 size ${Math.round(evidence.redis!.sizeP95! / 1024)} KB`)
  const problems: string[] = []
  if (current === 'sticky' && backends !== null && backends >= 3)
    problems.push('node-local sticky sessions at this size lose every session of a node that restarts or fails')
  if (current === 'tomcat-cluster' && backends !== null && backends > 5)
    problems.push('all-to-all replication (DeltaManager) grows with the square of the nodes')
  if (current === 'tomcat-cluster' && largeSessions) problems.push('large sessions make replication slow')
  if (current === 'sticky' && (evidence.access?.sessionsWithFlips ?? 0) > 0)
    problems.push('sessions already move between nodes (route flips), and node-local sessions do not survive the move')
  const fits = problems.length === 0 && (current === null || current === recommended || (current === 'redis' && recommended !== 'redis'))
  const detail =
    `${reasons.join('; ') || 'little is known of the deployment'}. ` +
    (current ? `Current strategy: ${describe(current)}. ` : '') +
    (current === 'redis' && recommended !== 'redis'
      ? `At this size the matrix would settle for sessions ${describe(recommended)}; a shared store goes beyond that${fits ? ' and fits.' : '.'}`
      : `The matrix recommends ${describe(recommended)} here${fits ? ', and the deployment fits it.' : '.'}`) +
    (problems.length ? ` Does not fit: ${problems.join('; ')}.` : '') +
    // Said once, by redis.no-redundancy (with its action), not again here.
    (current === 'redis' && evidence.redis?.redundant === false ? ' Redis itself has no failover: see redis.no-redundancy.' : '')
  return [
    makeFinding('correlation.strategy-fit', {
      severity: fits ? 'info' : 'warning',
      detail,
      evidence: {backends, current, recommended, largeSessions, redisRedundant: evidence.redis?.redundant ?? null, problems},
      actions: fits ? [] : actionsFor(recommended, current),
    }),
  ]
}

function currentStrategy(evidence: Evidence): Strategy | null {
  const store = evidence.config?.sessionStore
  // Redis errors in the app log mean the app keeps its sessions there, even when Redis was not given.
  if (store === 'redis' || (evidence.redis?.sessions ?? 0) > 0 || (evidence.tomcat?.byCategory.redis ?? 0) > 0) return 'redis'
  if (store === 'replication' || (evidence.tomcat?.byCategory.replication ?? 0) > 0) return 'tomcat-cluster'
  if (store === 'node-local') return 'sticky'
  if (evidence.access && evidence.access.backends.length > 0 && !evidence.redis) return 'sticky'
  return null
}

function describe(strategy: Strategy): string {
  return {
    sticky: 'on each node with sticky sessions',
    'tomcat-cluster': 'in a Tomcat cluster (session replication)',
    redis: 'in Redis (shared store)',
  }[strategy]
}

/** What to change towards the recommended strategy; never advice to move to where the sessions already are. */
function actionsFor(recommended: Strategy, current: Strategy | null): string[] {
  if (recommended === current) return []
  if (recommended === 'redis')
    return ['Move sessions to a shared store (Spring Session with Redis, or Redisson Tomcat manager), keep stickiness as an optimisation']
  if (recommended === 'tomcat-cluster' && current !== 'redis')
    return ['Use Tomcat session replication (BackupManager) or a shared Redis store']
  return []
}
