import {didYouMean} from '../../did-you-mean.js'
import type {InputError, SourceResult} from '../../report/types.js'
import {CHURN_WINDOW_MS, LOST_SESSION_GAP_MS} from '../analyzer.js'
import {type CheckContext, runChecks} from '../checks.js'
import type {CounterValues} from '../counters.js'
import {pairKey} from '../homes.js'
import {nothingAnalyzable} from '../nothing-analyzable.js'
import type {LineParser} from '../parsed-line.js'
import {DEFAULT_SESSION_TIMEOUT_MS, Run} from '../run.js'
import {buildSection} from '../section.js'
import type {AccessLogOptions, AccessLogSection} from '../types.js'
import {ClickHouseError, DEFAULT_LIMITS, profileReadonly, type QueryLimits, query} from './client.js'
import {type ColumnMap, MappingError, parseMapping, resolveColumns} from './mapping.js'
import {clientsSql, FACT, type FoldContext, minutesSql, replacedSql, routesSql, sessionsSql} from './queries.js'
import {literal} from './sql.js'
import {type ClickHouseTarget, ClickHouseTargetError, clickhouseTarget} from './target.js'

export {isClickHouseUrl} from './target.js'

/**
 * Section figures a table cannot hold or say as the file reader does (docs/access-log.md, "Access logs in
 * ClickHouse"): where lines came from, their format, lines that did not parse (a table holds requests only),
 * and the file reader's memory bound. Every other figure is the same from a table as from the log.
 */
export const FIGURES_BY_NATURE = [
  'files',
  'lines',
  'detectedFormat',
  'formatSource',
  'rejected',
  'rejectedSamples',
  'errors',
  'peakActiveSessions',
  'sessionSource',
  'sessionIdsBySource',
] as const

/** Without --since/--until, the last hour: never the whole table. */
export const DEFAULT_WINDOW_MS = 60 * 60_000

export interface ClickHouseAccessOptions {
  /** `--map time=ts,session=…` (or the config file's accessLog.map). */
  map?: string | ColumnMap
  /** How the route column names backends: jvmRoute-style worker routes, nginx upstream addresses, HAProxy servers. */
  routeKind?: 'route' | 'upstream' | 'server'
  limits?: Partial<QueryLimits>
  env?: NodeJS.ProcessEnv
  now?: Date
}

/** The table's columns and, for a Distributed table, its sharding key. */
async function describeTable(target: ClickHouseTarget, limits: QueryLimits, signal?: AbortSignal) {
  const where = `database = ${literal(target.database)} AND ${'`table`'} = ${literal(target.table)}`
  const [columns, tables] = await Promise.all([
    query(target, `SELECT name, type FROM system.columns WHERE ${where}`, limits, signal),
    query(
      target,
      `SELECT engine, engine_full FROM system.tables WHERE database = ${literal(target.database)} AND name = ${literal(target.table)}`,
      limits,
      signal,
    ),
  ])
  const table = tables[0] as [string, string] | undefined
  if (!table) return null
  return {columns: new Map(columns.map((row) => [String(row[0]), String(row[1])])), engine: table[0], engineFull: table[1]}
}

/** The table is not there: the tables the database has, the nearest first. */
async function noSuchTable(target: ClickHouseTarget, limits: QueryLimits, signal?: AbortSignal): Promise<string> {
  const rows = await query(
    target,
    `SELECT name FROM system.tables WHERE database = ${literal(target.database)} ORDER BY name`,
    limits,
    signal,
  )
  const names = rows.map((row) => String(row[0]))
  const missing = `ClickHouse at ${target.endpoint} has no table ${target.database}.${target.table}`
  if (names.length === 0)
    return `${missing}: the database ${target.database} has no table (or does not exist): check the URL's /database.table`
  const near = didYouMean(target.table, names)
  return `${missing}: ${near ? `did you mean ${target.database}.${near}? ` : ''}${target.database} has ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}`
}

/** Whether a Distributed table's sharding key is a function of the session column alone (then sessions fold on their shard). */
export function shardedBySession(engineFull: string, sessionColumn: string | undefined): boolean {
  if (!sessionColumn) return false
  const args = /^Distributed\((.*)\)/s.exec(engineFull)?.[1]
  if (!args) return false
  const parts = splitArgs(args)
  const key = parts[3]
  if (!key) return false
  const names = key.match(/`(?:[^`\\]|\\.)*`|[A-Za-z_][A-Za-z0-9_]*/g) ?? []
  const bare = names.map((n) => (n.startsWith('`') ? n.slice(1, -1).replace(/\\(.)/g, '$1') : n))
  const functions = new Set([
    'cityHash64',
    'sipHash64',
    'intHash64',
    'farmHash64',
    'murmurHash2_64',
    'murmurHash3_64',
    'xxHash64',
    'javaHash',
    'halfMD5',
  ])
  return bare.includes(sessionColumn) && bare.every((n) => n === sessionColumn || functions.has(n))
}

function splitArgs(args: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quote = ''
  let current = ''
  for (let i = 0; i < args.length; i++) {
    const ch = args[i]!
    if (quote) {
      current += ch
      if (ch === '\\') current += args[++i] ?? ''
      else if (ch === quote) quote = ''
    } else if (ch === "'" || ch === '`' || ch === '"') {
      quote = ch
      current += ch
    } else if (ch === ',' && depth === 0) {
      parts.push(current.trim())
      current = ''
    } else {
      if (ch === '(') depth++
      else if (ch === ')') depth--
      current += ch
    }
  }
  parts.push(current.trim())
  return parts
}

function errorResult(reason: string, errors: InputError[] = []): SourceResult<'accessLog'> {
  return {key: 'accessLog', section: {status: 'error', reason, ...(errors.length > 0 ? {errors} : {})}, findings: []}
}

/**
 * The access-log source over a ClickHouse table: the per-session and per-client folds run in the
 * server as SQL (arrays, for 18.16), only aggregates come back, and they fill the same section the
 * file reader fills, so findings, correlations and every renderer work unchanged.
 */
export async function analyzeClickHouseAccessLog(
  url: string,
  options: AccessLogOptions,
  ch: ClickHouseAccessOptions = {},
): Promise<SourceResult<'accessLog'>> {
  const notes: InputError[] = []
  let target: ClickHouseTarget
  let map: ColumnMap
  try {
    const parsed = clickhouseTarget(url, ch.env)
    target = parsed.target
    for (const message of parsed.warnings) notes.push({input: target.display, message})
    // The URL's ?map= first, then the flag's or the config file's roles over it.
    map = {
      ...parseMapping(target.params.map, '?map='),
      ...(typeof ch.map === 'object' ? ch.map : parseMapping(ch.map)),
      ...options.columnMap,
    }
  } catch (error) {
    if (error instanceof ClickHouseTargetError || error instanceof MappingError) return errorResult(`${error.message} (${error.hint})`)
    throw error
  }
  const routeKind = ch.routeKind ?? (target.params.route_kind as ClickHouseAccessOptions['routeKind']) ?? 'route'
  let limits: QueryLimits = {...DEFAULT_LIMITS, ...ch.limits}
  const now = (ch.now ?? new Date()).getTime()
  const untilMs = options.window.until?.getTime() ?? now
  const sinceMs = options.window.since?.getTime() ?? (options.window.until ? untilMs - DEFAULT_WINDOW_MS : now - DEFAULT_WINDOW_MS)
  if (!options.window.since && !options.window.until)
    notes.push({
      input: target.display,
      message: `no --since/--until: the last hour read (${new Date(sinceMs).toISOString()} … ${new Date(untilMs).toISOString()})`,
    })
  const timeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS
  const separator = options.routeSeparator ?? '.'
  try {
    limits = {...limits, profileReadonly: await profileReadonly(target, limits, options.signal)}
    if (limits.profileReadonly === 1)
      notes.push({
        input: target.display,
        message: `the user's profile is readonly=1, which takes no setting: sessdoc's time and memory limits were not sent, the profile's own apply, and a Distributed table is merged on the initiator (readonly=2 in the profile takes them)`,
      })
    const table = await describeTable(target, limits, options.signal)
    if (!table) return errorResult(await noSuchTable(target, limits, options.signal), notes)
    const resolved = resolveColumns(map, table.columns, `${target.database}.${target.table}`)
    if (resolved.columns.order === undefined)
      notes.push({
        input: target.display,
        message: `no order column: requests within one second are taken in no set order, so flips, losses and churn among them can differ from the log's; map order=COLUMN (a sequence, or the time's sub-second part)`,
      })
    const shardLocal = table.engine === 'Distributed' && shardedBySession(table.engineFull, resolved.columns.session)
    const ctx: FoldContext = {
      database: target.database,
      table: target.table,
      resolved,
      since: Math.ceil(sinceMs / 1000),
      until: Math.floor(untilMs / 1000),
      separator,
      evictSeconds: Math.floor((timeoutMs + Math.max(5 * 60_000, timeoutMs / 4)) / 1000),
      sessionTimeoutSeconds: Math.floor(timeoutMs / 1000),
      lostGapSeconds: Math.floor(LOST_SESSION_GAP_MS / 1000),
      churnWindowSeconds: Math.floor(CHURN_WINDOW_MS / 1000),
      showSessionIds: options.redact.showSessionIds === true,
      shardLocal,
    }
    const run = (sql: string, local = shardLocal) => query(target, sql, {...limits, shardLocal: local}, options.signal)
    const [minutes, routes, sessions, byClient, byResponse] = await Promise.all([
      run(minutesSql(ctx)),
      run(routesSql(ctx)),
      run(sessionsSql(ctx)),
      resolved.columns.client !== undefined ? run(clientsSql(ctx)) : Promise.resolve([]),
      resolved.columns.setcookie !== undefined ? run(replacedSql(ctx)) : Promise.resolve([]),
    ])
    // Like a log format that has the response's cookie: losses are seen where the id is replaced, not guessed from the client's next id.
    const responseCookie = routes.some((row) => Number(row[10]) > 0)
    const clients = responseCookie ? [...byClient.filter((row) => Number(row[0]) !== FACT.lost), ...byResponse] : byClient
    const label = {
      detectedFormat: `clickhouse ${target.database}.${target.table}`,
      formatSource: Object.keys(map).length > 0 ? 'flag' : 'detected',
    } as const
    const result = fill({
      options,
      run: new Run({...options, paths: []}),
      routeKind,
      minutes,
      routes,
      sessions,
      clients,
      resolved,
      label,
      notes,
      responseCookie,
    })
    const section = result.section
    if (section.status === 'analyzed' && section.parsed === 0) {
      const reason = `no rows in ${target.database}.${target.table} between ${new Date(ctx.since * 1000).toISOString()} and ${new Date(ctx.until * 1000).toISOString()}: widen --since/--until`
      return {key: 'accessLog', section: {...section, status: 'error', reason}, findings: []}
    }
    return result
  } catch (error) {
    if (error instanceof ClickHouseError) return errorResult(error.message, notes)
    if (error instanceof MappingError) return errorResult(`${error.message} (${error.hint})`, notes)
    throw error
  }
}

interface Answers {
  options: AccessLogOptions
  run: Run
  routeKind: 'route' | 'upstream' | 'server'
  minutes: unknown[][]
  routes: unknown[][]
  sessions: unknown[][]
  clients: unknown[][]
  resolved: ReturnType<typeof resolveColumns>
  label: Pick<AccessLogSection, 'detectedFormat' | 'formatSource'>
  notes: InputError[]
  /** The window has responses that set an id (the `setcookie` column). */
  responseCookie: boolean
}

/** The aggregates into the file reader's own analyzer state, then its section builder and checks. */
function fill(a: Answers): SourceResult<'accessLog'> {
  const {run, options} = a
  const an = run.analyzer
  const table = an.routes
  const route = (name: string, always = false) => table.intern(name, 0, name.length, always)
  const counts: CounterValues = {...new Run({...options, paths: []}).analyzer.counts.values()}
  const minute = (m: unknown) => Number(m) * 60_000
  let first = Number.POSITIVE_INFINITY
  let last = Number.NEGATIVE_INFINITY
  for (const [m, n, lo, hi] of a.minutes) {
    an.timeline.at(minute(m)).requests += Number(n)
    counts.requests += Number(n)
    first = Math.min(first, Number(lo) * 1000)
    last = Math.max(last, Number(hi) * 1000)
  }
  counts.lines = counts.parsed = counts.requests
  counts.firstSeen = Number.isFinite(first) ? first : Number.NaN
  counts.lastSeen = Number.isFinite(last) ? last : Number.NaN
  // Workers first: they are always named (as the file reader names the balancer's routes).
  for (const [w] of a.routes) {
    const name = String(w)
    if (name === '') continue
    const index = route(name, true)
    an.backends.add(index)
    if (a.routeKind === 'route') an.workerRoutes.add(index)
  }
  for (const [w, x, n, withSession, fromCookie, fromUrl, inUrl, noRoute, retried] of a.routes) {
    const worker = String(w)
    const suffix = String(x)
    const requests = Number(n)
    counts.requestsWithSession += Number(withSession)
    counts.sessionIdsFromCookie += Number(fromCookie)
    counts.sessionIdsFromUrl += Number(fromUrl)
    counts.sessionIdInUrl += Number(inUrl)
    counts.requestsWithoutRoute += Number(noRoute)
    counts.retries += Number(retried)
    const suffixIndex = suffix === '' ? -1 : route(suffix)
    if (suffixIndex !== -1) table.suffixRequests[table.countIndex(suffixIndex)]! += requests
    const served = worker !== '' ? route(worker, true) : suffixIndex
    if (served !== -1) table.requests[table.countIndex(served)]! += requests
    if (worker !== '' && suffixIndex !== -1) {
      const pair = pairKey(table.countIndex(suffixIndex), served)
      an.servedBySuffix.set(pair, (an.servedBySuffix.get(pair) ?? 0) + requests)
    }
  }
  const active = new Map<number, number>()
  const flipSamples: Array<{order: [number, number]; sample: (typeof an.flipSamples)[number]}> = []
  // Flips in the order they happened (their first sample), as the file reader meets them: pairs and routes keep that order.
  const firstFlip = (row: unknown[]): [number, number] => {
    const first = (row[5] as Array<[number, number, string]> | undefined)?.[0]
    return first ? [Number(first[0]), Number(first[1])] : [0, 0]
  }
  const sessionFacts = [...a.sessions].sort((p, q) => {
    const [fp, fq] = [firstFlip(p), firstFlip(q)]
    return Number(p[1]) - Number(q[1]) || fp[0] - fq[0] || fp[1] - fq[1]
  })
  for (const [kind, m, x, y, n, samples] of sessionFacts) {
    const k = Number(kind)
    const value = Number(n)
    if (k === FACT.newSession) {
      counts.sessions += value
      if (x === 'x') counts.sessionsWithoutRoute += value
      an.timeline.at(minute(m)).newSessions += value
    } else if (k === FACT.flip) {
      const from = route(String(x), true)
      const to = route(String(y), true)
      counts.routeFlips += value
      const pair = table.countIndex(from) * 65_536 + table.countIndex(to)
      an.flipPairs.set(pair, (an.flipPairs.get(pair) ?? 0) + value)
      const bucket = an.timeline.at(minute(m))
      bucket.flips += value
      bucket.flipsTo ??= new Map()
      bucket.flipsTo.set(table.countIndex(to), (bucket.flipsTo.get(table.countIndex(to)) ?? 0) + value)
      bucket.flipsFrom ??= new Map()
      bucket.flipsFrom.set(table.countIndex(from), (bucket.flipsFrom.get(table.countIndex(from)) ?? 0) + value)
      for (const [t, order, session] of samples as Array<[number, number, string]>)
        flipSamples.push({
          order: [Number(t), Number(order)],
          sample: {session: String(session), from: String(x), to: String(y), at: new Date(Number(t) * 1000).toISOString()},
        })
    } else if (k === FACT.flippedSessions) counts.sessionsWithFlips += value
    else if (k === FACT.failovers) counts.failoversKept += value
    else if (k === FACT.active) active.set(Number(m), (active.get(Number(m)) ?? 0) + value)
  }
  flipSamples.sort((p, q) => p.order[0] - q.order[0] || p.order[1] - q.order[1])
  for (const {sample} of flipSamples.slice(0, 5)) an.flipSamples.push(sample)
  let current = 0
  for (const m of [...active.keys()].sort((p, q) => p - q)) {
    current += active.get(m)!
    counts.peakActiveSessions = Math.max(counts.peakActiveSessions, current)
  }
  for (const [kind, m, x, y, n] of a.clients) {
    const k = Number(kind)
    const value = Number(n)
    if (k === FACT.lost) {
      const served = route(String(y), true)
      if (!an.backends.has(served)) continue
      const pair = pairKey(table.countIndex(route(String(x))), served)
      an.replacedAfter.set(pair, (an.replacedAfter.get(pair) ?? 0) + value)
      const bucket = an.timeline.at(minute(m))
      bucket.losses ??= new Map()
      bucket.losses.set(pair, (bucket.losses.get(pair) ?? 0) + value)
    } else if (k === FACT.churn) {
      counts.churnEvents += value
      an.timeline.at(minute(m)).churn += value
    } else if (k === FACT.churnClient) counts.churnClients += value
  }
  an.absorbCounts(counts)
  run.filesRead = 1
  const has = (f: keyof ColumnMap) => a.resolved.columns[f] !== undefined
  const parser: LineParser = {
    name: 'clickhouse',
    kind: 'apache',
    formatText: '',
    fieldCount: 0,
    capabilities: {
      sessionCookie: has('session') ? (options.cookieName ?? 'JSESSIONID') : null,
      cookieHeader: false,
      request: has('path'),
      client: has('client'),
      userAgent: has('agent'),
      worker: has('route') && an.backends.size > 0 ? a.routeKind : null,
      sessionRoute: false,
      ...(a.responseCookie ? {responseCookie: true} : {}),
    },
    parse: () => false,
  }
  run.formats.push({
    parser,
    rules: {sessionCookie: parser.capabilities.sessionCookie, cookieName: options.cookieName ?? 'JSESSIONID', base64: false},
    detected: true,
    fromConfig: false,
    fits: true,
  })
  const section = {...buildSection(run, options), ...a.label}
  if (a.notes.length > 0) section.errors = [...a.notes, ...(section.errors ?? [])]
  const nothing = nothingAnalyzable(section, options)
  if (nothing && section.parsed > 0) return {key: 'accessLog', section: {...section, status: 'error', reason: nothing}, findings: []}
  const context: CheckContext = {
    formatKind: null,
    formatText: null,
    formatName: section.detectedFormat,
    cookieName: run.cookieName,
    sessionCookieLogged: has('session'),
    cookieHeaderLogged: false,
    springSessionLines: 0,
  }
  return {key: 'accessLog', section, findings: runChecks(section, context)}
}
