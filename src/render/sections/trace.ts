import type {Sections} from '../../core/report/types.js'
import type {Block} from '../blocks.js'
import {displayWidth, truncateLine} from '../wrap.js'
import type {SectionView} from './section-view.js'

type TraceSection = Sections['trace']

const dash = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? '–' : String(v))
const time = (iso: string | null): string => (iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$|Z$/, '') : '–')

/** The requests table fits a terminal this wide, one line a request (the width of a report piped or in a ticket). */
const TABLE_WIDTH = 80
/** Each column has a space either side and a border on its left; one more border closes the row. */
const chrome = (columns: number): number => 3 * columns + 1
/** Node and session cells are cut to these at most (an IPv4 upstream and its port whole, a sid with a 9-character route)… */
const NODE_WIDTH = 21
const SESSION_WIDTH = 22
/** …and further (the session first, then the node), down to these, while the path column would be narrower than MIN_REQUEST_WIDTH. */
const MIN_NODE_WIDTH = 12
const MIN_SESSION_WIDTH = 16
const MIN_REQUEST_WIDTH = 14

/** The story's clock: `10:03:00` when all of it is on one day (the day goes in the title), else `11-28 10:03:00`. */
function clockOf(times: ReadonlyArray<string | null>): {day: string | null; clock: (iso: string | null) => string} {
  const days = new Set(times.filter((t): t is string => t !== null).map((t) => t.slice(0, 10)))
  const oneDay = days.size <= 1
  return {
    day: oneDay ? ([...days][0] ?? null) : null,
    clock: (iso) => (iso === null ? '–' : oneDay ? iso.slice(11, 19) : `${iso.slice(5, 10)} ${iso.slice(11, 19)}`),
  }
}

/** `text` within `width` columns, its end kept (what tells nodes apart: `…eu-west-1a`, `…200.12:8080`). */
function endCut(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  const chars = [...text]
  let out = ''
  for (let i = chars.length - 1; i >= 0 && displayWidth(chars[i] + out) <= width - 1; i--) out = chars[i] + out
  return `…${out}`
}

/** `text` within `width` columns, its start and end kept: `5C4E81AA…DFFC.node3`. */
function middleCut(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  const chars = [...text]
  const tail = Math.floor((width - 1) / 2)
  const head = truncateLine(chars.slice(0, chars.length - tail).join(''), width - tail)
  return head + chars.slice(chars.length - tail).join('')
}

/** A session within `width`: a sid keeps its 8 hex digits whole and shortens its route; a raw id (--show-session-ids) its middle. */
function shortSession(session: string, width: number): string {
  if (displayWidth(session) <= width || !/^sid:[0-9a-f]{8}/.test(session)) return middleCut(session, width)
  return session.slice(0, 12) + middleCut(session.slice(12), width - 12)
}

/**
 * A path within `width`: its first segments and its last kept, the middle cut (`/app/orders/…/edit`); when the
 * last segment alone is too long, the path's start (`/app/checkout/pay…`).
 */
export function shortPath(path: string, width: number): string {
  if (displayWidth(path) <= width) return path
  const segments = path.split('/')
  const last = segments.at(-1) === '' && segments.length > 2 ? `${segments.at(-2)}/` : (segments.at(-1) ?? '')
  const middle = segments.length - (last.endsWith('/') ? 2 : 1)
  let best: string | null = null
  for (let keep = 1; keep < middle; keep++) {
    const candidate = `${segments.slice(0, keep).join('/')}/…/${last}`
    if (displayWidth(candidate) > width) break
    best = candidate
  }
  return best ?? truncateLine(path, width)
}

/** The requests as rows of one line each within TABLE_WIDTH: the path gives way first; time and status stay whole. */
function requestRows(s: TraceSection, clock: (iso: string | null) => string): string[][] {
  const widest = (head: string, cells: readonly string[]): number => Math.max(displayWidth(head), ...cells.map((c) => displayWidth(c)))
  const times = s.requests.map((r) => clock(r.time))
  const statuses = s.requests.map((r) => dash(r.status))
  const nodeCells = (cap: number): string[] => s.requests.map((r) => endCut(dash(r.node), cap) + (r.misrouted ? ' *' : ''))
  const sessionCells = (cap: number): string[] => s.requests.map((r) => shortSession(r.session, cap))
  let nodeCap = Math.min(
    NODE_WIDTH,
    widest(
      '',
      s.requests.map((r) => dash(r.node)),
    ),
  )
  let sessionCap = Math.min(
    SESSION_WIDTH,
    widest(
      '',
      s.requests.map((r) => r.session),
    ),
  )
  const rest = (): number =>
    TABLE_WIDTH -
    chrome(5) -
    widest('Time', times) -
    widest('Node', nodeCells(nodeCap)) -
    widest('Status', statuses) -
    widest('Session', sessionCells(sessionCap))
  // Long routes, then long node names give way too when the path would be left too little.
  while (rest() < MIN_REQUEST_WIDTH && (nodeCap > MIN_NODE_WIDTH || sessionCap > MIN_SESSION_WIDTH)) {
    if (sessionCap > MIN_SESSION_WIDTH) sessionCap--
    else nodeCap--
  }
  const requestWidth = Math.max(MIN_REQUEST_WIDTH, rest())
  const nodes = nodeCells(nodeCap)
  const sessions = sessionCells(sessionCap)
  return s.requests.map((r, i) => {
    const method = r.method ? `${r.method} ` : ''
    const request = r.path === null ? method.trim() : method + shortPath(r.path, requestWidth - displayWidth(method))
    return [times[i]!, nodes[i]!, request || '–', statuses[i]!, sessions[i]!]
  })
}

function summaryRows(s: TraceSection): string[][] {
  const rows = [
    ['Session', s.session],
    ['Ids of the story', s.ids.join(' → ')],
    ['Home (the node whose jvmRoute the id carries)', dash(s.home)],
    ['Requests', `${s.requests.length} (${s.requests.filter((r) => r.misrouted).length} misrouted)`],
    [
      'Id changes',
      s.idChanges.length === 0 ? 'none' : s.idChanges.map((c) => (c.routeOnly ? `${c.cause} (same id, new route)` : c.cause)).join(', '),
    ],
  ]
  if (s.client) rows.push(['Client followed', `${dash(s.client.address)} ${s.client.userAgent ? `"${s.client.userAgent}"` : ''}`.trim()])
  if (s.verdict.findingIds.length > 0) rows.push(['Findings that explain it', s.verdict.findingIds.join(', ')])
  return rows
}

/** trace: the verdict, then the session's requests, id changes, app-log lines, node events and Redis key, in time order. */
export const traceView: SectionView<'trace'> = {
  title: 'Session trace',
  blocks(s) {
    const blocks: Block[] = [
      {kind: 'note', text: s.verdict.text},
      {kind: 'table', head: ['Figure', 'Value'], rows: summaryRows(s)},
    ]
    const {day, clock} = clockOf([...s.requests.map((r) => r.time), ...s.idChanges.map((c) => c.time)])
    const when = day ? ` (${day}, UTC)` : ' (UTC)'
    if (s.requests.length > 0) {
      blocks.push({
        kind: 'table',
        title: `Requests${when}`,
        head: ['Time', 'Node', 'Request', 'Status', 'Session'],
        rows: requestRows(s, clock),
      })
      if (s.requests.some((r) => r.misrouted))
        blocks.push({kind: 'note', text: '* misrouted: served by a node other than the home of the route its id carried.'})
    }
    if (s.idChanges.length > 0) {
      blocks.push({
        kind: 'table',
        title: `Id changes${when}`,
        head: ['Time', 'From', 'To', 'Cause'],
        rows: s.idChanges.map((c) => [clock(c.time), c.from, c.to, c.cause]),
      })
      // Why in words, under the table: in a column of what the ids leave of 80 it wrapped over many lines.
      for (const c of s.idChanges) blocks.push({kind: 'note', text: `${clock(c.time)} ${c.cause}: ${c.why}.`})
    }
    if (s.appEvents.length > 0)
      blocks.push({
        kind: 'table',
        title: 'App-log lines naming the session',
        head: ['Time', 'Node', 'Level', 'Message'],
        rows: s.appEvents.map((e) => [time(e.time), dash(e.node), dash(e.level), e.message]),
      })
    if (s.nodeEvents.length > 0)
      blocks.push({
        kind: 'table',
        title: 'Node events around the session',
        head: ['Time', 'Node', 'Event', 'From'],
        rows: s.nodeEvents.map((e) => [time(e.time), dash(e.node), e.kind, e.source]),
      })
    const r = s.redis
    if (r)
      blocks.push({
        kind: 'table',
        title: 'Redis key now',
        head: ['Figure', 'Value'],
        rows: [
          ['Key', r.key],
          ['Layout', r.preset],
          ['Exists', r.exists ? 'yes' : 'no'],
          ['TTL', r.exists ? (r.ttlSeconds === null ? 'none (never expires)' : `${r.ttlSeconds} s`) : '–'],
          ['Size', r.bytes === null ? '–' : `${r.bytes} bytes`],
          ['lastAccessedTime', time(r.lastAccessedTime)],
          ['maxInactiveInterval', r.maxInactiveIntervalSeconds === null ? '–' : `${r.maxInactiveIntervalSeconds} s`],
        ],
      })
    blocks.push({
      kind: 'note',
      text: `Read ${s.scan.files} file(s), ${s.scan.bytes} bytes; ${s.scan.matchedLines} line(s) matched the byte search, ${s.scan.parsedLines} parsed.`,
    })
    return blocks
  },
}
