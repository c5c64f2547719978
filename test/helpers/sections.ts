import {hasFigures} from '../../src/core/report/report.js'
import type {
  AccessLogSection,
  RedisScanFigures,
  RedisSection,
  RedisStatsFigures,
  SectionOf,
  Sections,
  SourceKey,
  TomcatLogSection,
} from '../../src/core/report/types.js'
import type {LifecycleEvent} from '../../src/core/tomcat-log/types.js'

/** The figures of a section that must have them; a bare failure fails the test with its reason. */
export function figuresOf<K extends SourceKey>(result: {key: K; section: SectionOf<K>}): Sections[K] {
  const {section} = result
  if (!hasFigures<K>(section)) throw new Error(`${result.key} has no figures: ${section.status}: ${section.reason ?? ''}`)
  return section
}

/** An access-log section: every figure zero or empty, but those a test gives. */
export function accessLogSection(figures: Partial<AccessLogSection>): AccessLogSection {
  return {
    status: 'analyzed',
    files: 1,
    lines: 0,
    parsed: 0,
    rejected: 0,
    outsideWindow: 0,
    detectedFormat: null,
    formatSource: null,
    sessionSource: null,
    sessionIdsBySource: {cookie: 0, header: 0, url: 0},
    routeSource: null,
    requestsWithSession: 0,
    sessions: 0,
    routes: {},
    knownWorkers: [],
    unknownRoutes: {},
    requestsWithoutRoute: 0,
    sessionsWithoutRoute: 0,
    routeFlips: 0,
    sessionsWithFlips: 0,
    flipsByRoutePair: {},
    failoversKept: 0,
    misroutedRequests: 0,
    misroutedByHome: {},
    sessionsLost: 0,
    sessionsLostByHome: {},
    routeHomes: {},
    retries: 0,
    churnEvents: 0,
    churnClients: 0,
    sessionIdInUrl: 0,
    peakActiveSessions: 0,
    firstSeen: null,
    lastSeen: null,
    bucketSeconds: 60,
    timeline: [],
    flipSamples: [],
    rejectedSamples: [],
    ...figures,
  }
}

/** An app-log section with only the figures a test cares about. */
export function tomcatLogSection(figures: Partial<TomcatLogSection>): TomcatLogSection {
  const byCategory = {serialization: 0, redis: 0, session: 0, replication: 0, lifecycle: 0}
  const base = {status: 'analyzed', lifecycle: [], restarts: [], redisErrorsByMinute: [], errorsByMinute: [], byCategory}
  return {...base, ...figures} as TomcatLogSection
}

/** A Redis section with the stats and scan figures a test cares about. */
export function redisSection(stats: Partial<RedisStatsFigures>, scan?: Partial<RedisScanFigures>): RedisSection {
  const sizeBytes = {p50: null, p95: null, p99: null, max: null}
  return {
    status: 'analyzed',
    stats: stats as RedisStatsFigures,
    ...(scan ? {scan: {sizeBytes, ...scan} as RedisScanFigures} : {}),
  }
}

/** A Tomcat startup at `time` on `node`, as the app-log section lists it. */
export function startup(time: string, node: string | null = null): LifecycleEvent {
  return {time, kind: 'startup', node, file: `${node ?? 'tomcat'}/catalina.out`, detail: 'Server startup'}
}
