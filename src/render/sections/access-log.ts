import type {AccessLogSection} from '../../core/report/types.js'
import {formatCount, shortTime} from '../../core/report/units.js'
import type {Block} from '../blocks.js'
import {downsample} from '../chart.js'
import type {SectionView} from './section-view.js'

const CHART_WIDTH = 60
const pct = (part: number, whole: number): string => (whole ? ` (${((part * 100) / whole).toFixed(1)}%)` : '')

function summaryRows(f: AccessLogSection): string[][] {
  const rows: string[][] = [
    [
      'Format',
      f.formatSource === 'none'
        ? 'none fits: give --log-format'
        : `${f.detectedFormat ?? '–'}${f.formatSource === 'detected' ? ' (detected)' : ''}`,
    ],
    [
      'Lines',
      `${formatCount(f.lines)}: ${formatCount(f.parsed)} parsed, ${formatCount(f.rejected)} rejected${f.outsideWindow ? `, ${formatCount(f.outsideWindow)} outside the window` : ''}`,
    ],
    ['Period', f.firstSeen ? `${shortTime(f.firstSeen)} – ${shortTime(f.lastSeen)}` : '–'],
    ['Requests with a session', `${formatCount(f.requestsWithSession)}${pct(f.requestsWithSession, f.parsed)}`],
    ['Sessions', formatCount(f.sessions)],
    ['Route flips', `${formatCount(f.routeFlips)} in ${formatCount(f.sessionsWithFlips)} sessions${pct(f.sessionsWithFlips, f.sessions)}`],
    ['Failovers that kept the session', formatCount(f.failoversKept)],
    ['Sessions lost on another route', formatCount(f.sessionsLost)],
    ['Session churn', `${formatCount(f.churnEvents)} new ids to ${formatCount(f.churnClients)} clients`],
    ['Session ids in URLs', formatCount(f.sessionIdInUrl)],
  ]
  if (f.sessionsWithoutRoute) rows.push(['Sessions without a route', formatCount(f.sessionsWithoutRoute)])
  if (f.retries) rows.push(['Retried on another server', formatCount(f.retries)])
  if (f.timesOutOfRange) rows.push(['Times out of range', formatCount(f.timesOutOfRange)])
  return rows
}

function routesTable(f: AccessLogSection): Block | null {
  const known = new Set(f.knownWorkers)
  const names = [...new Set([...Object.keys(f.routes), ...Object.keys(f.cookieRoutes ?? {})])].sort()
  if (names.length === 0) return null
  const rows = names.map((route) => {
    const row = [route, formatCount(f.routes[route] ?? 0)]
    if (f.cookieRoutes) row.push(formatCount(f.cookieRoutes[route] ?? 0))
    row.push(route in f.unknownRoutes ? 'unknown' : known.has(route) ? 'known' : known.size > 0 ? '–' : 'not checked')
    return row
  })
  const head = f.cookieRoutes ? ['Route', 'Requests served', 'Ids with this suffix', 'Worker'] : ['Route', 'Requests', 'Worker']
  return {kind: 'table', head, rows}
}

function flipChart(f: AccessLogSection): Block | null {
  const timeline = f.timeline
  if (timeline.length < 2 || !f.routeFlips) return null
  const values = downsample(
    timeline.map((e) => e.flips),
    CHART_WIDTH,
  )
  const per = f.bucketSeconds * Math.max(1, timeline.length / values.length)
  const unit = per % 3600 === 0 ? `${per / 3600} h` : per % 60 === 0 ? `${per / 60} min` : `${Math.round(per)} s`
  const label = `Flips per ${unit}, ${shortTime(timeline[0]!.start)} → ${shortTime(timeline.at(-1)!.start)}, max ${Math.max(...values)}`
  return {kind: 'chart', label, values}
}

/** The access-log figures: a summary, flips by route pair, routes, and a sparkline of flips over time. */
export const accessLogView: SectionView<'accessLog'> = {
  title: 'Access log',
  blocks(f) {
    const blocks: Block[] = [{kind: 'table', head: ['Figure', 'Value'], rows: summaryRows(f)}]
    const pairs = Object.entries(f.flipsByRoutePair)
    if (pairs.length > 0)
      blocks.push({kind: 'table', head: ['Flip (from → to)', 'Flips'], rows: pairs.map(([pair, count]) => [pair, formatCount(count)])})
    for (const block of [routesTable(f), flipChart(f)]) if (block) blocks.push(block)
    return blocks
  },
}
