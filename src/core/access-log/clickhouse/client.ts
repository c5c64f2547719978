import createDebug from 'debug'
import type {ClickHouseTarget} from './target.js'

const debug = createDebug('sessdoc:clickhouse')

/** What every request sessdoc sends carries: read-only, a time limit and a memory cap that spills GROUP BY to disk. */
export interface QueryLimits {
  /** `max_execution_time`, seconds. */
  maxExecutionSeconds: number
  /** `max_memory_usage`, bytes; `max_bytes_before_external_group_by` is half of it. */
  maxMemoryBytes: number
  /** `distributed_group_by_no_merge`: a Distributed table sharded by the session folds each shard's sessions there. */
  shardLocal?: boolean
  /**
   * The user's profile's own `readonly` (see profileReadonly): 0 takes every setting and `readonly=1` is sent;
   * 2 takes settings but refuses any `readonly`, already read-only; 1 refuses every setting, its own limits apply.
   */
  profileReadonly?: 0 | 1 | 2
  /** How long past max_execution_time to wait for an answer before giving up on the server (default 30 s). */
  answerGraceSeconds?: number
}

export const DEFAULT_LIMITS: QueryLimits = {maxExecutionSeconds: 120, maxMemoryBytes: 4 * 1024 ** 3}

/** ClickHouse's error codes for a user or password it does not take (18.16: 192–194; later versions 516). */
const AUTHENTICATION_CODES = new Set([192, 193, 194, 516])

/** What to do next, for the errors a user can fix. */
function hintFor(code: number | null, target: ClickHouseTarget): string {
  if (code !== null && AUTHENTICATION_CODES.has(code))
    return ` (the password comes from SESSDOC_CLICKHOUSE_PASSWORD; the user, now '${target.user}', from the URL's clickhouse://USER@host or SESSDOC_CLICKHOUSE_USER)`
  return ''
}

/** A connection that failed before any answer, said so that the next step is plain. */
function unreachable(target: ClickHouseTarget, error: unknown): string {
  const cause = (error as {cause?: {code?: string; message?: string}}).cause
  const code = cause?.code ?? ''
  const at = `cannot reach ClickHouse at ${target.endpoint}`
  if (code === 'ECONNREFUSED')
    return `${at}: nothing listens there (ECONNREFUSED): is the server up, and is that its HTTP port (8123; 9000 is the native protocol's)?`
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${at}: no such host (${code}): check the host name in the URL`
  if (target.endpoint.startsWith('https:') && /TIMEOUT|EPROTO|SSL|TLS|ECONNRESET/i.test(`${code} ${cause?.message ?? ''}`))
    return `${at}: no TLS answer there (${code || cause?.message}): is that port serving HTTPS (8443)? For plain HTTP write clickhouse:// or http://`
  return `${at}: ${code || cause?.message || (error as Error).message}`
}

export class ClickHouseError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
  ) {
    super(message)
    this.name = 'ClickHouseError'
  }
}

/** The URL parameters of a request: the limits, then `readonly=1` last (so no later setting may lift it). */
export function requestParams(target: ClickHouseTarget, limits: QueryLimits): URLSearchParams {
  const params = new URLSearchParams()
  params.set('database', target.database)
  const profile = limits.profileReadonly ?? 0
  if (profile === 1) return params
  params.set('max_execution_time', String(limits.maxExecutionSeconds))
  params.set('max_memory_usage', String(limits.maxMemoryBytes))
  params.set('max_bytes_before_external_group_by', String(Math.floor(limits.maxMemoryBytes / 2)))
  params.set('distributed_group_by_no_merge', limits.shardLocal ? '1' : '0')
  params.set('output_format_json_quote_64bit_integers', '0')
  if (profile === 0) params.set('readonly', '1')
  return params
}

/**
 * The `readonly` of the user's profile, asked with no setting sent (a read-only profile refuses settings: all
 * of them at 1, `readonly` itself at 2). A user given a read-only profile, as the docs advise, is read that way.
 */
export async function profileReadonly(
  target: ClickHouseTarget,
  limits: QueryLimits = DEFAULT_LIMITS,
  signal?: AbortSignal,
): Promise<0 | 1 | 2> {
  const rows = await query(target, `SELECT value FROM system.settings WHERE name = 'readonly'`, {...limits, profileReadonly: 1}, signal)
  const value = Number(rows[0]?.[0] ?? 0)
  return value === 1 || value === 2 ? value : 0
}

/**
 * One query over HTTP (plain fetch: ClickHouse's HTTP interface, every version). The answer is
 * JSONCompact's rows. Credentials go in the Authorization header, never in the URL.
 */
export async function query(target: ClickHouseTarget, sql: string, limits: QueryLimits, signal?: AbortSignal): Promise<unknown[][]> {
  const url = `${target.endpoint}/?${requestParams(target, limits)}`
  const started = Date.now()
  // The server stops a query at max_execution_time; a server that hangs (or a profile that took no limit) is given up here.
  const waitSeconds = limits.maxExecutionSeconds + (limits.answerGraceSeconds ?? 30)
  const deadline = AbortSignal.timeout(waitSeconds * 1000)
  let response: Response
  let text: string
  try {
    response = await fetch(url, {
      method: 'POST',
      body: `${sql}\nFORMAT JSONCompact`,
      headers: {Authorization: `Basic ${Buffer.from(`${target.user}:${target.password}`).toString('base64')}`},
      signal: signal ? eitherSignal(signal, deadline) : deadline,
    })
    text = await response.text()
  } catch (error) {
    if (deadline.aborted && !signal?.aborted)
      throw new ClickHouseError(
        `ClickHouse at ${target.endpoint} did not answer within ${waitSeconds} s: check that the server is up and not overloaded (system.processes), or narrow --since/--until`,
        null,
      )
    throw new ClickHouseError(unreachable(target, error), null)
  }
  debug('%d ms, %d bytes: %s', Date.now() - started, text.length, sql.slice(0, 200).replace(/\s+/g, ' '))
  if (!response.ok) {
    const code = /Code: (\d+)/.exec(text)?.[1]
    const message = text
      .replace(/, e\.what\(\) = .*$/s, '')
      .replace(/^Code: \d+, e\.displayText\(\) = DB::Exception: /, '')
      .replace(/[\x00-\x1f\x7f]+/g, ' ')
      .trim()
    const said =
      message === ''
        ? `answered HTTP ${response.status} with nothing: is ${target.endpoint} ClickHouse's HTTP port (8123, or 8443 with TLS)?`
        : message.slice(0, 400)
    throw new ClickHouseError(
      `ClickHouse at ${target.endpoint}: ${said}${hintFor(code ? Number(code) : null, target)}`,
      code ? Number(code) : null,
    )
  }
  // Without output_format_json_quote_64bit_integers (a readonly=1 profile takes no setting) 64-bit numbers come quoted: callers read them with Number().
  const parsed = JSON.parse(text) as {data: unknown[][]}
  return parsed.data
}

/** Aborted when either is (AbortSignal.any, which Node 20.0–20.2 lack; engines says >=20). */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b])
  const controller = new AbortController()
  for (const signal of [a, b]) {
    if (signal.aborted) controller.abort(signal.reason)
    else signal.addEventListener('abort', () => controller.abort(signal.reason), {once: true})
  }
  return controller.signal
}
