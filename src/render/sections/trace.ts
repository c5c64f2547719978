import type {Sections} from '../../core/report/types.js'
import type {Block} from '../blocks.js'
import type {SectionView} from './section-view.js'

type TraceSection = Sections['trace']

const dash = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? '–' : String(v))
const time = (iso: string | null): string => (iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$|Z$/, '') : '–')

function summaryRows(s: TraceSection): string[][] {
  const rows = [
    ['Session', s.session],
    ['Ids of the story', s.ids.join(' → ')],
    ['Home (the node whose jvmRoute the id carries)', dash(s.home)],
    ['Requests', `${s.requests.length} (${s.requests.filter((r) => r.misrouted).length} misrouted)`],
    ['Id changes', s.idChanges.length === 0 ? 'none' : s.idChanges.map((c) => c.cause).join(', ')],
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
    if (s.requests.length > 0)
      blocks.push({
        kind: 'table',
        title: 'Requests',
        head: ['Time', 'Node', 'Request', 'Status', 'Misrouted', 'Session'],
        rows: s.requests.map((r) => [
          time(r.time),
          dash(r.node),
          `${r.method ?? ''} ${r.path ?? ''}`.trim() || '–',
          dash(r.status),
          r.misrouted ? 'yes' : '',
          r.session,
        ]),
      })
    if (s.idChanges.length > 0)
      blocks.push({
        kind: 'table',
        title: 'Id changes',
        head: ['Time', 'From', 'To', 'Cause', 'Why'],
        rows: s.idChanges.map((c) => [time(c.time), c.from, c.to, c.cause, c.why]),
      })
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
