import type {ChalkInstance} from 'chalk'
import {analyzedSection, countBySeverity} from '../core/report/report.js'
import {scrubReport} from '../core/report/scrub.js'
import type {Finding, Report, Severity, Status} from '../core/report/types.js'
import {blocksToText} from './blocks.js'
import {diagnosisText, inputsText} from './diagnosis.js'
import {sanitizeTerminal} from './escape.js'
import {paint, type RenderOptions} from './options.js'
import {sectionBlocks, sectionViews, sourceOrder} from './sections/index.js'
import {wrapText} from './wrap.js'

const statusLabel: Record<Status, string> = {ok: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN'}
const severityMark: Record<Severity, string> = {critical: '✖ CRITICAL', warning: '▲ WARNING ', info: '● INFO    '}

/** The report for a terminal: the verdict first, findings worst first, then each source's figures. */
export function renderText(input: Report, options: RenderOptions = {}): string {
  const report = scrubReport(input, options)
  const chalk = paint(options)
  const width = options.width ?? Number.POSITIVE_INFINITY
  const tone = (status: Status | Severity, text: string): string =>
    status === 'critical'
      ? chalk.red.bold(text)
      : status === 'warning'
        ? chalk.yellow.bold(text)
        : status === 'ok'
          ? chalk.green.bold(text)
          : chalk.bold(text)

  const lines: string[] = [...wrapText(verdictLine(report, tone), width), '']
  // A trace answers one question: its verdict comes first, not a "No findings." that reads like "all is well".
  const trace = analyzedSection(report, 'trace')
  if (trace) lines.push(...wrapText(chalk.bold(sanitizeTerminal(trace.verdict.text)), width), '')
  if (report.diagnosis) lines.push(...diagnosisText(report.diagnosis, chalk, width))
  for (const finding of report.findings) lines.push(...findingBlock(finding, tone, chalk, width), '')
  if (report.findings.length === 0 && report.status !== 'unknown' && !trace) lines.push('No findings.', '')

  for (const key of sourceOrder) {
    const section = report.sources[key]
    if (!section) continue
    const state = section.status === 'analyzed' ? (section.partial ? 'analyzed (partial)' : 'analyzed') : section.status
    lines.push(...wrapText(chalk.bold(`${sectionViews[key].title}: ${state}`), width))
    if (section.reason) lines.push(...wrapText(sanitizeTerminal(section.reason), width, {indent: '  '}))
    for (const error of section.errors ?? []) {
      if (section.reason?.includes(error.message)) continue
      lines.push(...wrapText(sanitizeTerminal(error.message), width, {indent: '  ! ', hanging: '    '}).map((l) => chalk.yellow(l)))
    }
    lines.push(...blocksToText(sectionBlocks(key, section), chalk, width))
    lines.push('')
  }
  if (report.diagnosis)
    for (const line of inputsText(report.diagnosis)) lines.push(...wrapText(line, width, {hanging: '  '}).map((l) => chalk.dim(l)))
  return `${lines.join('\n').replace(/\n+$/, '')}\n`
}

function verdictLine(report: Report, tone: (s: Status, t: string) => string): string {
  const counts = countBySeverity(report.findings)
  const parts = [`${counts.critical} critical`, `${counts.warning} warning`, `${counts.info} info`]
  const partial = report.partial ? ' (partial: the analysis stopped early)' : ''
  return `${tone(report.status, statusLabel[report.status])}  ${parts.join(', ')}${partial}`
}

/** One finding: its title line, then detail, causes and actions wrapped to `width` under their indentation. */
function findingBlock(finding: Finding, tone: (s: Severity, t: string) => string, chalk: ChalkInstance, width: number): string[] {
  const title = `${tone(finding.severity, severityMark[finding.severity])} ${chalk.bold(sanitizeTerminal(finding.title))} ${chalk.dim(`[${finding.id}]`)}`
  const lines = wrapText(title, width, {hanging: '    '})
  for (const paragraph of sanitizeTerminal(finding.detail).split('\n')) lines.push(...wrapText(paragraph, width, {indent: '    '}))
  if (finding.causes.length > 0)
    lines.push(
      ...wrapText(`${chalk.bold('Likely causes:')} ${sanitizeTerminal(finding.causes.join('; '))}`, width, {
        indent: '    ',
        hanging: '      ',
      }),
    )
  if (finding.actions.length > 0) {
    lines.push(`    ${chalk.bold('Do next:')}`)
    for (const action of finding.actions)
      lines.push(...wrapText(sanitizeTerminal(action), width, {indent: '      - ', hanging: '        '}))
  }
  return lines
}
