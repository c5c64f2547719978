import {apacheDirectives} from '../access-log/log-format.js'
import type {InputError, SectionStatus} from '../report/types.js'
import {type ConfigModel, describeStoreEvidence, isUnresolved} from './model.js'
import type {BalancerKind, ConfigKind, ParsedFile, SessionStore, StickyMode} from './types.js'

export interface BalancerFigure {
  name: string
  kind: BalancerKind
  location: string
  members: Array<{target: string; route: string | null; location: string}>
  routes: string[]
  /** The sticky cookie (with its URL parameter, `JSESSIONID|jsessionid`), or null when not sticky. */
  sticky: string | null
  stickyMode: StickyMode | null
  lbmethod: string | null
}

export interface ConfigSection extends SectionStatus {
  files: number
  filesRead: Array<{file: string; kind: ConfigKind}>
  balancers: BalancerFigure[]
  jvmRoutes: string[]
  /** The session cookie the app sets (the first, when several are configured). */
  cookieName: string | null
  /** The shortest session timeout configured, in seconds; null when none is set (servlet default 30 min). */
  sessionTimeoutSeconds: number | null
  managerClass: string | null
  sessionStore: SessionStore
  sessionStoreEvidence: string[]
  logFormats: Array<{nickname: string; location: string; showsSessionCookie: boolean}>
  /** jvmRoute values left as `${...}` placeholders (set at start-up: not checkable here). */
  unresolvedJvmRoutes?: string[]
}

export function configSection(model: ConfigModel, files: ParsedFile[], errors: InputError[]): ConfigSection {
  const {balancer, app} = model
  const cookieNames = new Set([
    ...model.appCookies.map((c) => c.name),
    ...balancer.balancers.map((b) => b.sticky?.cookie).filter((c): c is string => !!c),
  ])
  const section: ConfigSection = {
    status: 'analyzed',
    files: files.length,
    filesRead: files.map((f) => ({file: f.file, kind: f.kind})),
    balancers: balancer.balancers.map((b) => ({
      name: b.name,
      kind: b.kind,
      location: `${b.file}:${b.line}`,
      members: b.members.map((m) => ({target: m.target, route: m.route ?? null, location: `${m.file}:${m.line}`})),
      routes: b.members.map((m) => m.route).filter((r): r is string => !!r),
      sticky: b.sticky?.cookie
        ? `${b.sticky.cookie}${b.sticky.urlParameter ? `|${b.sticky.urlParameter}` : ''}`
        : b.sticky
          ? b.sticky.mode
          : null,
      stickyMode: b.sticky?.mode ?? null,
      lbmethod: b.lbmethod ?? null,
    })),
    jvmRoutes: [...new Set(app.jvmRoutes.map((r) => r.value))],
    cookieName: model.appCookies[0]?.name ?? null,
    sessionTimeoutSeconds: app.timeouts.length > 0 ? Math.min(...app.timeouts.map((t) => t.value)) : null,
    managerClass:
      app.managers[0]?.className ??
      (model.store === 'node-local' && model.storeEvidence.some((e) => e.implicit)
        ? 'org.apache.catalina.session.StandardManager (default)'
        : null),
    sessionStore: model.store,
    sessionStoreEvidence: groupedEvidence(model),
    logFormats: balancer.logFormats.map((f) => ({
      nickname: f.nickname,
      location: `${f.file}:${f.line}`,
      showsSessionCookie: showsSessionCookie(f.format, cookieNames),
    })),
  }
  if (errors.length > 0) section.errors = errors
  if (app.jvmRoutes.some((r) => isUnresolved(r.value)))
    section.unresolvedJvmRoutes = app.jvmRoutes.filter((r) => isUnresolved(r.value)).map((r) => r.value)
  return section
}

/** Whether a LogFormat writes the session cookie (or the whole Cookie header), so that flips can be seen. */
export function showsSessionCookie(format: string, cookieNames: Set<string>): boolean {
  const directives = apacheDirectives(format)
  if (directives.some((d) => d.letter.toLowerCase() === 'i' && d.arg?.toLowerCase() === 'cookie')) return true
  const logged = directives.filter((d) => d.letter === 'C' && d.arg).map((d) => d.arg!)
  if (cookieNames.size === 0) return logged.length > 0
  return logged.some((name) => cookieNames.has(name))
}

/** One line per kind of evidence, with every place it was read. */
function groupedEvidence(model: ConfigModel): string[] {
  const kinds = [...new Set(model.storeEvidence.map((e) => e.evidence))]
  return kinds.map((kind) => describeStoreEvidence(model.storeEvidence.filter((e) => e.evidence === kind)))
}
