import type {AccessLogSection} from '../access-log/types.js'
import type {ConfigSection} from '../config/section.js'
import type {DrainSection} from '../drain/types.js'
import type {LayoutFigures, RedisScanFigures} from '../redis/scan/figures.js'
import type {RedisNodeRow, RedisStatsFigures} from '../redis/stats/figures.js'
import type {KeySizeBucket} from '../redis/stats/info-parser.js'
import type {TomcatLogSection} from '../tomcat-log/section.js'
import type {SignatureSummary} from '../tomcat-log/types.js'
import type {TraceSection} from '../trace/types.js'
import type {WatchEvent, WatchFigures, WatchInterval, WatchSection} from '../watch/types.js'
import type {FindingId} from './catalog.js'

export type Severity = 'info' | 'warning' | 'critical'
export type Status = 'ok' | 'warning' | 'critical' | 'unknown'
export type FindingSource = 'access-log' | 'tomcat-log' | 'redis' | 'config' | 'correlation' | 'drain-status' | 'watch'

export interface Finding {
  id: FindingId
  severity: Severity
  source: FindingSource
  title: string
  detail: string
  evidence: Record<string, unknown>
  causes: string[]
  actions: string[]
}

/** What each source section carries beside its own figures. */
export interface SectionStatus {
  status: 'analyzed' | 'skipped' | 'error'
  /** Why it was skipped or failed, with what to do next. */
  reason?: string
  /** True when the analysis stopped early (interrupted, timed out): the figures cover only part. */
  partial?: boolean
  /** Non-fatal problems met while analyzing (a missing file among several, a node that did not answer). */
  errors?: InputError[]
  /**
   * The finding ids this source checked for, when it ran only some of its checks (`redis scan` runs
   * no stats check). Absent: every finding id of the source was checked.
   */
  checked?: FindingId[]
}

/**
 * Each source's section, keyed as in the JSON report. A source owns its section type (beside its
 * code); this map is the one place that names them all, so renderers import only core/report.
 */
export interface Sections {
  accessLog: AccessLogSection
  tomcatLog: TomcatLogSection
  redis: RedisSection
  config: ConfigSection
  drain: DrainSection
  trace: TraceSection
  watch: WatchSection
}

export type SourceKey = keyof Sections

/** A source asked for that could not be analyzed at all: no figures, a reason. */
export interface FailedSection extends SectionStatus {
  status: 'error' | 'skipped'
}

/** What `sources[key]` holds: the source's figures (analyzed, or an error that kept its figures), or a bare failure. */
export type SectionOf<K extends SourceKey> = Sections[K] | FailedSection

export type AnySection = SectionOf<SourceKey>

/**
 * Redis: server stats (`redis stats`) and the keyspace scan (`redis scan`), each present when it ran.
 * The JSON report shows them flat in `sources.redis` (CONTRACT.md); only the JSON renderer flattens.
 */
export interface RedisSection extends SectionStatus {
  stats?: RedisStatsFigures
  scan?: RedisScanFigures
}

export interface InputError {
  input: string
  message: string
}

export interface Report {
  schemaVersion: 1
  tool: {name: 'sessdoc'; version: string}
  generatedAt: string
  status: Status
  partial?: boolean
  window: {since: string | null; until: string | null}
  findings: Finding[]
  sources: {[K in SourceKey]?: SectionOf<K>}
  /** diagnose only: ranked causes per symptom and the merged timeline. */
  diagnosis?: Diagnosis
}

export interface Diagnosis {
  /** Which inputs diagnose used and which it skipped, with why. */
  inputs: Array<{source: SourceKey; input: string; used: boolean; reason?: string}>
  playbooks: Playbook[]
  timeline: TimelineBucket[]
}

export interface Playbook {
  symptom: string
  causes: RankedCause[]
}

export interface RankedCause {
  cause: string
  /** 0 (no evidence) to 1 (proven by the evidence found). */
  score: number
  verdict: 'likely' | 'possible' | 'unlikely' | 'unknown'
  evidence: string[]
  /** What sessdoc could not check, and which input would let it. */
  missing: string[]
  findings: string[]
}

export interface TimelineBucket {
  start: string
  requests: number
  flips: number
  newSessions: number
  appErrors: number
  redisErrors: number
  restarts: number
}

/** What an analyzer hands back: its section and the findings it raised. */
export type SourceResult<K extends SourceKey = SourceKey> = {
  [P in K]: {key: P; section: SectionOf<P>; findings: Finding[]}
}[K]

export type {
  AccessLogSection,
  ConfigSection,
  DrainSection,
  KeySizeBucket,
  LayoutFigures,
  RedisNodeRow,
  RedisScanFigures,
  RedisStatsFigures,
  SignatureSummary,
  TomcatLogSection,
  TraceSection,
  WatchEvent,
  WatchFigures,
  WatchInterval,
  WatchSection,
}
