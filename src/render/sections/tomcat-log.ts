import type {SignatureSummary, TomcatLogSection} from '../../core/report/types.js'
import {formatCount, shortTime} from '../../core/report/units.js'
import type {Block} from '../blocks.js'
import {downsample} from '../chart.js'
import type {SectionView} from './section-view.js'

/** Signatures shown in the ranking; examples shown for the first few. */
const TOP = 15
const EXAMPLES = 3
const CHART_WIDTH = 60
const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

/** What a row of the ranking says: the problem, then what it was caused by. */
function describe(s: SignatureSummary): string {
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

function summaryRows(f: TomcatLogSection): string[][] {
  const rows: string[][] = [
    ['Files', formatCount(f.files)],
    ['Lines', `${formatCount(f.lines)}${f.truncatedLines ? ` (${formatCount(f.truncatedLines)} over-long lines cut)` : ''}`],
    ['Events (stack traces joined)', formatCount(f.events)],
    [
      'Warnings and errors',
      `${formatCount(f.problemEvents)}: ${formatCount(f.problemEvents - f.unclassified)} session-related, ${formatCount(f.unclassified)} other`,
    ],
    ['Session-related errors from – to', f.firstSeen ? `${shortTime(f.firstSeen)} – ${shortTime(f.lastSeen)}` : '–'],
    ['Restarts', f.restarts.length ? `${f.restarts.length}: ${f.restarts.map(shortTime).join(', ')}` : '0'],
    ['Zone of times without one', f.timezone],
  ]
  if (f.timesOutOfRange) rows.push(['Times out of range', formatCount(f.timesOutOfRange)])
  return rows
}

function ranking(f: TomcatLogSection): Block[] {
  if (f.signatures.length === 0) return []
  const more = f.signaturesTotal > TOP ? ` (top ${TOP} of ${f.signaturesTotal})` : ''
  const rows = f.signatures
    .slice(0, TOP)
    .map((s, i) => [
      String(i + 1),
      formatCount(s.count),
      s.category,
      cut(describe(s), 90),
      shortTime(s.firstSeen),
      shortTime(s.lastSeen),
      s.id,
    ])
  const examples: Block[] = f.signatures.slice(0, EXAMPLES).map((s, i) => ({
    kind: 'excerpt',
    title: `Example #${i + 1}: ${s.id} (${formatCount(s.count)}×)`,
    lines: [...s.sample.split('\n').map((line) => line.replace(/^\s+/, '')), ...s.topFrames.slice(0, 3).map((frame) => `    at ${frame}`)],
  }))
  return [
    {
      kind: 'table',
      title: `Most frequent session-related errors${more}`,
      head: ['#', 'Count', 'Category', 'Error', 'First', 'Last', 'Id'],
      rows,
    },
    ...examples,
  ]
}

function redisChart(f: TomcatLogSection): Block | null {
  const series = f.redisErrorsByMinute
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
  const label = `${formatCount(total)} Redis errors, ${shortTime(series[0]!.minute)} – ${shortTime(series.at(-1)!.minute)}`
  return {kind: 'chart', title: 'Redis errors per minute', label, values: downsample(values, CHART_WIDTH)}
}

export const tomcatLogView: SectionView<'tomcatLog'> = {
  title: 'Application log',
  blocks(f) {
    const blocks: Block[] = [{kind: 'table', head: ['Figure', 'Value'], rows: summaryRows(f)}, ...ranking(f)]
    blocks.push({
      kind: 'table',
      head: ['Category', 'Events'],
      rows: Object.entries(f.byCategory).map(([category, count]) => [category, formatCount(count)]),
    })
    const chart = redisChart(f)
    if (chart) blocks.push(chart)
    if (f.lifecycle.length > 0)
      blocks.push({
        kind: 'table',
        title: 'Starts, stops and deploys',
        head: ['Time', 'Kind', 'Message', 'File'],
        rows: f.lifecycle.slice(0, 30).map((l) => [shortTime(l.time), l.kind, cut(l.detail, 70), l.file]),
      })
    if (f.otherSignatures.length > 0)
      blocks.push({
        kind: 'table',
        title: 'Other warnings and errors (not session-related), most frequent',
        head: ['Count', 'Error'],
        rows: f.otherSignatures
          .slice(0, 5)
          .map((o) => [formatCount(o.count), cut(o.exception ? `${o.message} (${shortClass(o.exception)})` : o.message, 100)]),
      })
    if (f.fileDetails.length > 1 || f.fileDetails.some((d) => d.format === null))
      blocks.push({
        kind: 'table',
        head: ['File', 'Format', 'Lines', 'Events'],
        rows: f.fileDetails.map((d) => [d.path, d.format ?? '(not recognized)', formatCount(d.lines), formatCount(d.events)]),
      })
    return blocks
  },
}
