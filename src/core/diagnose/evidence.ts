import type {Finding, Report, SourceKey} from '../report/types.js'

const MINUTE = 60_000

/** What the correlations read from the source sections, in one shape whatever the analyzers grow. */
export interface Evidence {
  analyzed: Set<SourceKey>
  findings: Map<string, Finding>
  access?: {
    bucketMs: number
    buckets: Array<{startMs: number; requests: number; flips: number; newSessions: number; churn: number}>
    totalFlips: number
    sessions: number
    sessionsWithFlips: number
    /** Routes that served a noticeable share of requests. */
    backends: string[]
    flipsByRoutePair: Record<string, number>
  }
  tomcat?: {
    restarts: Array<{timeMs: number; kind: string; node: string | null}>
    redisErrorsByMinute: Array<{minuteMs: number; count: number}>
    errorsByMinute: Array<{minuteMs: number; count: number}>
    byCategory: Record<string, number>
  }
  redis?: {
    sessions: number | null
    sizeP95: number | null
    mode: string | null
    redundant: boolean | null
  }
  config?: {
    sessionStore: string | null
    backends: number | null
  }
}

type Section = Record<string, unknown>

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const arr = (v: unknown): Section[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Section[]) : [])
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {})
const time = (v: unknown): number | null => (typeof v === 'string' ? (Number.isNaN(Date.parse(v)) ? null : Date.parse(v)) : num(v))

/** Gathers the evidence from a report's analyzed sections; a section missing a figure just gives less evidence. */
export function gatherEvidence(report: Pick<Report, 'sources' | 'findings'>): Evidence {
  const evidence: Evidence = {analyzed: new Set(), findings: new Map(report.findings.map((f) => [f.id, f]))}
  for (const [key, section] of Object.entries(report.sources)) if (section?.status === 'analyzed') evidence.analyzed.add(key as SourceKey)
  const access = report.sources.accessLog
  if (access?.status === 'analyzed') evidence.access = accessEvidence(access)
  const tomcat = report.sources.tomcatLog
  if (tomcat?.status === 'analyzed') evidence.tomcat = tomcatEvidence(tomcat)
  const redis = report.sources.redis
  if (redis?.status === 'analyzed') {
    evidence.redis = {
      sessions: num(redis.sessions),
      sizeP95: num(obj(redis.sizeBytes).p95),
      mode: typeof redis.mode === 'string' ? redis.mode : null,
      redundant: redundancy(redis, evidence.findings),
    }
  }
  const config = report.sources.config
  if (config?.status === 'analyzed') {
    const balancers = arr(config.balancers)
    const members = balancers.reduce(
      (n, b) => n + (arr(b.members).length || (Array.isArray(b.routes) ? (b.routes as unknown[]).length : 0)),
      0,
    )
    evidence.config = {sessionStore: typeof config.sessionStore === 'string' ? config.sessionStore : null, backends: members || null}
  }
  return evidence
}

function accessEvidence(section: Section): NonNullable<Evidence['access']> {
  const buckets = arr(section.timeline)
    .map((b) => ({
      startMs: time(b.start) ?? Number.NaN,
      requests: num(b.requests) ?? 0,
      flips: num(b.flips) ?? 0,
      newSessions: num(b.newSessions) ?? 0,
      churn: num(b.churn) ?? num(b.churnEvents) ?? 0,
    }))
    .filter((b) => !Number.isNaN(b.startMs))
    .sort((a, b) => a.startMs - b.startMs)
  const steps = buckets
    .slice(1)
    .map((b, i) => b.startMs - buckets[i]!.startMs)
    .filter((d) => d > 0)
  const bucketMs = num(section.bucketSeconds) !== null ? num(section.bucketSeconds)! * 1000 : steps.length ? Math.min(...steps) : MINUTE
  const routes = obj(section.routes)
  const total = Object.values(routes).reduce<number>((n, v) => n + (num(v) ?? 0), 0)
  const backends = Object.entries(routes)
    .filter(([, v]) => (num(v) ?? 0) >= Math.max(1, total * 0.01))
    .map(([route]) => route)
  return {
    bucketMs,
    buckets,
    totalFlips: num(section.routeFlips) ?? buckets.reduce((n, b) => n + b.flips, 0),
    sessions: num(section.sessions) ?? 0,
    sessionsWithFlips: num(section.sessionsWithFlips) ?? 0,
    backends,
    flipsByRoutePair: Object.fromEntries(
      Object.entries(obj(section.flipsByRoutePair)).flatMap(([k, v]) =>
        num(v) !== null ? [[k, num(v)!]] : num(obj(v).count) !== null ? [[k, num(obj(v).count)!]] : [],
      ),
    ),
  }
}

function tomcatEvidence(section: Section): NonNullable<Evidence['tomcat']> {
  const lifecycle = arr(section.lifecycle)
  const restarts = lifecycle.length
    ? lifecycle
        .filter((e) => ['startup', 'shutdown', 'deploy', 'undeploy', 'start', 'stop'].includes(String(e.kind)))
        .map((e) => ({
          timeMs: time(e.time) ?? Number.NaN,
          kind: String(e.kind),
          node: typeof e.node === 'string' ? e.node : typeof e.host === 'string' ? e.host : null,
        }))
    : (Array.isArray(section.restarts) ? section.restarts : []).map((t) => ({timeMs: time(t) ?? Number.NaN, kind: 'startup', node: null}))
  const perMinute = (v: unknown): Array<{minuteMs: number; count: number}> =>
    arr(v)
      .map((m) => ({minuteMs: time(m.minute ?? m.start ?? m.time) ?? Number.NaN, count: num(m.count) ?? 0}))
      .filter((m) => !Number.isNaN(m.minuteMs))
  return {
    restarts: restarts.filter((r) => !Number.isNaN(r.timeMs)).sort((a, b) => a.timeMs - b.timeMs),
    redisErrorsByMinute: perMinute(section.redisErrorsByMinute),
    errorsByMinute: perMinute(section.errorsByMinute),
    byCategory: Object.fromEntries(Object.entries(obj(section.byCategory)).map(([k, v]) => [k, num(v) ?? 0])),
  }
}

function redundancy(section: Section, findings: Map<string, Finding>): boolean | null {
  if (findings.has('redis.no-redundancy')) return false
  if (section.mode === 'cluster' || section.mode === 'sentinel') return true
  const replicas = section.replicas
  if (typeof replicas === 'number') return replicas > 0
  if (Array.isArray(replicas)) return replicas.length > 0
  return null
}
