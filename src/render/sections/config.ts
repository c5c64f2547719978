import type {ConfigSection} from '../../core/config/section.js'
import type {SourceSection} from '../../core/report/types.js'
import {markdownTable, type SectionRenderer, textTable} from './section-renderer.js'

interface Table {
  title?: string
  head: string[]
  rows: string[][]
}

/** The configuration section: what was read, the balancers with their routes and stickiness, and the app's session settings. */
export const configRenderer: SectionRenderer = {
  title: 'Configuration',
  text(section, context) {
    return configTables(section).map(
      (table) => (table.title ? `${context.chalk.bold(table.title)}\n` : '') + textTable(table.head, table.rows, context),
    )
  },
  markdown(section) {
    const lines: string[] = []
    for (const table of configTables(section)) {
      if (table.title) lines.push(`**${table.title}**`, '')
      lines.push(...markdownTable(table.head, table.rows), '')
    }
    return lines
  },
}

function configTables(input: SourceSection): Table[] {
  const s = input as Partial<ConfigSection>
  const tables: Table[] = []
  const summary: string[][] = []
  if (typeof s.files === 'number') summary.push(['Files read', String(s.files)])
  if (s.sessionStore) summary.push(['Session store', s.sessionStore])
  for (const evidence of s.sessionStoreEvidence ?? []) summary.push(['  from', evidence])
  if (s.managerClass) summary.push(['Tomcat Manager', s.managerClass])
  summary.push(['Session cookie', s.cookieName ?? 'not known (no app config given)'])
  summary.push([
    'Session timeout',
    typeof s.sessionTimeoutSeconds === 'number' ? timeoutText(s.sessionTimeoutSeconds) : 'not set (servlet default 30 min)',
  ])
  if (s.jvmRoutes) summary.push(['jvmRoutes', s.jvmRoutes.length > 0 ? s.jvmRoutes.join(', ') : 'none'])
  tables.push({head: ['Figure', 'Value'], rows: summary})

  if (s.balancers && s.balancers.length > 0) {
    tables.push({
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
  }
  if (s.logFormats && s.logFormats.length > 0) {
    tables.push({
      title: 'Log formats',
      head: ['LogFormat', 'Logs the session cookie', 'Where'],
      rows: s.logFormats.map((f) => [
        f.nickname || '(default)',
        f.showsSessionCookie ? 'yes' : 'no: route flips cannot be seen',
        f.location,
      ]),
    })
  }
  if (s.filesRead && s.filesRead.length > 0) {
    tables.push({title: 'Files', head: ['File', 'Read as'], rows: s.filesRead.map((f) => [f.file, f.kind])})
  }
  return tables
}

function timeoutText(seconds: number): string {
  if (seconds <= 0) return `${seconds} (never expires)`
  if (seconds % 60 === 0) return `${seconds / 60} min`
  return `${seconds} s`
}
