import type {ChalkInstance} from 'chalk'
import type {Diagnosis, RankedCause, TimelineBucket} from '../core/report/types.js'
import {downsample, sparkline} from './chart.js'
import {escapeMarkdown, sanitizeTerminal} from './escape.js'
import {wrapText} from './wrap.js'

/** What a ranked cause is called in every format (text, Markdown, HTML). */
export type CauseLabel = 'likely' | 'possible' | 'not checked' | 'unlikely'

/**
 * A cause is 'unlikely' only when every input that could show it was analyzed and none did; one
 * that was not checked, or checked without an input it needs (its `missing`), is 'not checked',
 * whatever the inputs that were given showed: never 'unlikely'.
 */
export function causeLabel(cause: RankedCause): CauseLabel {
  if (cause.verdict === 'likely' || cause.verdict === 'possible') return cause.verdict
  return cause.verdict === 'unknown' || cause.missing.length > 0 ? 'not checked' : 'unlikely'
}

const labelOrder: CauseLabel[] = ['likely', 'possible', 'not checked', 'unlikely']

/** A playbook's causes as every format lists them: by label, then by score. */
export function orderedCauses(causes: readonly RankedCause[]): RankedCause[] {
  return [...causes].sort((a, b) => labelOrder.indexOf(causeLabel(a)) - labelOrder.indexOf(causeLabel(b)) || b.score - a.score)
}

/**
 * What could not be checked, said for every cause but a likely one (which the evidence settles):
 * under a cause labelled 'not checked' as it is (the label says the rest), else after 'not checked: '.
 */
export function notChecked(cause: RankedCause): {prefix: string; missing: string[]} {
  const label = causeLabel(cause)
  return {prefix: label === 'not checked' ? '' : 'not checked: ', missing: label === 'likely' ? [] : cause.missing}
}

/** Playbooks worth showing: those with a cause that is at least possible, or whose causes could not be checked. */
function relevantPlaybooks(diagnosis: Diagnosis): Diagnosis['playbooks'] {
  return diagnosis.playbooks.filter((p) => p.causes.some((c) => c.verdict === 'likely' || c.verdict === 'possible'))
}

/** The ranked causes and the timeline, wrapped to `width` columns (Infinity: unwrapped). */
export function diagnosisText(diagnosis: Diagnosis, chalk: ChalkInstance, width = Number.POSITIVE_INFINITY): string[] {
  const lines: string[] = []
  const playbooks = relevantPlaybooks(diagnosis)
  if (playbooks.length > 0) {
    lines.push(chalk.bold('Likely causes'))
    for (const playbook of playbooks) {
      lines.push(...wrapText(chalk.bold(sanitizeTerminal(playbook.symptom)), width, {indent: '  '}))
      orderedCauses(playbook.causes).forEach((cause, i) => {
        const label = causeLabel(cause)
        const tag = label === 'likely' ? chalk.red(label) : label === 'possible' ? chalk.yellow(label) : chalk.dim(label)
        const number = `    ${i + 1}. `
        const under = ' '.repeat(number.length)
        lines.push(...wrapText(`${sanitizeTerminal(cause.cause)} (${tag})`, width, {indent: number, hanging: under}))
        if (cause.findings.length)
          lines.push(
            ...wrapText(`seen: ${cause.findings.join(', ')}`, width, {indent: under, hanging: `${under}  `}).map((l) => chalk.dim(l)),
          )
        const {prefix, missing} = notChecked(cause)
        for (const m of missing)
          lines.push(...wrapText(`${prefix}${sanitizeTerminal(m)}`, width, {indent: under, hanging: `${under}  `}).map((l) => chalk.dim(l)))
      })
    }
    lines.push('')
  }
  if (diagnosis.timeline.length > 1) lines.push(...timelineText(diagnosis.timeline, chalk, width), '')
  return lines
}

const rows: Array<{key: keyof TimelineBucket; label: string}> = [
  {key: 'requests', label: 'requests'},
  {key: 'flips', label: 'route flips'},
  {key: 'newSessions', label: 'new sessions'},
  {key: 'appErrors', label: 'app errors'},
  {key: 'redisErrors', label: 'Redis errors'},
  {key: 'restarts', label: 'restarts, deploys'},
]

export function timelineRows(timeline: readonly TimelineBucket[], width = 60): Array<{label: string; chart: string; total: number}> {
  return rows
    .map(({key, label}) => {
      const values = timeline.map((b) => Number(b[key]) || 0)
      return {label, chart: sparkline(downsample(values, width)), total: values.reduce((a, b) => a + b, 0)}
    })
    .filter((r) => r.total > 0)
}

/** Label, sparkline and total per row; the sparkline gets what the width leaves (at most 60 marks, at least 10). */
function timelineText(timeline: readonly TimelineBucket[], chalk: ChalkInstance, width: number): string[] {
  const first = timeline[0]!.start
  const last = timeline.at(-1)!.start
  const totals = timelineRows(timeline).map((r) => String(r.total).length)
  const chartWidth = Math.max(10, Math.min(60, width - 2 - 17 - 1 - 2 - Math.max(0, ...totals)))
  const title = wrapText(chalk.bold(`Timeline ${first} … ${last}`), width, {hanging: '  '})
  return [...title, ...timelineRows(timeline, chartWidth).map((r) => `  ${r.label.padEnd(17)} ${r.chart}  ${r.total}`)]
}

export function diagnosisMarkdown(diagnosis: Diagnosis): string[] {
  const lines: string[] = []
  const playbooks = relevantPlaybooks(diagnosis)
  if (playbooks.length > 0) {
    lines.push('## Likely causes', '')
    for (const playbook of playbooks) {
      lines.push(`**${escapeMarkdown(playbook.symptom)}**`, '')
      orderedCauses(playbook.causes).forEach((cause, i) => {
        const seen = cause.findings.length ? `: ${cause.findings.map((f) => `\`${f}\``).join(', ')}` : ''
        const {prefix, missing: notSeen} = notChecked(cause)
        const missing = notSeen.length ? ` (${prefix}${escapeMarkdown(notSeen.join('; '))})` : ''
        lines.push(`${i + 1}. ${escapeMarkdown(cause.cause)}: **${causeLabel(cause)}**${seen}${missing}`)
      })
      lines.push('')
    }
  }
  if (diagnosis.timeline.length > 1) {
    lines.push(`## Timeline`, '', `${diagnosis.timeline[0]!.start} … ${diagnosis.timeline.at(-1)!.start}`, '', '```')
    for (const r of timelineRows(diagnosis.timeline)) lines.push(`${r.label.padEnd(17)} ${r.chart}  ${r.total}`)
    lines.push('```', '')
  }
  return lines
}

export function inputsText(diagnosis: Diagnosis): string[] {
  const skipped = diagnosis.inputs.filter((i) => !i.used)
  const used = diagnosis.inputs.filter((i) => i.used)
  const lines: string[] = []
  if (used.length) lines.push(`Inputs used: ${used.map((i) => sanitizeTerminal(i.input)).join(', ')}`)
  for (const s of skipped)
    lines.push(`Skipped ${s.source}: ${sanitizeTerminal(s.input)}${s.reason ? ` (${sanitizeTerminal(s.reason)})` : ''}`)
  return lines
}
