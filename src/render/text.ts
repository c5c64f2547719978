import type {ChalkInstance} from 'chalk'
import {countBySeverity} from '../core/report/report.js'
import {scrubReport} from '../core/report/scrub.js'
import type {Finding, Report, Severity, Status} from '../core/report/types.js'
import {blocksToText} from './blocks.js'
import {diagnosisText, inputsText} from './diagnosis.js'
import {sanitizeTerminal} from './escape.js'
import {paint, type RenderOptions} from './options.js'
import {sectionBlocks, sectionViews, sourceOrder} from './sections/index.js'

const statusLabel: Record<Status, string> = {ok: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN'}
const severityMark: Record<Severity, string> = {critical: '✖ CRITICAL', warning: '▲ WARNING ', info: '● INFO    '}

/** The report for a terminal: the verdict first, findings worst first, then each source's figures. */
export function renderText(input: Report, options: RenderOptions = {}): string {
  const report = scrubReport(input, options)
  const chalk = paint(options)
  const tone = (status: Status | Severity, text: string): string =>
    status === 'critical'
      ? chalk.red.bold(text)
      : status === 'warning'
        ? chalk.yellow.bold(text)
        : status === 'ok'
          ? chalk.green.bold(text)
          : chalk.bold(text)

  const lines: string[] = [verdictLine(report, tone), '']
  if (report.diagnosis) lines.push(...diagnosisText(report.diagnosis, chalk))
  for (const finding of report.findings) lines.push(...findingBlock(finding, tone, chalk), '')
  if (report.findings.length === 0 && report.status !== 'unknown') lines.push('No findings.', '')

  for (const key of sourceOrder) {
    const section = report.sources[key]
    if (!section) continue
    const state = section.status === 'analyzed' ? (section.partial ? 'analyzed (partial)' : 'analyzed') : section.status
    lines.push(chalk.bold(`${sectionViews[key].title}: ${state}`))
    if (section.reason) lines.push(`  ${sanitizeTerminal(section.reason)}`)
    for (const error of section.errors ?? []) {
      if (section.reason?.includes(error.message)) continue
      lines.push(chalk.yellow(`  ! ${sanitizeTerminal(error.message)}`))
    }
    lines.push(...blocksToText(sectionBlocks(key, section), chalk))
    lines.push('')
  }
  if (report.diagnosis) lines.push(...inputsText(report.diagnosis).map((l) => chalk.dim(l)))
  return `${lines.join('\n').replace(/\n+$/, '')}\n`
}

function verdictLine(report: Report, tone: (s: Status, t: string) => string): string {
  const counts = countBySeverity(report.findings)
  const parts = [`${counts.critical} critical`, `${counts.warning} warning`, `${counts.info} info`]
  const partial = report.partial ? ' (partial: the analysis stopped early)' : ''
  return `${tone(report.status, statusLabel[report.status])}  ${parts.join(', ')}${partial}`
}

function findingBlock(finding: Finding, tone: (s: Severity, t: string) => string, chalk: ChalkInstance): string[] {
  const lines = [
    `${tone(finding.severity, severityMark[finding.severity])} ${chalk.bold(sanitizeTerminal(finding.title))} ${chalk.dim(`[${finding.id}]`)}`,
  ]
  lines.push(...indent(sanitizeTerminal(finding.detail), '    '))
  if (finding.causes.length > 0) lines.push(`    ${chalk.bold('Likely causes:')} ${sanitizeTerminal(finding.causes.join('; '))}`)
  if (finding.actions.length > 0) {
    lines.push(`    ${chalk.bold('Do next:')}`)
    for (const action of finding.actions) lines.push(`      - ${sanitizeTerminal(action)}`)
  }
  return lines
}

function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((line) => prefix + line)
}
