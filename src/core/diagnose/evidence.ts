import {sortFindings} from '../report/report.js'
import type {AccessLogSection, Finding, Report, SourceKey, TomcatLogSection} from '../report/types.js'

/** What the correlations read from the source sections. */
export interface Evidence {
  analyzed: Set<SourceKey>
  /** Sources given that could not be analyzed (a missing file, an unreachable Redis): not the same as not given. */
  failed: Set<SourceKey>
  findings: Map<string, Finding>
  access?: {
    bucketMs: number
    buckets: Array<{
      startMs: number
      requests: number
      flips: number
      newSessions: number
      churn: number
      /** Flips by the backend the session moved away from; lost sessions by their home. */
      flipsFrom?: Record<string, number>
      lostFrom?: Record<string, number>
    }>
    /** Id suffixes whose backend has another name (jvmRoute tomcat1 → node1). */
    routeHomes: Record<string, string>
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

/** Gathers the evidence from the analyzed sections and the findings raised so far. */
export function gatherEvidence({sources, findings}: Pick<Report, 'sources' | 'findings'>): Evidence {
  // In report order, so that of two findings with one id the later (less severe) one is kept, as before.
  const evidence: Evidence = {analyzed: new Set(), failed: new Set(), findings: new Map(sortFindings(findings).map((f) => [f.id, f]))}
  for (const [key, section] of Object.entries(sources)) {
    if (section?.status === 'analyzed') evidence.analyzed.add(key as SourceKey)
    else if (section) evidence.failed.add(key as SourceKey)
  }
  const {accessLog, tomcatLog, redis, config} = sources
  if (accessLog?.status === 'analyzed') evidence.access = accessEvidence(accessLog)
  if (tomcatLog?.status === 'analyzed') evidence.tomcat = tomcatEvidence(tomcatLog)
  if (redis?.status === 'analyzed') {
    const replicas = redis.stats?.replicas
    evidence.redis = {
      sessions: redis.scan?.sessions ?? null,
      sizeP95: redis.scan?.sizeBytes.p95 ?? null,
      mode: redis.stats?.mode ?? null,
      redundant: evidence.findings.has('redis.no-redundancy')
        ? false
        : redis.stats?.mode === 'cluster' || redis.stats?.mode === 'sentinel'
          ? true
          : typeof replicas === 'number'
            ? replicas > 0
            : null,
    }
  }
  if (config?.status === 'analyzed') {
    const members = config.balancers.reduce((n, b) => n + (b.members.length || b.routes.length), 0)
    evidence.config = {sessionStore: config.sessionStore, backends: members || null}
  }
  return evidence
}

function accessEvidence(section: AccessLogSection): NonNullable<Evidence['access']> {
  const buckets = section.timeline
    .map((b) => ({
      startMs: Date.parse(b.start),
      requests: b.requests,
      flips: b.flips,
      newSessions: b.newSessions,
      churn: b.churn,
      ...(b.flipsFrom ? {flipsFrom: b.flipsFrom} : {}),
      ...(b.lostFrom ? {lostFrom: b.lostFrom} : {}),
    }))
    .filter((b) => !Number.isNaN(b.startMs))
    .sort((a, b) => a.startMs - b.startMs)
  const total = Object.values(section.routes).reduce((n, v) => n + v, 0)
  return {
    bucketMs: section.bucketSeconds * 1000,
    buckets,
    totalFlips: section.routeFlips,
    sessions: section.sessions,
    sessionsWithFlips: section.sessionsWithFlips,
    backends: Object.entries(section.routes)
      .filter(([, requests]) => requests >= Math.max(1, total * 0.01))
      .map(([route]) => route),
    flipsByRoutePair: section.flipsByRoutePair,
    routeHomes: Object.fromEntries(Object.entries(section.routeHomes ?? {}).map(([suffix, {home}]) => [suffix, home])),
  }
}

const restartKinds = new Set(['startup', 'shutdown', 'deploy', 'undeploy'])

function tomcatEvidence(section: TomcatLogSection): NonNullable<Evidence['tomcat']> {
  const perMinute = (series: ReadonlyArray<{minute: string; count: number}>): Array<{minuteMs: number; count: number}> =>
    series.map((m) => ({minuteMs: Date.parse(m.minute), count: m.count})).filter((m) => !Number.isNaN(m.minuteMs))
  return {
    restarts: section.lifecycle
      .filter((e) => restartKinds.has(e.kind))
      .map((e) => ({timeMs: Date.parse(e.time), kind: e.kind, node: e.node}))
      .filter((r) => !Number.isNaN(r.timeMs))
      .sort((a, b) => a.timeMs - b.timeMs),
    redisErrorsByMinute: perMinute(section.redisErrorsByMinute),
    errorsByMinute: perMinute(section.errorsByMinute),
    byCategory: {...section.byCategory},
  }
}
