import type {Readable} from 'node:stream'
import {groupStreams} from '../access-log/inputs.js'
import {FormatError} from '../access-log/log-format.js'
import {DEFAULT_SESSION_TIMEOUT_MS, Run} from '../access-log/run.js'
import {defined} from '../defined.js'
import {expandInputs} from '../input/expand-inputs.js'
import type {TimeWindow} from '../input/time-window.js'
import {chooseTomcatLogs} from '../input/tomcat-logs-dir.js'
import {type RedactOptions, redactSessionId} from '../redact.js'
import type {RedisTarget} from '../redis/connection/index.js'
import type {PresetName} from '../redis/scan/presets.js'
import type {InputError, SourceResult} from '../report/types.js'
import {scanAccessLogs} from './access.js'
import {scanAppLogs} from './app-log.js'
import {followClient, homeOfRequest, isMisrouted, nodeOf} from './chain.js'
import type {TraceId} from './id.js'
import {candidateKeys, readSessionKey} from './redis-key.js'
import {idInText, resolveHashedId} from './resolve.js'
import type {TraceRedisKey, TraceSection} from './types.js'
import {judgeTrace} from './verdict.js'

export {type ParsedTraceId, parseTraceId, type TraceId} from './id.js'
export type {TraceSection} from './types.js'

export interface TraceOptions {
  id: TraceId
  accessLogs: string[]
  appLogs: string[]
  redis?: {target: RedisTarget; namespace?: string; preset?: PresetName}
  window: TimeWindow
  logFormat?: string
  apacheConf?: {path: string; text: string}
  workers?: string[]
  /** jvmRoute → the balancer's name of that node, from configs. */
  routeAliases?: Record<string, string>
  cookieName?: string
  routeSeparator?: string
  sessionTimeoutMs?: number
  timeZone?: string
  redact: RedactOptions
  signal?: AbortSignal
  stdin?: Readable
}

/**
 * `sessdoc trace ID`: the life of one session. The access logs are byte-searched for the id (and,
 * once its first request names it, the client), the matching lines parsed, the client followed from
 * id to id; the app logs are byte-searched for those ids and the nodes' restarts; the Redis key is
 * read. A `sid:` is first resolved to its raw id by hashing the ids of the access logs (slower).
 */
export async function traceSession(options: TraceOptions): Promise<SourceResult<'trace'>> {
  const separator = options.routeSeparator ?? '.'
  const redact: RedactOptions = {...options.redact, routeSeparator: separator}
  const shown = (base: string, route?: string | null): string => redactSessionId(route ? `${base}${separator}${route}` : base, redact)
  // A sid: is shown as given; a raw id redacted (unless --show-session-ids).
  const asked =
    options.id.kind === 'hash'
      ? `sid:${options.id.hash}${options.id.route ? separator + options.id.route : ''}`
      : shown(options.id.base, options.id.route)
  let run: Run
  try {
    run = new Run({
      paths: options.accessLogs,
      window: options.window,
      redact,
      ...defined({
        logFormat: options.logFormat,
        apacheConf: options.apacheConf,
        workers: options.workers,
        cookieName: options.cookieName,
        routeSeparator: separator,
        timeZone: options.timeZone,
      }),
    })
  } catch (error) {
    if (error instanceof FormatError) return failed(error.message)
    throw error
  }
  const errors: InputError[] = []
  const access = await expandInputs(options.accessLogs)
  // A Tomcat logs directory: catalina.out or the dated catalina logs (never both), and localhost.*.log, as tomcat-log reads it.
  const app = await expandInputs(options.appLogs, {chooseInDirectory: chooseTomcatLogs})
  errors.push(...access.errors, ...app.errors)
  const accessFiles = groupStreams(access.files).flat()
  if (accessFiles.length === 0 && app.files.length === 0)
    return failed(errors[0]?.message ?? 'nothing to read: give --access-log (and --tomcat-log, --redis)', errors)

  let base: string | null = options.id.kind === 'raw' ? options.id.base : null
  let resolveLines = 0
  let resolveBytes = 0
  if (options.id.kind === 'hash') {
    const resolved = await resolveHashedId(accessFiles, options.id.hash, options.id.route, separator, run, options)
    base = resolved.base
    resolveLines = resolved.parsedLines
    resolveBytes = resolved.bytes
    if (base === null && app.files.length > 0) {
      // No request carries it: an app log may still name it (Tomcat "… for session [ID]").
      const hash = options.id.hash
      const hexScan = await scanAppLogs(app.files, ['session'], {...options, redact})
      base = hexScan.texts.map((t) => idInText(t, hash)).find((b) => b !== null) ?? null
    }
    if (base === null)
      return failed(
        `no access-log request and no app-log line names ${asked}: check the files and the time window (a sid: is matched by the hash of each id read)`,
        errors,
      )
  }
  const firstBase = base as string
  const timeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS
  const scan = await scanAccessLogs({
    sessionTimeoutMs: timeoutMs,
    files: accessFiles,
    base: firstBase,
    base64: run.cookieName.toUpperCase() === 'SESSION',
    routeSeparator: separator,
    window: options.window,
    run,
    signal: options.signal,
    stdin: options.stdin,
  })
  errors.push(...scan.errors)
  const chain = followClient(scan.requests, firstBase, timeoutMs, new Set(options.workers ?? []), options.routeAliases ?? {})
  const appScan = app.files.length > 0 ? await scanAppLogs(app.files, chain.ids, {...options, redact}) : null
  if (appScan) errors.push(...appScan.errors)

  const route = options.id.route
  const firstRequest = chain.requests.find((r) => r.base === firstBase)
  /** The route an id carried first, or last (the one the asked id was given with when no request carries it). */
  const routeOf = (b: string, which: 'first' | 'last'): string | null => {
    const withRoute = chain.requests.filter((r) => r.base === b && r.suffix !== null)
    return (which === 'first' ? withRoute[0] : withRoute.at(-1))?.suffix ?? (b === firstBase ? route : null)
  }
  const lastBase = chain.ids.at(-1)!
  const redis = options.redis ? await redisKey(options.redis, lastBase, routeOf(lastBase, 'last'), redact, options.signal) : null
  if (redis && 'error' in redis) errors.push({input: 'redis', message: redis.error})

  const nodeEvents = [...scan.nodeEvents, ...(appScan?.nodeEvents ?? [])].sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''))
  const appEvents = (appScan?.events ?? []).sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''))
  const verdict = judgeTrace(chain, nodeEvents, appEvents)
  const iso = (t: number): string | null => (Number.isNaN(t) ? null : new Date(t).toISOString())
  const idChanges = chain.changes.map((c) => ({
    time: iso(c.at.time),
    from: shown(c.from, c.fromRoute),
    to: shown(c.to, c.toRoute),
    cause: c.cause,
    routeOnly: c.routeOnly,
    why: c.why,
  }))
  const section: TraceSection = {
    status: chain.requests.length > 0 || appEvents.length > 0 ? 'analyzed' : 'error',
    session: asked,
    verdict,
    // The first id as it was first seen, then each it changed to (a new id or a new route), as idChanges lists them.
    ids: [shown(firstBase, routeOf(firstBase, 'first')), ...idChanges.map((c) => c.to)],
    client: firstRequest ? {address: firstRequest.address, userAgent: firstRequest.userAgent} : null,
    home: chain.home.get(firstBase) ?? null,
    requests: chain.requests.map((r) => ({
      time: iso(r.time),
      node: nodeOf(r),
      method: r.method,
      path: r.path,
      status: r.status,
      misrouted: isMisrouted(r, homeOfRequest(chain, r)),
      session: shown(r.base, r.suffix),
      file: accessFiles[r.file] ?? '',
    })),
    idChanges,
    appEvents,
    nodeEvents: nodeEventsNear(
      nodeEvents,
      chain.requests.map((r) => r.time),
    ),
    redis: redis && !('error' in redis) ? redis : null,
    scan: {
      files: scan.files + (appScan?.files ?? 0),
      bytes: scan.bytes + (appScan?.bytes ?? 0) + resolveBytes,
      matchedLines: scan.matchedLines + (appScan?.matchedLines ?? 0),
      parsedLines: scan.parsedLines + resolveLines,
    },
  }
  if (section.status === 'error')
    section.reason = `no request carries ${asked} in the access logs read${options.window.since || options.window.until ? ' within the time window' : ''}: check the files, --since/--until and --cookie`
  if (errors.length > 0) section.errors = errors
  if (options.signal?.aborted) section.partial = true
  return {key: 'trace', section, findings: []}
}

async function redisKey(
  redis: NonNullable<TraceOptions['redis']>,
  base: string,
  route: string | null,
  redact: RedactOptions,
  signal: AbortSignal | undefined,
): Promise<TraceRedisKey | {error: string}> {
  const read = await readSessionKey(redis.target, base, route, {...redis, redact, signal})
  if (!read.ok) return {error: `Redis: ${read.message}`}
  if (read.key) return read.key
  const first = candidateKeys(base, route, redis)[0]!
  return {
    key: `${first.key.slice(0, first.idStart)}${redactSessionId(first.key.slice(first.idStart), redact)}`,
    exists: false,
    ttlSeconds: null,
    bytes: null,
    lastAccessedTime: null,
    maxInactiveIntervalSeconds: null,
    preset: first.preset,
  }
}

/** Node events from an hour before the first request to the last one. */
function nodeEventsNear(events: TraceSection['nodeEvents'], times: number[]): TraceSection['nodeEvents'] {
  const known = times.filter((t) => !Number.isNaN(t))
  if (known.length === 0) return events.slice(0, 50)
  const from = Math.min(...known) - 3_600_000
  const to = Math.max(...known) + 600_000
  return events.filter((e) => e.time === null || (Date.parse(e.time) >= from && Date.parse(e.time) <= to)).slice(0, 50)
}

function failed(reason: string, errors: InputError[] = []): SourceResult<'trace'> {
  return {key: 'trace', section: {status: 'error', reason, ...(errors.length > 0 ? {errors} : {})}, findings: []}
}
