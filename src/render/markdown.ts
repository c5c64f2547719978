import {countBySeverity} from '../core/report/report.js'
import {scrubReport} from '../core/report/scrub.js'
import type {Report, Status} from '../core/report/types.js'
import {blocksToMarkdown, markdownTable} from './blocks.js'
import {diagnosisMarkdown, inputsText} from './diagnosis.js'
import {escapeMarkdown} from './escape.js'
import type {RenderOptions} from './options.js'
import {sectionBlocks, sectionViews, sourceOrder} from './sections/index.js'

const statusLabel: Record<Status, string> = {ok: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN'}

/** The report for a ticket: verdict heading, a findings table, then one section per finding and source. */
export function renderMarkdown(input: Report, options: RenderOptions = {}): string {
  const report = scrubReport(input, options)
  const counts = countBySeverity(report.findings)
  const lines: string[] = [
    `# sessdoc: ${statusLabel[report.status]}${report.partial ? ' (partial)' : ''}`,
    '',
    `${counts.critical} critical, ${counts.warning} warning, ${counts.info} info. Generated ${report.generatedAt} by sessdoc ${report.tool.version}.`,
    '',
  ]
  if (report.diagnosis) lines.push(...diagnosisMarkdown(report.diagnosis))
  if (report.findings.length > 0) {
    lines.push('## Findings', '')
    lines.push(
      ...markdownTable(
        ['Severity', 'Finding', 'Id'],
        report.findings.map((f) => [f.severity, f.title, f.id]),
      ),
      '',
    )
    for (const finding of report.findings) {
      lines.push(`### ${escapeMarkdown(finding.title)} (\`${finding.id}\`, ${finding.severity})`, '')
      lines.push(...finding.detail.split('\n').map((line) => escapeMarkdown(line) + '  '), '')
      if (finding.causes.length > 0) lines.push('**Likely causes**', '', ...finding.causes.map((c) => `- ${escapeMarkdown(c)}`), '')
      if (finding.actions.length > 0) lines.push('**Do next**', '', ...finding.actions.map((a) => `- ${escapeMarkdown(a)}`), '')
    }
  }
  const present = sourceOrder.filter((key) => report.sources[key])
  if (present.length > 0) lines.push('## Sources', '')
  for (const key of present) {
    const section = report.sources[key]!
    lines.push(`### ${sectionViews[key].title}: ${section.status}${section.partial ? ' (partial)' : ''}`, '')
    if (section.reason) lines.push(escapeMarkdown(section.reason), '')
    for (const error of section.errors ?? []) if (!section.reason?.includes(error.message)) lines.push(`- ${escapeMarkdown(error.message)}`)
    if (section.errors?.length) lines.push('')
    lines.push(...blocksToMarkdown(sectionBlocks(key, section)))
  }
  if (report.diagnosis?.inputs.length) lines.push('## Inputs', '', ...inputsText(report.diagnosis).map((l) => `- ${escapeMarkdown(l)}`), '')
  return `${lines.join('\n').replace(/\n+$/, '')}\n`
}
