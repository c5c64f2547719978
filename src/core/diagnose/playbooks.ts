import type {Finding, Playbook, RankedCause, SourceKey} from '../report/types.js'
import type {Evidence} from './evidence.js'

interface CauseRule {
  cause: string
  /** Findings that support the cause. */
  supportedBy: string[]
  /** Sources that could show it; when none of them was analyzed the cause is unknown. */
  checkedBy: Array<{source: SourceKey; missing: string}>
}

const weight = {critical: 1, warning: 0.7, info: 0.3} as const

const playbookRules: Array<{symptom: string; causes: CauseRule[]}> = [
  {
    symptom: 'Users keep getting logged out',
    causes: [
      {
        cause: 'Sticky sessions not configured or broken: requests reach a node without the session',
        supportedBy: ['access.route-flip', 'config.no-sticky', 'config.sticky-cookie-mismatch', 'correlation.flips-after-restart'],
        checkedBy: [
          {source: 'accessLog', missing: 'no access log given: cannot check stickiness (--access-log)'},
          {source: 'config', missing: 'no balancer config given (--apache-conf)'},
        ],
      },
      {
        cause: 'Session timeout too short',
        supportedBy: ['redis.short-ttl', 'config.session-timeout'],
        checkedBy: [
          {source: 'redis', missing: 'no Redis given: cannot read session TTLs (--redis)'},
          {source: 'config', missing: 'no app config given (--app-config, --tomcat-conf)'},
        ],
      },
      {
        cause: 'Redis failing: unreachable, refusing writes, or evicting sessions',
        supportedBy: [
          'redis.unreachable',
          'redis.auth-failed',
          'tomcat.redis-connection',
          'tomcat.redis-server-error',
          'redis.evictions',
          'redis.memory-pressure',
          'correlation.redis-errors-logouts',
          'redis.persistence-failing',
          'redis.low-hit-rate',
        ],
        checkedBy: [
          {source: 'redis', missing: 'no Redis given (--redis)'},
          {source: 'tomcatLog', missing: 'no app log given: cannot see Redis errors (--tomcat-log)'},
        ],
      },
      {
        cause: 'jvmRoute does not match the balancer routes',
        supportedBy: ['access.unknown-route', 'config.jvmroute-mismatch', 'access.missing-route'],
        checkedBy: [
          {source: 'accessLog', missing: 'no access log given (--access-log)'},
          {source: 'config', missing: 'no Tomcat / balancer config given (--tomcat-conf, --apache-conf)'},
        ],
      },
      {
        cause: 'A deploy made stored sessions unreadable, or session attributes cannot be stored',
        supportedBy: ['tomcat.class-incompatible', 'tomcat.serialization', 'tomcat.session-replication'],
        checkedBy: [{source: 'tomcatLog', missing: 'no app log given (--tomcat-log)'}],
      },
    ],
  },
  {
    symptom: 'A Redis failure loses all sessions',
    causes: [
      {
        cause: 'A lone Redis primary without replica, Sentinel or Cluster',
        supportedBy: ['redis.no-redundancy'],
        checkedBy: [{source: 'redis', missing: 'no Redis given (--redis)'}],
      },
      {
        cause: 'Replication broken or lagging: a failover would lose the newest sessions',
        supportedBy: ['redis.replication-broken'],
        checkedBy: [{source: 'redis', missing: 'no Redis given (--redis)'}],
      },
      {
        cause: 'Redis down or refusing the app (now, or in the log window)',
        supportedBy: [
          'redis.unreachable',
          'redis.auth-failed',
          'tomcat.redis-connection',
          'tomcat.redis-server-error',
          'redis.persistence-failing',
          'redis.rejected-connections',
        ],
        checkedBy: [
          {source: 'redis', missing: 'no Redis given (--redis)'},
          {source: 'tomcatLog', missing: 'no app log given (--tomcat-log)'},
        ],
      },
    ],
  },
  {
    symptom: 'Session explosion: Redis memory keeps growing',
    causes: [
      {
        cause: 'Session keys without TTL pile up',
        supportedBy: ['redis.no-ttl', 'redis.keys-without-expiry'],
        checkedBy: [{source: 'redis', missing: 'no Redis given (--redis)'}],
      },
      {
        cause: 'Large sessions',
        supportedBy: ['redis.large-sessions'],
        checkedBy: [{source: 'redis', missing: 'no Redis given (--redis)'}],
      },
      {
        cause: 'No memory limit or an eviction policy unfit for sessions',
        supportedBy: ['redis.no-maxmemory', 'redis.eviction-policy', 'redis.memory-pressure', 'redis.evictions'],
        checkedBy: [{source: 'redis', missing: 'no Redis given (--redis)'}],
      },
    ],
  },
]

/** Ranks each symptom's known causes by the evidence found, and says what could not be checked. */
const sourceNames: Record<SourceKey, string> = {
  accessLog: 'the access log was',
  tomcatLog: 'the app log was',
  redis: 'Redis was',
  config: 'the config was',
  drain: 'the balancer was',
  trace: 'the trace was',
  watch: 'the watched log was',
}

export function rankCauses(evidence: Evidence): Playbook[] {
  return playbookRules
    .map((rule) => ({symptom: rule.symptom, causes: rule.causes.map((c) => rankCause(c, evidence)).sort((a, b) => b.score - a.score)}))
    .sort((a, b) => (b.causes[0]?.score ?? 0) - (a.causes[0]?.score ?? 0))
}

function rankCause(rule: CauseRule, evidence: Evidence): RankedCause {
  const found: Finding[] = rule.supportedBy.flatMap((id) => {
    const f = evidence.findings.get(id)
    return f ? [f] : []
  })
  const checked = rule.checkedBy.filter((c) => evidence.analyzed.has(c.source))
  const missing = rule.checkedBy
    .filter((c) => !evidence.analyzed.has(c.source))
    .map((c) => (evidence.failed.has(c.source) ? `${sourceNames[c.source]} given but not analyzed (see its section)` : c.missing))
  // Each further supporting finding closes part of the remaining gap to certainty.
  const score = found.map((f) => weight[f.severity]).reduce((acc, w) => acc + (1 - acc) * w, 0)
  const verdict: RankedCause['verdict'] = score >= 0.7 ? 'likely' : score > 0 ? 'possible' : checked.length > 0 ? 'unlikely' : 'unknown'
  return {
    cause: rule.cause,
    score: Number(score.toFixed(2)),
    verdict,
    evidence: found.map((f) => `${f.title} (${f.id}, ${f.severity})`),
    missing,
    findings: found.map((f) => f.id),
  }
}
