import type {SourceSection} from '../../core/report/types.js'
import {downsample, sparkline} from '../chart.js'
import {sanitizeTerminal} from '../escape.js'
import {formatValue, markdownTable, type SectionRenderer, textTable} from './section-renderer.js'

interface Signature {
  id: string
  category: string
  count: number
  firstSeen: string | null
  lastSeen: string | null
  exception: string
  message: string
  rootCause?: string
  sample: string
  topFrames?: string[]
  offendingClass?: string
  redisReply?: string
}

interface Figures {
  files?: number
  lines?: number
  events?: number
  problemEvents?: number
  unclassified?: number
  signaturesTotal?: number
  firstSeen?: string | null
  lastSeen?: string | null
  timezone?: string
  truncatedLines?: number
  signatures?: Signature[]
  byCategory?: Record<string, number>
  restarts?: string[]
  lifecycle?: Array<{time: string; kind: string; file: string; detail: string}>
  redisErrorsByMinute?: Array<{minute: string; count: number}>
  perHour?: Array<{hour: string; count: number}>
  otherSignatures?: Array<{exception: string; message: string; count: number}>
  fileDetails?: Array<{path: string; lines: number; events: number; format: string | null; gzip: boolean}>
}

/** Signatures shown in the ranking; examples shown for the first few. */
const TOP = 15
const EXAMPLES = 3
const CHART_WIDTH = 60
const n = (value: number | undefined): string => formatValue(value ?? 0)
const shortTime = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '–')
const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

/** What a row of the ranking says: the problem, then what it was caused by. */
function describe(s: Signature): string {
  const what = s.offendingClass && !s.message.includes(s.offendingClass) ? `${s.message} [${s.offendingClass}]` : s.message
  if (!s.exception) return what
  if (!s.rootCause || s.rootCause === s.exception) return `${what} (${shortClass(s.exception)})`
  return `${what} (root cause: ${shortClass(s.rootCause)})`
}

function shortClass(name: string): string {
  const colon = name.indexOf(': ')
  const cls = colon >= 0 ? name.slice(0, colon) : name
  const simple = cls.slice(cls.lastIndexOf('.') + 1)
  return colon >= 0 ? `${simple}: ${name.slice(colon + 2)}` : simple
}

function summaryRows(f: Figures): string[][] {
  const period = f.firstSeen ? `${shortTime(f.firstSeen)} – ${shortTime(f.lastSeen)}` : '–'
  const rows: string[][] = [
    ['Files', n(f.files)],
    ['Lines', `${n(f.lines)}${f.truncatedLines ? ` (${n(f.truncatedLines)} over-long lines cut)` : ''}`],
    ['Events (stack traces joined)', n(f.events)],
    [
      'Warnings and errors',
      `${n(f.problemEvents)}: ${n((f.problemEvents ?? 0) - (f.unclassified ?? 0))} session-related, ${n(f.unclassified)} other`,
    ],
    ['Session-related errors from – to', period],
    ['Restarts', f.restarts?.length ? `${f.restarts.length}: ${f.restarts.map(shortTime).join(', ')}` : '0'],
    ['Zone of times without one', f.timezone ?? '–'],
  ]
  return rows
}

function rankingRows(f: Figures, width: number): string[][] {
  return (f.signatures ?? [])
    .slice(0, TOP)
    .map((s, i) => [String(i + 1), n(s.count), s.category, cut(describe(s), width), shortTime(s.firstSeen), shortTime(s.lastSeen), s.id])
}

function categoryRows(f: Figures): string[][] {
  return Object.entries(f.byCategory ?? {}).map(([category, count]) => [category, n(count)])
}

function lifecycleRows(f: Figures): string[][] {
  return (f.lifecycle ?? []).slice(0, 30).map((l) => [shortTime(l.time), l.kind, cut(l.detail, 70), l.file])
}

function fileRows(f: Figures): string[][] {
  return (f.fileDetails ?? []).map((d) => [d.path, d.format ?? '(not recognized)', n(d.lines), n(d.events)])
}

function redisChart(f: Figures): string | null {
  const series = f.redisErrorsByMinute ?? []
  if (series.length === 0) return null
  const first = Date.parse(series[0]!.minute)
  const last = Date.parse(series.at(-1)!.minute)
  const minutes = Math.min(Math.round((last - first) / 60_000) + 1, 100_000)
  const values = new Array<number>(minutes).fill(0)
  for (const point of series) {
    const at = Math.round((Date.parse(point.minute) - first) / 60_000)
    if (at >= 0 && at < minutes) values[at] = point.count
  }
  const total = series.reduce((sum, p) => sum + p.count, 0)
  return `${sparkline(downsample(values, CHART_WIDTH))}  ${n(total)} Redis errors, ${shortTime(series[0]!.minute)} – ${shortTime(series.at(-1)!.minute)}`
}

function exampleLines(s: Signature, rank: number): string[] {
  const lines = [`#${rank} ${s.id} (${n(s.count)}×)`]
  for (const line of s.sample.split('\n')) lines.push(`    ${line.replace(/^\s+/, '')}`)
  for (const frame of (s.topFrames ?? []).slice(0, 3)) lines.push(`        at ${frame}`)
  return lines
}

export const tomcatLogRenderer: SectionRenderer = {
  title: 'Application log',
  text(section: SourceSection, context) {
    const f = section as Figures
    const {chalk} = context
    const lines: string[] = [textTable(['Figure', 'Value'], summaryRows(f), context)]
    if ((f.signatures ?? []).length > 0) {
      const more = (f.signaturesTotal ?? 0) > TOP ? ` (top ${TOP} of ${f.signaturesTotal})` : ''
      lines.push('', chalk.bold(`Most frequent session-related errors${more}`))
      lines.push(textTable(['#', 'Count', 'Category', 'Error', 'First', 'Last', 'Id'], rankingRows(f, 90), context))
      lines.push('', chalk.bold('Examples'))
      for (const [i, s] of (f.signatures ?? []).slice(0, EXAMPLES).entries()) lines.push(...exampleLines(s, i + 1).map(sanitizeTerminal))
    }
    lines.push('', textTable(['Category', 'Events'], categoryRows(f), context))
    const chart = redisChart(f)
    if (chart) lines.push('', chalk.bold('Redis errors per minute'), chart)
    if ((f.lifecycle ?? []).length > 0)
      lines.push('', chalk.bold('Starts, stops and deploys'), textTable(['Time', 'Kind', 'Message', 'File'], lifecycleRows(f), context))
    if ((f.otherSignatures ?? []).length > 0) {
      lines.push('', chalk.bold('Other warnings and errors (not session-related), most frequent'))
      lines.push(
        textTable(
          ['Count', 'Error'],
          (f.otherSignatures ?? [])
            .slice(0, 5)
            .map((o) => [n(o.count), cut(o.exception ? `${o.message} (${shortClass(o.exception)})` : o.message, 100)]),
          context,
        ),
      )
    }
    if ((f.fileDetails ?? []).length > 1 || (f.fileDetails ?? []).some((d) => d.format === null)) {
      lines.push('', textTable(['File', 'Format', 'Lines', 'Events'], fileRows(f), context))
    }
    return lines
  },
  markdown(section: SourceSection) {
    const f = section as Figures
    const lines: string[] = [...markdownTable(['Figure', 'Value'], summaryRows(f)), '']
    if ((f.signatures ?? []).length > 0) {
      lines.push('#### Most frequent session-related errors', '')
      lines.push(...markdownTable(['#', 'Count', 'Category', 'Error', 'First', 'Last', 'Id'], rankingRows(f, 160)), '')
      lines.push('#### Examples', '')
      ;(f.signatures ?? []).slice(0, EXAMPLES).forEach((s, i) => {
        lines.push(
          `**#${i + 1}** \`${s.id}\`, ${n(s.count)}×`,
          '',
          '```text',
          ...exampleLines(s, i + 1)
            .slice(1)
            .map((l) => fenceSafe(l)),
          '```',
          '',
        )
      })
    }
    lines.push(...markdownTable(['Category', 'Events'], categoryRows(f)), '')
    const chart = redisChart(f)
    if (chart) lines.push(`Redis errors per minute: \`${chart}\``, '')
    if ((f.lifecycle ?? []).length > 0)
      lines.push('#### Starts, stops and deploys', '', ...markdownTable(['Time', 'Kind', 'Message', 'File'], lifecycleRows(f)), '')
    if ((f.otherSignatures ?? []).length > 0) {
      lines.push('#### Other warnings and errors (not session-related)', '')
      lines.push(
        ...markdownTable(
          ['Count', 'Error'],
          (f.otherSignatures ?? []).slice(0, 5).map((o) => [n(o.count), cut(o.message, 160)]),
        ),
        '',
      )
    }
    if ((f.fileDetails ?? []).length > 1 || (f.fileDetails ?? []).some((d) => d.format === null))
      lines.push(...markdownTable(['File', 'Format', 'Lines', 'Events'], fileRows(f)), '')
    return lines
  },
}

/** A line inside a fenced block: no control characters, and no fence of its own. */
function fenceSafe(line: string): string {
  return sanitizeTerminal(line).replace(/`{3,}/g, (m) => '\u02cb'.repeat(m.length))
}
