import {makeFinding} from '../report/report.js'
import type {Finding} from '../report/types.js'
import {appSideRead, type ConfigModel, describeStoreEvidence, isUnresolved} from './model.js'
import {at, type Balancer, type TomcatCluster, type Where} from './types.js'

export type ConfigCheck = (model: ConfigModel) => Finding[]

const sharedStores = new Set(['redis', 'replication', 'shared'])

function describeBalancer(b: Balancer): string {
  const label =
    b.kind === 'mod_proxy'
      ? `balancer://${b.name}`
      : b.kind === 'mod_jk'
        ? `mod_jk worker ${b.name}`
        : b.kind === 'nginx'
          ? `nginx upstream ${b.name}`
          : `HAProxy backend ${b.name}`
  return `${label} (${at(b)})`
}

/** Balancers that route on the jvmRoute suffix of the session id: their routes must equal jvmRoute values. */
function routeBalancers(model: ConfigModel): Balancer[] {
  return model.balancer.balancers.filter((b) => b.sticky?.mode === 'route-suffix')
}

export const jvmRouteMismatch: ConfigCheck = (model) => {
  const balancers = routeBalancers(model)
  if (balancers.length === 0) return []
  const problems: string[] = []
  const locations: string[] = []
  const routes = new Set<string>()
  for (const b of balancers) {
    for (const m of b.members) {
      if (m.route) routes.add(m.route)
      else if (b.kind !== 'haproxy') {
        problems.push(`${describeBalancer(b)}: member ${m.target} at ${at(m)} has no route=, so no session can stick to it`)
        locations.push(at(m))
      }
    }
  }
  const app = model.app
  const resolved = app.jvmRoutes.filter((r) => !isUnresolved(r.value))
  const unresolved = app.jvmRoutes.filter((r) => isUnresolved(r.value))
  const engines = app.jvmRoutes.length + app.enginesWithoutRoute.length
  const routeList = [...routes].join(', ') || 'none'
  for (const jvm of resolved) {
    if (routes.has(jvm.value)) continue
    const near = [...routes].find((r) => r.toLowerCase() === jvm.value.toLowerCase())
    problems.push(
      `jvmRoute "${jvm.value}" at ${at(jvm)} is no balancer route (routes: ${routeList})${near ? `; "${near}" differs only in case, and routes are compared exactly` : ''}`,
    )
    locations.push(at(jvm))
  }
  for (const engine of app.enginesWithoutRoute) {
    problems.push(`<Engine> at ${at(engine)} has no jvmRoute: session ids carry no route, so the balancer cannot stick them`)
    locations.push(at(engine))
  }
  const jvmValues = new Set(resolved.map((r) => r.value))
  let routesChecked = false
  if (engines > 0 && unresolved.length === 0) {
    const memberCount = Math.max(...balancers.map((b) => b.members.length))
    routesChecked = engines >= memberCount
    if (routesChecked) {
      for (const b of balancers) {
        for (const m of b.members) {
          if (m.route && !jvmValues.has(m.route)) {
            problems.push(`route "${m.route}" of ${describeBalancer(b)} at ${at(m)} is the jvmRoute of no Tomcat given`)
            locations.push(at(m))
          }
        }
      }
    }
  }
  if (problems.length === 0) return []
  const notes: string[] = []
  if (unresolved.length > 0)
    notes.push(`jvmRoute set from a property (${unresolved.map((r) => `${r.value} at ${at(r)}`).join(', ')}) was not checked`)
  if (engines > 0 && !routesChecked && unresolved.length === 0)
    notes.push(`balancer routes were not checked against jvmRoute: only ${engines} Tomcat config(s) given for more members`)
  return [
    makeFinding('config.jvmroute-mismatch', {
      detail: [...problems, ...notes].join('\n'),
      evidence: {routes: [...routes], jvmRoutes: [...jvmValues], locations},
    }),
  ]
}

export const stickyCookieMismatch: ConfigCheck = (model) => {
  if (model.appCookies.length === 0) return []
  const names = model.appCookies.map((c) => c.name)
  const findings: Finding[] = []
  for (const b of model.balancer.balancers) {
    const sticky = b.sticky
    if (!sticky?.cookie || (sticky.mode !== 'route-suffix' && sticky.mode !== 'cookie-value')) continue
    const same = (name: string): boolean =>
      sticky.cookieCaseInsensitive ? name.toLowerCase() === sticky.cookie!.toLowerCase() : name === sticky.cookie
    if (names.some(same)) continue
    const caseOnly = names.find((n) => n.toLowerCase() === sticky.cookie!.toLowerCase())
    const appSide = model.appCookies.map((c) => `${c.name} (${c.from})`).join(', ')
    const shared = sharedStores.has(model.store)
    findings.push(
      makeFinding('config.sticky-cookie-mismatch', {
        severity: shared ? 'warning' : 'critical',
        detail:
          `${describeBalancer(b)} sticks on the cookie ${sticky.cookie} (${at(sticky)}), but the app sets ${appSide}.` +
          (caseOnly ? ` The names differ only in case; cookie names are compared exactly.` : '') +
          (shared
            ? ` Sessions are shared (${model.store}), so this costs locality, not logins.`
            : ' Requests are spread as if there were no stickiness.'),
        evidence: {
          balancer: b.name,
          stickyCookie: sticky.cookie,
          appCookies: names,
          locations: [at(sticky), ...model.appCookies.map((c) => c.from).filter((f) => /:\d+$/.test(f))],
        },
        actions: [
          `Set the balancer's sticky cookie to ${names[0]}${b.kind === 'mod_proxy' ? ` (stickysession=${names[0]}|${names[0]!.toLowerCase()})` : ''}, or name the cookie ${sticky.cookie} in the app`,
        ],
      }),
    )
  }
  return findings
}

/**
 * Whether a Tomcat cluster sends its session changes without waiting for the other nodes: the
 * ASYNCHRONOUS bit (8) of channelSendOptions, or its name; absent is Tomcat's default, 8.
 */
export function replicatesAsynchronously(cluster: TomcatCluster): boolean {
  const options = cluster.channelSendOptions
  if (options === undefined) return true
  if (/^\d+$/.test(options)) return (Number(options) & 8) !== 0
  return /async/i.test(options)
}

/** Replicated sessions without stickiness: each request may reach a node whose copy is behind. */
function replicationNoSticky(model: ConfigModel, b: Balancer): Finding {
  const asynchronous = model.app.clusters.filter(replicatesAsynchronously)
  const sendOptions = asynchronous
    .map((c) =>
      c.channelSendOptions ? `channelSendOptions="${c.channelSendOptions}" at ${at(c)}` : `no channelSendOptions at ${at(c)} (default 8)`,
    )
    .join(', ')
  return makeFinding('config.no-sticky', {
    severity: 'warning',
    detail:
      `${describeBalancer(b)} spreads requests over ${b.members.length} members with no stickiness, while sessions are replicated between the nodes (${describeStoreEvidence(model.storeEvidence)}).` +
      (asynchronous.length > 0
        ? ` The cluster replicates asynchronously (${sendOptions}): a request that reaches another node before the change arrives sees the session as it was, or not at all.`
        : ' Every request may land on a node whose copy is one change behind, and each change costs a round trip to the others.') +
      " Tomcat's cluster guide asks for a sticky balancer in front of session replication.",
    evidence: {
      balancer: b.name,
      members: b.members.length,
      sessionStore: model.store,
      locations: [at(b.stickyOff ?? b), ...asynchronous.map(at)],
    },
  })
}

export const noSticky: ConfigCheck = (model) => {
  if (model.store === 'redis' || model.store === 'shared') return []
  const findings: Finding[] = []
  for (const b of model.balancer.balancers) {
    if (b.sticky || b.members.length < 2) continue
    if (model.store === 'replication') {
      findings.push(replicationNoSticky(model, b))
      continue
    }
    const known = model.store === 'node-local'
    const where = b.stickyOff ?? b
    findings.push(
      makeFinding('config.no-sticky', {
        severity: known ? 'critical' : 'warning',
        detail:
          `${describeBalancer(b)} spreads requests over ${b.members.length} members with no stickiness` +
          (b.stickyOff ? ` (sticky_session is off at ${at(b.stickyOff)})` : '') +
          (known
            ? `, and sessions live in each node (${describeStoreEvidence(model.storeEvidence)}).`
            : '. Where sessions live is not known: pass --tomcat-conf or --app-config to tell; if they are not shared, users lose them.'),
        evidence: {balancer: b.name, members: b.members.length, sessionStore: model.store, locations: [at(where)]},
      }),
    )
  }
  return findings
}

export const cookieFlags: ConfigCheck = (model) => {
  const cookieSources = ['web.xml', 'context.xml', 'spring-yaml', 'spring-properties'] as const
  if (!cookieSources.some((k) => model.kinds.has(k))) return []
  // A flag left unset is judged only where the cookie is configured (web.xml, Spring); context.xml alone shows only flags switched off.
  const judgeUnset = (['web.xml', 'spring-yaml', 'spring-properties'] as const).some((k) => model.kinds.has(k))
  const app = model.app
  const place: Where | undefined = app.cookieConfigPlaces[app.cookieConfigPlaces.length - 1]
  const missing: string[] = []
  const lines: string[] = []
  const locations: string[] = []
  for (const off of app.httpOnly.filter((h) => !h.value)) {
    lines.push(`HttpOnly switched off at ${at(off)}: scripts can read the session cookie`)
    locations.push(at(off))
  }
  if (app.httpOnly.some((h) => !h.value)) missing.push('HttpOnly')
  const secureOff = app.secure.filter((s) => !s.value)
  const secureOn = app.secure.some((s) => s.value) || app.secureTransport.length > 0
  for (const off of secureOff) {
    lines.push(`Secure switched off at ${at(off)}: the cookie is sent over plain HTTP`)
    locations.push(at(off))
  }
  if (secureOff.length > 0 || (!secureOn && judgeUnset)) missing.push('Secure')
  if (!secureOn && secureOff.length === 0 && place && judgeUnset) {
    lines.push(`Secure is not set (${at(place)}), and no connector or forwarded-proto setting marks requests as https`)
    locations.push(at(place))
  }
  const sameSite = app.sameSite.filter((s) => s.value.toLowerCase() !== 'unset')
  if (judgeUnset && sameSite.length === 0 && !model.balancer.sameSiteByProxy && !model.springSession) {
    missing.push('SameSite')
    if (place) {
      lines.push(`SameSite is not set (${at(place)}): set it in the app, or sameSiteCookies on Tomcat's CookieProcessor`)
      locations.push(at(place))
    }
  }
  for (const none of sameSite.filter((s) => s.value.toLowerCase() === 'none')) {
    if (secureOn) continue
    lines.push(`SameSite=None at ${at(none)} without Secure: browsers reject the cookie`)
    locations.push(at(none))
    if (!missing.includes('Secure')) missing.push('Secure')
  }
  if (missing.length === 0) return []
  return [
    makeFinding('config.cookie-flags', {
      detail: lines.join('\n') || `Session cookie without ${missing.join(', ')}`,
      evidence: {missing, locations: [...new Set(locations)]},
    }),
  ]
}

export const urlSessionTracking: ConfigCheck = (model) => {
  const app = model.app
  const withUrl = app.trackingModes.filter((t) => t.value.includes('URL'))
  if (withUrl.length > 0) {
    return [
      makeFinding('config.url-session-tracking', {
        detail: withUrl
          .map((t) => `tracking modes ${t.value.join(', ')} at ${at(t)} include URL: session ids are written into links as ;jsessionid`)
          .join('\n'),
        evidence: {trackingModes: withUrl.map((t) => t.value), locations: withUrl.map(at)},
      }),
    ]
  }
  if (app.trackingModes.length > 0 || app.trackingModeDefaults.length === 0 || model.springSession) return []
  return [
    makeFinding('config.url-session-tracking', {
      severity: 'info',
      detail: `No tracking mode is set (${app.trackingModeDefaults.map(at).join(', ')}): the servlet default is COOKIE and URL, so clients without cookies get ;jsessionid in links`,
      evidence: {trackingModes: [], locations: app.trackingModeDefaults.map(at)},
    }),
  ]
}

const minTimeoutSeconds = 10 * 60
const maxTimeoutSeconds = 24 * 3600

export const sessionTimeout: ConfigCheck = (model) => {
  const lines: string[] = []
  const bad = model.app.timeouts.filter((t) => t.value <= 0 || t.value < minTimeoutSeconds || t.value > maxTimeoutSeconds)
  for (const t of bad) {
    if (t.value <= 0) lines.push(`session timeout ${t.value} at ${at(t)}: sessions never expire and pile up in memory or the store`)
    else if (t.value < minTimeoutSeconds)
      lines.push(`session timeout ${formatSeconds(t.value)} at ${at(t)}: users idle that long are logged out`)
    else lines.push(`session timeout ${formatSeconds(t.value)} at ${at(t)}: sessions live more than a day`)
  }
  if (bad.length === 0) return []
  return [
    makeFinding('config.session-timeout', {
      detail: lines.join('\n'),
      evidence: {timeoutsSeconds: bad.map((t) => t.value), locations: bad.map(at)},
    }),
  ]
}

export const sessionFixation: ConfigCheck = (model) => {
  const off = model.app.fixationOff
  if (off.length === 0) return []
  return [
    makeFinding('config.session-fixation', {
      detail: off.map((o) => `${o.value} at ${at(o)}: the session id is kept on login`).join('\n'),
      evidence: {locations: off.map(at)},
    }),
  ]
}

export const noFailoverPath: ConfigCheck = (model) => {
  if (model.store !== 'node-local') return []
  const sticky = model.balancer.balancers.filter((b) => b.sticky && b.members.length >= 2)
  if (sticky.length === 0) return []
  const evidence = describeStoreEvidence(model.storeEvidence)
  const noFailover = sticky.filter((b) => b.noFailover)
  return [
    makeFinding('config.no-failover-path', {
      detail:
        `${sticky.map(describeBalancer).join(', ')} stick sessions to one node, and sessions live only in that node (${evidence}): when a node restarts or fails, its users are logged out.` +
        (noFailover.length > 0
          ? ` With nofailover / sticky_session_force on ${noFailover.map((b) => b.name).join(', ')}, they get errors instead until it is back.`
          : ''),
      evidence: {
        balancers: sticky.map((b) => b.name),
        sessionStore: model.store,
        locations: [...sticky.map((b) => at(b.sticky!)), ...model.storeEvidence.map(at)],
      },
    }),
  ]
}

export const allChecks: ConfigCheck[] = [
  jvmRouteMismatch,
  stickyCookieMismatch,
  noSticky,
  cookieFlags,
  urlSessionTracking,
  sessionTimeout,
  sessionFixation,
  noFailoverPath,
]

export function runChecks(model: ConfigModel): Finding[] {
  return allChecks.flatMap((check) => check(model))
}

export function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`
  if (seconds % 60 === 0) return `${seconds / 60} min`
  return `${seconds} s`
}

export {appSideRead}
