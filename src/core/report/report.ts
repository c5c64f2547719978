import {toolVersion} from '../version.js'
import {type FindingId, type FindingInfo, findingCatalog} from './catalog.js'
import type {AnySection, Finding, Report, SectionOf, Sections, Severity, SourceKey, SourceResult, Status} from './types.js'

export interface FindingInput {
  detail: string
  severity?: Severity
  title?: string
  evidence?: Record<string, unknown>
  /** Added before the catalog's causes (most likely first). */
  causes?: string[]
  /** Added before the catalog's actions. */
  actions?: string[]
}

/** A finding whose title, causes and actions come from the catalog, with the check's numbers. */
export function makeFinding(id: FindingId, input: FindingInput): Finding {
  const info = findingCatalog[id]
  return {
    id,
    severity: input.severity ?? info.severity,
    source: info.source,
    title: input.title ?? info.title,
    detail: input.detail,
    evidence: input.evidence ?? {},
    causes: dedupe([...(input.causes ?? []), ...info.causes]),
    // The check's own actions say specifically what the catalog's fallback says in general: one of them, not both.
    actions: dedupe([...(input.actions?.length ? input.actions : ((info as FindingInfo).fallbackActions ?? [])), ...info.actions]),
  }
}

const severityRank: Record<Severity, number> = {critical: 0, warning: 1, info: 2}

/** Contract order: critical, warning, info, then by id. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank[a.severity] - severityRank[b.severity] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/**
 * The worst finding decides; a report in which no requested source could be analyzed
 * and nothing was found is `unknown`.
 */
export function reportStatus(findings: readonly Finding[], sections: readonly AnySection[]): Status {
  if (findings.some((f) => f.severity === 'critical')) return 'critical'
  const analyzed = sections.some((s) => s.status === 'analyzed')
  if (!analyzed && findings.length === 0) return 'unknown'
  if (findings.some((f) => f.severity === 'warning')) return 'warning'
  return 'ok'
}

export interface ReportInput {
  results: SourceResult[]
  /** Findings that belong to no single source (correlation). */
  extraFindings?: Finding[]
  window?: {since: Date | null; until: Date | null}
  now?: Date
}

export function buildReport({results, extraFindings = [], window, now = reportTime()}: ReportInput): Report {
  const findings = sortFindings([...results.flatMap((r) => r.findings), ...extraFindings])
  const sources: Report['sources'] = {}
  for (const r of results) setSection(sources, r)
  const sections = results.map((r) => r.section)
  const report: Report = {
    schemaVersion: 1,
    tool: {name: 'sessdoc', version: toolVersion},
    generatedAt: now.toISOString(),
    status: reportStatus(findings, sections),
    window: {since: window?.since?.toISOString() ?? null, until: window?.until?.toISOString() ?? null},
    findings,
    sources,
  }
  if (sections.some((s) => s.partial)) report.partial = true
  return report
}

function setSection(sources: Report['sources'], result: SourceResult): void {
  // TypeScript cannot follow the key-section pairing through an index; SourceResult guarantees it.
  ;(sources as Partial<Record<SourceKey, AnySection>>)[result.key] = result.section
}

const statusKeys = new Set(['status', 'reason', 'partial', 'errors', 'checked'])

/** A source's figures when it was analyzed, else undefined. */
export function analyzedSection<K extends SourceKey>(report: Pick<Report, 'sources'>, key: K): Sections[K] | undefined {
  const section = report.sources[key]
  // FailedSection is never 'analyzed'; TypeScript cannot narrow a generic key's union by it.
  return section?.status === 'analyzed' ? (section as Sections[K]) : undefined
}

/** Whether a section carries its source's figures (analyzed, or an error that kept what was read). */
export function hasFigures<K extends SourceKey>(section: SectionOf<K>): section is Sections[K] {
  return section.status === 'analyzed' || Object.keys(section).some((key) => !statusKeys.has(key))
}

/** Now, or SOURCE_DATE_EPOCH (seconds) when set: the reproducible-builds convention, for golden files. */
function reportTime(): Date {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH)
  return process.env.SOURCE_DATE_EPOCH && Number.isFinite(epoch) ? new Date(epoch * 1000) : new Date()
}

/**
 * A run cut short (Ctrl-C) that found nothing cannot say OK: it is UNKNOWN, as its exit code is.
 * What it did find still stands (a critical finding in half a log is critical).
 */
export function markInterrupted(report: Report): void {
  report.partial = true
  if (report.status === 'ok') report.status = 'unknown'
}

const sourceNames: Record<SourceKey, string> = {
  accessLog: 'access log',
  tomcatLog: 'app log',
  redis: 'Redis',
  config: 'config',
  drain: 'drain-status',
  trace: 'trace',
  watch: 'watch',
}

/** Why a report is UNKNOWN, one line each: the sources that could not be analyzed, an interruption. */
export function unknownReasons(report: Report): string[] {
  if (report.status !== 'unknown') return []
  const reasons: string[] = []
  for (const [key, section] of Object.entries(report.sources) as Array<[SourceKey, AnySection | undefined]>) {
    if (section && section.status !== 'analyzed') reasons.push(`${sourceNames[key]}: ${section.reason ?? section.status}`)
  }
  if (report.partial) reasons.push('interrupted before the end: nothing was found in what was read, which does not make it OK')
  return reasons
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = {critical: 0, warning: 0, info: 0}
  for (const f of findings) counts[f.severity]++
  return counts
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)]
}
