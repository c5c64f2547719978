import {maskUrlPasswords} from '../redact.js'
import {isBalancerManagerPage, MAX_PAGE_BYTES, parseBalancerManager} from './apache-balancer-manager.js'
import {haproxyShowStat, isHaproxyCsv, isHaproxyStatsPage, parseHaproxyStat} from './haproxy-stat.js'
import type {BalancerMember} from './types.js'

export type BalancerRead = {ok: true; members: BalancerMember[]} | {ok: false; error: string}

/**
 * One `--balancer`: `unix:/path` (or an absolute path) is HAProxy's runtime API socket, read with
 * `show stat`; an http(s) URL is Apache's balancer-manager page or HAProxy's stats CSV, told apart
 * by what answers. Only reads: a GET, or `show stat`.
 */
export async function readBalancer(spec: string, timeoutMs: number): Promise<BalancerRead> {
  const shown = maskUrlPasswords(spec)
  try {
    if (spec.startsWith('unix:') || spec.startsWith('/')) {
      const path = spec.replace(/^unix:(\/\/)?/, '')
      const csv = await haproxyShowStat(path, timeoutMs)
      if (!isHaproxyCsv(csv))
        return {ok: false, error: `${shown}: the socket did not answer 'show stat' with HAProxy's CSV (${firstLine(csv)})`}
      return found(shown, parseHaproxyStat(csv, shown))
    }
    if (!/^https?:\/\//i.test(spec))
      return {ok: false, error: `${shown}: give http(s)://host/balancer-manager, an HAProxy stats URL, or unix:/path/to/admin.sock`}
    let text = await get(spec, timeoutMs)
    if (isHaproxyStatsPage(text) && !isHaproxyCsv(text)) text = await get(`${spec.replace(/;csv$/, '')};csv`, timeoutMs)
    if (isHaproxyCsv(text)) return found(shown, parseHaproxyStat(text, shown))
    if (isBalancerManagerPage(text)) return found(shown, parseBalancerManager(text, shown))
    return {ok: false, error: `${shown}: neither Apache's balancer-manager page nor HAProxy's stats CSV answered (${firstLine(text)})`}
  } catch (error) {
    return {ok: false, error: `${shown}: ${describe(error)}`}
  }
}

function found(shown: string, members: BalancerMember[]): BalancerRead {
  if (members.length === 0) return {ok: false, error: `${shown}: the balancer lists no member`}
  return {ok: true, members}
}

async function get(url: string, timeoutMs: number): Promise<string> {
  const response = await fetch(url, {method: 'GET', redirect: 'follow', signal: AbortSignal.timeout(timeoutMs)})
  if (!response.ok) {
    await response.body?.cancel()
    const auth = response.status === 401 || response.status === 403 ? ': the page needs access (Require ip / auth for this host)' : ''
    throw new Error(`HTTP ${response.status}${auth}`)
  }
  const body = await response.arrayBuffer()
  if (body.byteLength > MAX_PAGE_BYTES) throw new Error(`the answer is ${body.byteLength} bytes, too large for a status page`)
  return Buffer.from(body).toString('utf8')
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException & {cause?: NodeJS.ErrnoException}
  const code = e.cause?.code ?? e.code
  if (e.name === 'TimeoutError') return 'no answer in time: check the address, or raise --connect-timeout'
  if (code === 'ECONNREFUSED') return 'connection refused: is the balancer running, and is this its status address?'
  if (code === 'ENOENT') return 'no such socket: check the path of HAProxy\'s "stats socket"'
  if (code === 'EACCES') return 'permission denied on the socket: run as a user allowed by its "mode"/"user", or use the stats URL'
  return `${code ? `${code}: ` : ''}${(e.cause?.message ?? e.message).split('\n')[0]}`
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? ''
  return line === '' ? 'an empty answer' : `it began: ${line.slice(0, 80)}`
}
