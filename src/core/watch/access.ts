import type {CheckContext} from '../access-log/checks.js'
import {runChecks} from '../access-log/checks.js'
import type {Run} from '../access-log/index.js'
import {nothingAnalyzable} from '../access-log/nothing-analyzable.js'
import {buildSection} from '../access-log/section.js'
import type {AccessLogOptions} from '../access-log/types.js'
import type {SourceResult} from '../report/types.js'

/**
 * The access-log section and findings of the lines watched: access-log's own section builder and
 * checks on the run the watch fed (as analyzeAccessLogs ends, for a run it read itself).
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
  }
  return {key: 'accessLog', section, findings: runChecks(section, context)}
}
