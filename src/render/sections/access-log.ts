import type {SourceSection} from '../../core/report/types.js'
import {downsample, sparkline} from '../chart.js'
import {escapeMarkdown} from '../escape.js'
import {formatValue, markdownTable, type SectionRenderer, textTable} from './section-renderer.js'

interface Figures {
  detectedFormat?: string | null
  formatSource?: string | null
  lines?: number
  parsed?: number
  rejected?: number
  outsideWindow?: number
  requestsWithSession?: number
  sessions?: number
  routeFlips?: number
  sessionsWithFlips?: number
  failoversKept?: number
  sessionsLost?: number
  churnEvents?: number
  churnClients?: number
  sessionIdInUrl?: number
  sessionsWithoutRoute?: number
  retries?: number
  routeSource?: string | null
  firstSeen?: string | null
  lastSeen?: string | null
  bucketSeconds?: number
  routes?: Record<string, number>
  cookieRoutes?: Record<string, number>
  knownWorkers?: string[]
  unknownRoutes?: Record<string, number>
  flipsByRoutePair?: Record<string, number>
  timeline?: Array<{start: string; requests: number; flips: number}>
}

const CHART_WIDTH = 60
const n = (value: number | undefined): string => formatValue(value ?? 0)
const pct = (part: number | undefined, whole: number | undefined): string =>
  whole ? ` (${(((part ?? 0) * 100) / whole).toFixed(1)}%)` : ''
const shortTime = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '–')

function summaryRows(f: Figures): string[][] {
  const rows: string[][] = [
    [
      'Format',
      f.formatSource === 'none'
        ? 'none fits: give --log-format'
        : `${f.detectedFormat ?? '–'}${f.formatSource === 'detected' ? ' (detected)' : ''}`,
    ],
    [
      'Lines',
      `${n(f.lines)}: ${n(f.parsed)} parsed, ${n(f.rejected)} rejected${f.outsideWindow ? `, ${n(f.outsideWindow)} outside the window` : ''}`,
    ],
    ['Period', f.firstSeen ? `${shortTime(f.firstSeen)} – ${shortTime(f.lastSeen)}` : '–'],
    ['Requests with a session', `${n(f.requestsWithSession)}${pct(f.requestsWithSession, f.parsed)}`],
    ['Sessions', n(f.sessions)],
    ['Route flips', `${n(f.routeFlips)} in ${n(f.sessionsWithFlips)} sessions${pct(f.sessionsWithFlips, f.sessions)}`],
    ['Failovers that kept the session', n(f.failoversKept)],
    ['Sessions lost on another route', n(f.sessionsLost)],
    ['Session churn', `${n(f.churnEvents)} new ids to ${n(f.churnClients)} clients`],
    ['Session ids in URLs', n(f.sessionIdInUrl)],
  ]
  if (f.sessionsWithoutRoute) rows.push(['Sessions without a route', n(f.sessionsWithoutRoute)])
  if (f.retries) rows.push(['Retried on another server', n(f.retries)])
  return rows
}

function routeRows(f: Figures): string[][] {
  const known = new Set(f.knownWorkers ?? [])
  const unknown = f.unknownRoutes ?? {}
  const names = [...new Set([...Object.keys(f.routes ?? {}), ...Object.keys(f.cookieRoutes ?? {})])].sort()
  return names.map((route) => {
    const row = [route, n(f.routes?.[route])]
    if (f.cookieRoutes) row.push(n(f.cookieRoutes[route]))
    row.push(route in unknown ? 'unknown' : known.has(route) ? 'known' : known.size > 0 ? '–' : 'not checked')
    return row
  })
}

function routeHead(f: Figures): string[] {
  return f.cookieRoutes ? ['Route', 'Requests served', 'Ids with this suffix', 'Worker'] : ['Route', 'Requests', 'Worker']
}

function flipChart(f: Figures): {label: string; chart: string} | null {
  const timeline = f.timeline ?? []
  if (timeline.length < 2 || !f.routeFlips) return null
  const values = downsample(
    timeline.map((e) => e.flips),
    CHART_WIDTH,
  )
  const per = (f.bucketSeconds ?? 60) * Math.max(1, timeline.length / values.length)
  const unit = per % 3600 === 0 ? `${per / 3600} h` : per % 60 === 0 ? `${per / 60} min` : `${Math.round(per)} s`
  return {
    label: `Flips per ${unit}, ${shortTime(timeline[0]!.start)} → ${shortTime(timeline[timeline.length - 1]!.start)}, max ${Math.max(...values)}`,
    chart: sparkline(values),
  }
}

/** The access-log figures: a summary, flips by route pair, routes, and a sparkline of flips over time. */
export const accessLogRenderer: SectionRenderer = {
  title: 'Access log',
  text(section: SourceSection, context) {
    const f = section as Figures
    const lines = [textTable(['Figure', 'Value'], summaryRows(f), context)]
    const pairs = Object.entries(f.flipsByRoutePair ?? {})
    if (pairs.length > 0)
      lines.push(
        textTable(
          ['Flip (from → to)', 'Flips'],
          pairs.map(([pair, count]) => [pair, n(count)]),
          context,
        ),
      )
    const routes = routeRows(f)
    if (routes.length > 0) lines.push(textTable(routeHead(f), routes, context))
    const chart = flipChart(f)
    if (chart) lines.push(`${chart.label}\n${chart.chart}`)
    return lines
  },
  markdown(section: SourceSection) {
    const f = section as Figures
    const lines = [...markdownTable(['Figure', 'Value'], summaryRows(f)), '']
    const pairs = Object.entries(f.flipsByRoutePair ?? {})
    if (pairs.length > 0)
      lines.push(
        ...markdownTable(
          ['Flip (from → to)', 'Flips'],
          pairs.map(([pair, count]) => [pair, n(count)]),
        ),
        '',
      )
    const routes = routeRows(f)
    if (routes.length > 0) lines.push(...markdownTable(routeHead(f), routes), '')
    const chart = flipChart(f)
    if (chart) lines.push(`${escapeMarkdown(chart.label)}: \`${chart.chart}\``, '')
    return lines
  },
}
