import type {WatchEvent, WatchFigures, WatchInterval, WatchSection} from '../../core/report/types.js'
import type {Block} from '../blocks.js'
import type {SectionView} from './section-view.js'

const stoppedText: Record<WatchSection['stoppedBy'], string> = {
  duration: 'the --duration ran out',
  signal: 'a signal (Ctrl-C, SIGTERM)',
  'max-lost': 'more sessions lost than --max-lost',
  'max-misrouted': 'more requests misrouted than --max-misrouted',
  'end-of-input': 'the end of standard input',
}

const figures = (f: WatchFigures): string[] => [String(f.requests), String(f.flips), String(f.misrouted), String(f.lost)]
const clock = (iso: string): string => iso.slice(11, 19)

/** Intervals shown in the report's table: those with a flip, a misrouted request or a loss, and the last one. */
const SHOWN_INTERVALS = 30

/** watch: why it ended, the totals per route, the intervals with trouble, the events, the files followed. */
export const watchView: SectionView<'watch'> = {
  title: 'Watch',
  blocks(s) {
    const seconds = Math.round((Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000)
    const blocks: Block[] = [
      {
        kind: 'table',
        head: ['Figure', 'Value'],
        rows: [
          [
            'Watched',
            `${s.startedAt} … ${s.endedAt} (${seconds} s, ${s.intervals.length + s.intervalsDropped} intervals of ${s.intervalSeconds} s)`,
          ],
          ['Stopped by', stoppedText[s.stoppedBy]],
          ['Requests', String(s.totals.requests)],
          ['Route flips', String(s.totals.flips)],
          ['Misrouted requests', `${s.totals.misrouted}${s.maxMisrouted === null ? '' : ` (--max-misrouted ${s.maxMisrouted})`}`],
          ['Sessions lost', `${s.totals.lost}${s.maxLost === null ? '' : ` (--max-lost ${s.maxLost})`}`],
          ['Read from', s.fromStart ? 'the start of the files' : 'the end of the files (new lines only)'],
        ],
      },
    ]
    const byRoute = routeTotals(s.intervals)
    if (Object.keys(byRoute).length > 0)
      blocks.push({
        kind: 'table',
        title: 'By route (requests served, flips away, its sessions misrouted and lost)',
        head: ['Route', 'Requests', 'Flips', 'Misrouted', 'Lost'],
        rows: Object.entries(byRoute).map(([route, f]) => [route, ...figures(f)]),
      })
    if (s.intervals.length > 1)
      blocks.push({kind: 'chart', label: `Requests per ${s.intervalSeconds} s`, values: s.intervals.map((i) => i.requests)})
    const troubled = s.intervals.filter((i) => i.flips + i.misrouted + i.lost > 0)
    if (troubled.length > 0)
      blocks.push({
        kind: 'table',
        title: `Intervals with flips, misrouted requests or losses${troubled.length > SHOWN_INTERVALS ? ` (the last ${SHOWN_INTERVALS} of ${troubled.length})` : ''}`,
        head: ['Interval', 'Requests', 'Flips', 'Misrouted', 'Lost', 'By route'],
        rows: troubled
          .slice(-SHOWN_INTERVALS)
          .map((i) => [`${clock(i.start)}–${clock(i.end)}`, ...figures(i), routesText(i.byRoute, true)]),
      })
    if (s.events.length > 0)
      blocks.push({
        kind: 'table',
        title: 'Events',
        head: ['Seen', 'Logged', 'Node', 'Event'],
        rows: s.events.map((e) => [clock(e.seenAt), e.time ? clock(e.time) : '–', e.node ?? '–', `${e.kind}: ${e.detail}`]),
      })
    if (s.members.length > 0)
      blocks.push({
        kind: 'table',
        title: 'Balancer members at the last read',
        head: ['Route', 'Status', 'Takes new sessions', 'Where'],
        rows: s.members.map((m) => [m.route, m.status, m.state === 'active' ? 'yes' : `no (${m.state})`, m.source]),
      })
    blocks.push({
      kind: 'table',
      title: 'Files followed',
      head: ['File', 'Role', 'Lines', 'Bytes read', 'Rotations', 'Truncations', 'Most bytes behind'],
      rows: s.files.map((f) => [
        f.path,
        f.role,
        f.role === 'access-log' ? String(f.lines) : '–',
        String(f.bytesRead),
        String(f.rotations),
        String(f.truncations),
        String(f.maxBacklogBytes),
      ]),
    })
    return blocks
  },
}

function routeTotals(intervals: readonly WatchInterval[]): Record<string, WatchFigures> {
  const out: Record<string, WatchFigures> = {}
  for (const i of intervals)
    for (const [route, f] of Object.entries(i.byRoute)) {
      const t = (out[route] ??= {requests: 0, flips: 0, misrouted: 0, lost: 0})
      t.requests += f.requests
      t.flips += f.flips
      t.misrouted += f.misrouted
      t.lost += f.lost
    }
  return Object.fromEntries(Object.entries(out).sort((a, b) => a[0].localeCompare(b[0])))
}

function routesText(byRoute: Record<string, WatchFigures>, troubleOnly: boolean): string {
  return Object.entries(byRoute)
    .filter(([, f]) => !troubleOnly || f.flips + f.misrouted + f.lost > 0)
    .map(([route, f]) => {
      const parts = [`${f.requests} req`]
      if (f.flips > 0) parts.push(`${f.flips} flips`)
      if (f.misrouted > 0) parts.push(`${f.misrouted} misrouted`)
      if (f.lost > 0) parts.push(`${f.lost} lost`)
      return `${route} ${parts.join(' ')}`
    })
    .join('; ')
}

/** The live line of one interval: `10:15:30  1234 requests, 3 flips, 2 misrouted, 1 lost | node1 600 req; node2 634 req 3 flips 2 misrouted 1 lost`. */
export function watchIntervalLine(i: WatchInterval): string {
  const routes = routesText(i.byRoute, false)
  return `${clock(i.end)}  ${i.requests} requests, ${i.flips} flips, ${i.misrouted} misrouted, ${i.lost} lost${routes ? ` | ${routes}` : ''}`
}

/** The live line of an event: `10:15:31  ! node2 shutdown: Stopping service [Catalina]`. */
export function watchEventLine(e: WatchEvent): string {
  return `${clock(e.seenAt)}  ! ${e.node ? `${e.node} ` : ''}${e.kind}: ${e.detail}`
}
