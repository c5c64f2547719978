import type {SourceResult} from '../report/types.js'
import {type CheckContext, runChecks} from './checks.js'
import {nothingAnalyzable} from './nothing-analyzable.js'
import type {Run} from './run.js'
import {buildSection} from './section.js'
import type {AccessLogOptions} from './types.js'

/**
 * The section and findings of what a run read: nothing analyzable is an error section that keeps its
 * figures (they show what was read). analyzeAccessLogs ends with it; watch calls it on the run it fed.
 */
export function accessLogResult(run: Run, options: AccessLogOptions): SourceResult<'accessLog'> {
  const section = buildSection(run, options)
  const nothing = nothingAnalyzable(section, options)
  if (nothing) return {key: 'accessLog', section: {...section, status: 'error', reason: nothing}, findings: []}
  const primary = run.formats[0]
  const context: CheckContext = {
    formatKind: primary?.parser.kind ?? null,
    formatText: primary?.parser.formatText ?? null,
    formatName: section.detectedFormat,
    cookieName: run.cookieName,
    sessionCookieLogged: run.formats.some((f) => f.parser.capabilities.sessionCookie !== null),
    cookieHeaderLogged: run.formats.some((f) => f.parser.capabilities.cookieHeader),
    springSessionLines: run.springSessionLines,
  }
  return {key: 'accessLog', section, findings: runChecks(section, context)}
}
