import type {ConfigSection} from '../../core/report/types.js'
import {formatTimeout} from '../../core/report/units.js'
import type {Block} from '../blocks.js'
import type {SectionView} from './section-view.js'

function summaryRows(s: ConfigSection): string[][] {
  const rows: string[][] = [
    ['Files read', String(s.files)],
    ['Session store', s.sessionStore],
  ]
  for (const evidence of s.sessionStoreEvidence) rows.push(['  from', evidence])
  if (s.managerClass) rows.push(['Tomcat Manager', s.managerClass])
  rows.push(['Session cookie', s.cookieName ?? 'not known (no app config given)'])
  rows.push([
    'Session timeout',
    s.sessionTimeoutSeconds === null ? 'not set (servlet default 30 min)' : timeoutText(s.sessionTimeoutSeconds),
  ])
  rows.push(['jvmRoutes', s.jvmRoutes.length > 0 ? s.jvmRoutes.join(', ') : 'none'])
  return rows
}

/** The configuration section: what was read, the balancers with their routes and stickiness, and the app's session settings. */
export const configView: SectionView<'config'> = {
  title: 'Configuration',
  blocks(s) {
    const blocks: Block[] = [{kind: 'table', head: ['Figure', 'Value'], rows: summaryRows(s)}]
    if (s.balancers.length > 0)
      blocks.push({
        kind: 'table',
        title: 'Balancers',
        head: ['Balancer', 'Kind', 'Members', 'Routes', 'Sticky on', 'Where'],
        rows: s.balancers.map((b) => [
          b.name,
          b.kind,
          String(b.members.length),
          b.routes.length > 0 ? b.routes.join(', ') : '–',
          b.sticky === null ? 'not sticky' : b.stickyMode && b.stickyMode !== b.sticky ? `${b.sticky} (${b.stickyMode})` : b.sticky,
          b.location,
        ]),
      })
    if (s.logFormats.length > 0)
      blocks.push({
        kind: 'table',
        title: 'Log formats',
        head: ['LogFormat', 'Logs the session cookie', 'Where'],
        rows: s.logFormats.map((f) => [
          f.nickname || '(default)',
          f.showsSessionCookie ? 'yes' : 'no: route flips cannot be seen',
          f.location,
        ]),
      })
    if (s.filesRead.length > 0)
      blocks.push({kind: 'table', title: 'Files', head: ['File', 'Read as'], rows: s.filesRead.map((f) => [f.file, f.kind])})
    return blocks
  },
}

function timeoutText(seconds: number): string {
  return seconds <= 0 ? `${seconds} (never expires)` : formatTimeout(seconds)
}
