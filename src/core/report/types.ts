import type {FindingId} from './catalog.js'

export type Severity = 'info' | 'warning' | 'critical'
export type Status = 'ok' | 'warning' | 'critical' | 'unknown'
export type FindingSource = 'access-log' | 'tomcat-log' | 'redis' | 'config' | 'correlation' | 'drain-status'
export type SourceKey = 'accessLog' | 'tomcatLog' | 'redis' | 'config'

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

export type SourceSection = SectionStatus & Record<string, unknown>

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
  sources: Partial<Record<SourceKey, SourceSection>>
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
export interface SourceResult<S extends SectionStatus = SourceSection> {
  key: SourceKey
  section: S
  findings: Finding[]
}
