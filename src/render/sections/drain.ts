import type {DrainSection} from '../../core/report/types.js'
import type {Block} from '../blocks.js'
import type {SectionView} from './section-view.js'

const verdictText: Record<DrainSection['verdict'], string> = {
  safe: 'safe to stop',
  wait: 'wait: draining, sessions still bound',
  'not-draining': 'not draining: stopping now logs users out',
  unknown: 'cannot tell',
}

function summaryRows(s: DrainSection): string[][] {
  const rows = [
    ['Node (route)', s.route],
    ['Verdict', verdictText[s.verdict]],
    ['Sessions bound to the node', s.boundSessions === null ? 'not measured' : String(s.boundSessions)],
    ['Last request of a bound session', s.lastRequest ?? '–'],
    ['Safe at (if they make no more requests)', s.safeAt ?? (s.boundSessions === 0 ? 'now' : '–')],
    ['Session timeout', `${timeoutText(s.timeoutSeconds)} (${s.timeoutSource})`],
    [
      'New sessions since the drain began',
      s.newSessionsSinceDrain === null ? 'not known (seen with --wait)' : String(s.newSessionsSinceDrain),
    ],
    ['Checked at', `${s.checkedAt}${s.checks > 1 ? ` (check ${s.checks})` : ''}`],
  ]
  if (s.drainSeenAt) rows.push(['Drain first seen', s.drainSeenAt])
  return rows
}

/** drain-status: the verdict and its figures, every balancer member, what was read of the log. */
export const drainView: SectionView<'drain'> = {
  title: 'Drain status',
  blocks(s) {
    const blocks: Block[] = [{kind: 'table', head: ['Figure', 'Value'], rows: summaryRows(s)}]
    if (s.members.length > 0)
      blocks.push({
        kind: 'table',
        title: 'Balancer members',
        head: ['Route', 'Status', 'Takes new sessions', 'Where'],
        rows: s.members.map((m) => [
          m.route === s.route ? `${m.route} ◀` : m.route,
          m.status,
          m.state === 'active' ? 'yes' : `no (${m.state})`,
          m.source,
        ]),
      })
    const log = s.log
    if (log)
      blocks.push({
        kind: 'table',
        title: 'Access log, read from its end',
        head: ['Figure', 'Value'],
        rows: [
          ['Files', String(log.files)],
          ['Format', log.detectedFormat ?? 'none fits'],
          ['Lines read (parsed, rejected)', `${log.lines} (${log.parsed}, ${log.rejected})`],
          ['Bytes read', String(log.bytesRead)],
          ['Read back to', log.readBackTo ?? '–'],
          ['Sessions active within the timeout (all nodes)', String(log.activeSessions)],
          ['Last request served by the node', log.lastRequestToNode ?? '–'],
        ],
      })
    if (log?.startsInsideWindow)
      blocks.push({
        kind: 'note',
        text: 'The log begins inside the timeout window: sessions active before its first line are not seen (give the rotated file too).',
      })
    const newest = log?.newestLine ? Date.parse(log.newestLine) : Number.NaN
    if (Date.parse(s.checkedAt) - newest > STALE_LOG_MS)
      blocks.push({
        kind: 'note',
        text: `The log's newest line is from ${log?.newestLine}, more than 24 h before this check: is this the live log? (the verdict counts only what it holds)`,
      })
    const manager = s.tomcatManager
    if (manager)
      blocks.push({
        kind: 'table',
        title: 'Tomcat manager (second opinion)',
        head: ['Context', 'Active sessions'],
        rows: manager.error
          ? [[manager.url, `not read: ${manager.error}`]]
          : Object.entries(manager.contexts).map(([c, n]) => [c, String(n)]),
      })
    return blocks
  },
}

/** A live log's newest line is minutes old; a day old, the file is likely a rotated or a copied one. */
const STALE_LOG_MS = 24 * 3_600_000

function timeoutText(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`
}

/** One line per --wait check, for the terminal. */
export function drainProgressLine(s: DrainSection): string {
  const safeAt = s.safeAt ? `, safe at ${s.safeAt.slice(11, 19)}` : ''
  return `${s.checkedAt.slice(11, 19)} ${s.route}: ${s.verdict}, ${s.boundSessions ?? '?'} session(s) bound${safeAt}`
}
