import {outOfRangeNote} from '../input/time-range.js'
import {emptyWindowNote} from '../input/time-window.js'
import {countMisrouted, type Homes, misroutedHome, resolveHomes} from './homes.js'
import type {Run} from './index.js'
import type {RouteTable} from './routes.js'
import type {AccessLogOptions, AccessLogSection} from './types.js'

function countsOf(names: readonly string[], counts: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {}
  names.forEach((name, i) => {
    if ((counts[i] ?? 0) > 0) out[name] = counts[i]!
  })
  return out
}

function named(routes: RouteTable, counts: ReadonlyMap<number, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([route, n]) => [routes.name(route), n]))
}

/** The homes of the id suffixes and what they decide: misrouted requests and lost sessions. */
function homeFigures(run: Run, options: AccessLogOptions) {
  const a = run.analyzer
  const homes: Homes = resolveHomes(a.routes, a.servedBySuffix, (route) => a.backends.has(route), options.routeAliases ?? {})
  const misrouted = countMisrouted(homes, a.servedBySuffix)
  const lost = countMisrouted(homes, a.replacedAfter)
  const routeHomes: AccessLogSection['routeHomes'] = {}
  for (const [suffix, {home, from}] of homes.aliases) routeHomes[a.routes.name(suffix)] = {home: a.routes.name(home), from}
  return {
    misroutedRequests: misrouted.total,
    misroutedByHome: named(a.routes, misrouted.byHome),
    sessionsLost: lost.total,
    sessionsLostByHome: named(a.routes, lost.byHome),
    routeHomes,
    lostHome: (pair: number) => misroutedHome(homes, pair),
  }
}

export function buildSection(run: Run, options: AccessLogOptions): AccessLogSection {
  const a = run.analyzer
  const c = a.counts
  const routes = a.routes
  const names = routes.names
  const known = run.knownWorkers
  const cookieRoutes = countsOf(names, routes.suffixRequests)
  const unknownRoutes: Record<string, number> = {}
  if (known.length > 0) for (const [route, n] of Object.entries(cookieRoutes)) if (!known.includes(route)) unknownRoutes[route] = n
  const flipsByRoutePair: Record<string, number> = {}
  for (const [pair, n] of [...a.flipPairs].sort((x, y) => y[1] - x[1])) {
    flipsByRoutePair[`${names[Math.floor(pair / 65_536)]} → ${names[pair % 65_536]}`] = n
  }
  const {lostHome, ...homes} = homeFigures(run, options)
  const {bucketSeconds, entries} = a.timeline.entries((i) => names[i]!, lostHome)
  const figures = c.toSection()
  const sources = Object.entries(figures.sessionIdsBySource)
    .filter(([, n]) => n > 0)
    .sort((x, y) => y[1] - x[1])
  const workerKind = run.formats.find((f) => f.parser.capabilities.worker !== null)?.parser.capabilities.worker ?? null
  const section: AccessLogSection = {
    status: 'analyzed',
    files: run.filesRead,
    ...figures,
    detectedFormat: [...new Set(run.formats.filter((f) => f.fits).map((f) => f.parser.name))].join(', ') || null,
    formatSource:
      run.formats.length === 0
        ? null
        : options.logFormat
          ? 'flag'
          : run.formats.some((f) => f.fits && f.fromConfig)
            ? 'config'
            : run.formats.some((f) => f.fits)
              ? 'detected'
              : 'none',
    sessionSource: sources[0]?.[0] ?? null,
    routeSource: run.formats.some((f) => f.rules.node !== undefined)
      ? 'log-path'
      : workerKind === 'route'
        ? 'worker-route'
        : (workerKind ?? (c.requestsWithSession > 0 ? 'id-suffix' : null)),
    routes: countsOf(names, routes.requests),
    knownWorkers: known,
    unknownRoutes,
    flipsByRoutePair,
    ...homes,
    bucketSeconds,
    timeline: entries,
    flipSamples: a.flipSamples,
    rejectedSamples: a.rejectedSamples,
  }
  if (workerKind !== null) section.cookieRoutes = cookieRoutes
  if (a.haproxyCookieStates.size > 0) section.haproxyCookieStates = Object.fromEntries(a.haproxyCookieStates)
  if (a.balancerEvents.length > 0) section.balancerEvents = a.balancerEvents
  if (options.signal?.aborted) section.partial = true
  const timesNote = outOfRangeNote(c.timesOutOfRange, 'requests')
  if (timesNote) {
    section.timesOutOfRange = c.timesOutOfRange
    run.errors.push(timesNote)
  }
  const windowNote = emptyWindowNote(options.window, c.parsed, c.outsideWindow, 'parsed requests')
  if (windowNote) run.errors.push(windowNote)
  if (run.errors.length > 0) section.errors = run.errors
  return section
}
