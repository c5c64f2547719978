/** sessdoc's core on the lab's real logs: the functions `access-log` and `tomcat-log` call. */
import {readFileSync} from 'node:fs'
import {type AccessLogOptions, type AccessLogSection, analyzeAccessLogs} from '../../src/core/access-log/index.js'
import {analyzeTomcatLogs, type TomcatLogSection} from '../../src/core/tomcat-log/index.js'
import type {Truth} from './truth.js'

export interface AccessRun {
  section: AccessLogSection
  findings: string[]
  /** The contract figures next to the users' truth. */
  figures: Record<string, unknown>
}

export async function sessdocAccessLog(paths: string[], extra: Partial<AccessLogOptions> = {}): Promise<AccessRun> {
  const result = await analyzeAccessLogs({paths, window: {since: null, until: null}, redact: {}, parallel: false, ...extra})
  const section = result.section as AccessLogSection
  return {
    section,
    findings: result.findings.map((f) => f.id),
    figures: {
      detectedFormat: section.detectedFormat,
      requestsWithSession: section.requestsWithSession,
      sessions: section.sessions,
      routeFlips: section.routeFlips,
      sessionsWithFlips: section.sessionsWithFlips,
      misroutedRequests: section.misroutedRequests,
      sessionsLost: section.sessionsLost,
    },
  }
}

export function apacheConfOption(path: string): AccessLogOptions['apacheConf'] {
  return {path, text: readFileSync(path, 'utf8')}
}

export async function sessdocTomcatLog(paths: string[]): Promise<TomcatLogSection> {
  const result = await analyzeTomcatLogs({paths, window: {since: null, until: null}, redact: {}})
  return result.section as TomcatLogSection
}

/** One line per figure for the report: truth vs sessdoc. */
export function table(name: string, truth: Truth, run: AccessRun): string {
  const t = truth as unknown as Record<string, unknown>
  const rows = Object.entries(run.figures).map(([k, v]) => `  ${k.padEnd(20)} users ${String(t[k] ?? '').padEnd(6)} sessdoc ${String(v)}`)
  return `lab ${name}: ${truth.requests} requests (${truth.failed} failed), by node ${JSON.stringify(truth.byNode)}, lost at home ${truth.lostAtHome}, findings ${run.findings.join(' ')}\n${rows.join('\n')}`
}
