import {makeFinding} from '../report/report.js'
import type {Finding, Severity} from '../report/types.js'
import type {AccessLogSection, TimelineEntry} from './types.js'

/** What the checks need to know besides the section's figures. */
export interface CheckContext {
  formatKind: 'apache' | 'nginx' | 'tomcat' | 'haproxy' | null
  /** The format as written in its config (unescaped). */
  formatText: string | null
  formatName: string | null
  cookieName: string
  sessionCookieLogged: boolean
  cookieHeaderLogged: boolean
  /** Sample lines that carry a Spring Session cookie (SESSION=<Base64 id>) while another cookie is read. */
  springSessionLines: number
}

export type AccessLogCheck = (section: AccessLogSection, context: CheckContext) => Finding[]

const percent = (part: number, whole: number): string =>
  whole > 0 ? `${((100 * part) / whole).toFixed(part * 1000 < whole ? 2 : 1)}%` : '0%'

function bySeverityShare(share: number, warningAt: number, criticalAt: number): Severity {
  return share >= criticalAt ? 'critical' : share >= warningAt ? 'warning' : 'info'
}

function topEntries(record: Record<string, number>, n: number): Array<[string, number]> {
  return Object.entries(record)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
}

function worstBuckets(timeline: TimelineEntry[], key: 'flips' | 'churn', n: number): TimelineEntry[] {
  return timeline
    .filter((e) => e[key] > 0)
    .sort((a, b) => b[key] - a[key] || (a.start < b.start ? -1 : 1))
    .slice(0, n)
}

const when = (iso: string): string => iso.replace('T', ' ').replace(/:00\.000Z$/, 'Z')

export function logFormatAdvice(context: CheckContext): string {
  const cookie = context.cookieName
  switch (context.formatKind) {
    case 'nginx':
      return `log_format sessions '${context.formatText ?? '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'} "$cookie_${cookie}" $upstream_addr';\naccess_log /var/log/nginx/access.log sessions;`
    case 'haproxy':
      return `capture cookie ${cookie} len 64   # in the frontend (or defaults) section, with option httplog`
    case 'tomcat':
      return `<Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs" prefix="localhost_access_log" suffix=".txt"\n       pattern="${(context.formatText ?? '%h %l %u %t "%r" %s %b').replace(/"/g, '&quot;')} %S &quot;%{${cookie}}c&quot;" />`
    default: {
      const base = (context.formatText ?? '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"').replace(/\\"/g, '"')
      const escaped = `${base} "%{${cookie}}C"`.replace(/"/g, '\\"')
      return `LogFormat "${escaped}" combined-cookie\nCustomLog logs/access_log combined-cookie`
    }
  }
}

const noSessionField: AccessLogCheck = (s, context) => {
  const fromCookies = s.sessionIdsBySource.cookie + s.sessionIdsBySource.header
  // Requests outside --since / --until were parsed but not analyzed: they say nothing of the cookie.
  if (s.parsed - s.outsideWindow === 0 || fromCookies > 0) return []
  const logged = context.sessionCookieLogged || context.cookieHeaderLogged
  const inUrl =
    s.sessionIdsBySource.url > 0 ? ` Only the ${s.sessionIdsBySource.url} requests with ;jsessionid= in the URL show an id.` : ''
  const spring =
    context.springSessionLines > 0
      ? `\n${context.springSessionLines} of the first lines carry a Spring Session cookie (named SESSION, its value the Base64 of the id): run again with --cookie SESSION.`
      : ''
  const detail = logged
    ? `The format (${context.formatName}) logs the session cookie, but none of the ${s.parsed} parsed requests carried a ${context.cookieName} cookie.${inUrl} Check the cookie name (--cookie; SESSION for Spring Session) or that this log is the one in front of the application.`
    : `None of the ${s.parsed} parsed requests carries a session cookie: the format (${context.formatName}) logs no ${context.cookieName} cookie.${inUrl} Add it to the log format:\n${logFormatAdvice(context)}`
  return [
    makeFinding('access.no-session-field', {
      detail: detail + spring,
      evidence: {
        parsed: s.parsed,
        format: context.formatName,
        add: logFormatAdvice(context),
        springSessionLines: context.springSessionLines,
      },
      ...(spring ? {actions: ['Run again with --cookie SESSION (Spring Session names its cookie SESSION and Base64-encodes the id)']} : {}),
    }),
  ]
}

const unparsedLines: AccessLogCheck = (s, context) => {
  const total = s.parsed + s.rejected
  if (s.rejected === 0 || s.rejected / total < 0.01) return []
  const lines = s.rejectedSamples.map((r) => `${r.file}:${r.line}`).join(', ')
  return [
    makeFinding('access.unparsed-lines', {
      severity: s.parsed === 0 || s.rejected / total >= 0.5 ? 'critical' : 'warning',
      detail:
        s.formatSource === 'none'
          ? `${s.rejected} of ${total} lines (${percent(s.rejected, total)}) fit no known format (the built-ins, haproxy and the --apache-conf LogFormats were tried). Give the format with --log-format. First ones: ${lines}.`
          : `${s.rejected} of ${total} lines (${percent(s.rejected, total)}) did not fit the format ${context.formatName ?? '(none)'}${s.formatSource === 'detected' ? ' (detected from the first lines)' : ''}. First ones: ${lines}.`,
      evidence: {rejected: s.rejected, lines: total, format: context.formatName, formatSource: s.formatSource, samples: s.rejectedSamples},
    }),
  ]
}

/** Flips in which every session survived (a failover that worked) lost no user: at most a warning. */
function flipSeverity(s: AccessLogSection, share: number): Severity {
  const severity = bySeverityShare(share, 0.005, 0.05)
  const allKept = s.sessionsLost === 0 && s.failoversKept >= s.routeFlips
  return severity === 'critical' && allKept ? 'warning' : severity
}

/**
 * What users felt, first: "4 users lost their session: 4 of node3's from 10:31, …". A home known
 * only by an alias (ids ending .tomcat1 served by node1) is said: the node came back with another jvmRoute.
 */
function usersLost(s: AccessLogSection): string[] {
  if (s.sessionsLost === 0) return []
  const byHome = topEntries(s.sessionsLostByHome, 5).map(([home, n]) => {
    const first = s.timeline.find((e) => (e.lostFrom?.[home] ?? 0) > 0)
    const alias = Object.entries(s.routeHomes).find(([, h]) => h.home === home)?.[0]
    const since = first ? ` from ${when(first.start)}` : ''
    return `${n} of ${home}'s${since}${alias ? ` (ids ending .${alias}: ${home} runs with jvmRoute ${alias})` : ''}`
  })
  return [
    `${s.sessionsLost} ${s.sessionsLost === 1 ? 'user' : 'users'} lost their session: ${byHome.join(', ')} — each request went to a node without the session, which handed out a new one.`,
  ]
}

const routeFlip: AccessLogCheck = (s) => {
  if (s.sessionsWithFlips === 0) return []
  const share = s.sessionsWithFlips / Math.max(1, s.sessions)
  const pairs = topEntries(s.flipsByRoutePair, 5)
  const worst = worstBuckets(s.timeline, 'flips', 3)
  const parts = [
    ...usersLost(s),
    `${s.routeFlips} route flips in ${s.sessionsWithFlips} of ${s.sessions} sessions (${percent(s.sessionsWithFlips, s.sessions)}).`,
    `By route: ${pairs.map(([pair, n]) => `${pair} (${n})`).join(', ')}.`,
  ]
  if (worst.length > 0)
    parts.push(
      `Worst ${s.bucketSeconds >= 120 ? `${s.bucketSeconds / 60}-minute periods` : 'minutes'}: ${worst.map((e) => `${when(e.start)} (${e.flips})`).join(', ')}.`,
    )
  if (s.failoversKept > 0)
    parts.push(`${s.failoversKept} kept their session (id suffix rewritten by the new node: a failover that worked).`)
  if (s.misroutedRequests > 0) parts.push(`${s.misroutedRequests} requests were served by another node than their session's home.`)
  const concentrated = worst[0] !== undefined && worst[0].flips >= 0.5 * s.routeFlips && s.routeFlips >= 5
  const actions = concentrated
    ? [
        'The flips cluster in a short period: a node was restarted or taken out without draining; drain it (status D/N) before the next restart',
      ]
    : []
  return [
    makeFinding('access.route-flip', {
      severity: flipSeverity(s, share),
      detail: parts.join(' '),
      evidence: {
        routeFlips: s.routeFlips,
        sessionsWithFlips: s.sessionsWithFlips,
        sessions: s.sessions,
        share: Number(share.toFixed(4)),
        byRoutePair: Object.fromEntries(pairs),
        worstPeriods: worst.map((e) => ({start: e.start, flips: e.flips})),
        failoversKept: s.failoversKept,
        sessionsLost: s.sessionsLost,
        sessionsLostByHome: s.sessionsLostByHome,
        misroutedRequests: s.misroutedRequests,
        samples: s.flipSamples,
      },
      actions,
    }),
  ]
}

const unknownRoute: AccessLogCheck = (s) => {
  const unknown = Object.entries(s.unknownRoutes)
  if (s.knownWorkers.length === 0 || unknown.length === 0) return []
  const requests = unknown.reduce((sum, [, n]) => sum + n, 0)
  const share = requests / Math.max(1, s.requestsWithSession)
  return [
    makeFinding('access.unknown-route', {
      severity: share >= 0.2 ? 'critical' : 'warning',
      detail: `${requests} requests (${percent(requests, s.requestsWithSession)} of those with a session) carry routes no worker has: ${topEntries(
        s.unknownRoutes,
        5,
      )
        .map(([r, n]) => `${r} (${n})`)
        .join(', ')}. Known workers: ${s.knownWorkers.join(', ')}.`,
      evidence: {unknownRoutes: s.unknownRoutes, knownWorkers: s.knownWorkers, requests},
    }),
  ]
}

const missingRoute: AccessLogCheck = (s) => {
  const backends = Math.max(Object.keys(s.routes).length, s.knownWorkers.length)
  if (s.requestsWithoutRoute === 0 || backends < 2) return []
  const share = s.sessionsWithoutRoute / Math.max(1, s.sessions)
  return [
    makeFinding('access.missing-route', {
      severity: bySeverityShare(share, 0.01, 2),
      detail: `${s.sessionsWithoutRoute} of ${s.sessions} sessions (${percent(s.sessionsWithoutRoute, s.sessions)}; ${s.requestsWithoutRoute} requests) have ids without a route suffix while ${backends} backends serve.`,
      evidence: {sessionsWithoutRoute: s.sessionsWithoutRoute, requestsWithoutRoute: s.requestsWithoutRoute, backends},
    }),
  ]
}

const sessionChurn: AccessLogCheck = (s) => {
  if (s.churnClients === 0) return []
  const share = s.churnEvents / Math.max(1, s.sessions)
  const worst = worstBuckets(s.timeline, 'churn', 3)
  return [
    makeFinding('access.session-churn', {
      severity: bySeverityShare(share, 0.005, 0.1),
      detail: `${s.churnClients} clients (same address and User-Agent) were handed a new session id again within 10 minutes, ${s.churnEvents} times in all (${percent(s.churnEvents, s.sessions)} of ${s.sessions} sessions); one new id after login is not counted.${worst.length > 0 ? ` Worst: ${worst.map((e) => `${when(e.start)} (${e.churn})`).join(', ')}.` : ''}`,
      evidence: {
        churnClients: s.churnClients,
        churnEvents: s.churnEvents,
        sessions: s.sessions,
        worstPeriods: worst.map((e) => ({start: e.start, churn: e.churn})),
      },
      causes: ['Many users behind one proxy address with the same browser can look alike; check the worst periods'],
    }),
  ]
}

const sessionIdInUrl: AccessLogCheck = (s) => {
  if (s.sessionIdInUrl === 0) return []
  return [
    makeFinding('access.session-id-in-url', {
      detail: `${s.sessionIdInUrl} requests (${percent(s.sessionIdInUrl, s.parsed)}) carry ;jsessionid= in the URL.`,
      evidence: {requests: s.sessionIdInUrl},
    }),
  ]
}

export const accessLogChecks: AccessLogCheck[] = [
  noSessionField,
  unparsedLines,
  routeFlip,
  unknownRoute,
  missingRoute,
  sessionChurn,
  sessionIdInUrl,
]

export function runChecks(section: AccessLogSection, context: CheckContext): Finding[] {
  return accessLogChecks.flatMap((check) => check(section, context))
}
