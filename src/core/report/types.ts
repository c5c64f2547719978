import type {FindingId} from './catalog.js'

export type Severity = 'info' | 'warning' | 'critical'
export type Status = 'ok' | 'warning' | 'critical' | 'unknown'
export type FindingSource = 'access-log' | 'tomcat-log' | 'redis' | 'config' | 'correlation'
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
}

/** What an analyzer hands back: its section and the findings it raised. */
export interface SourceResult<S extends SectionStatus = SourceSection> {
  key: SourceKey
  section: S
  findings: Finding[]
}
