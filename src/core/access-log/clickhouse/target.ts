import {maskUrlPasswords} from '../../redact.js'

/** Where the access log lives in ClickHouse: an HTTP endpoint, a table, and who reads it. */
export interface ClickHouseTarget {
  /** `http://host:8123` or `https://host:8443` (no credentials, no path). */
  endpoint: string
  database: string
  table: string
  user: string
  password: string
  /** Options from the URL's query string (`?route_kind=upstream&order=seq`). */
  params: Record<string, string>
  /** The URL as it may be shown (password masked). */
  display: string
}

export class ClickHouseTargetError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message)
    this.name = 'ClickHouseTargetError'
  }
}

/** Whether an `--access-log` path names a ClickHouse table rather than a file. */
export function isClickHouseUrl(path: string): boolean {
  return /^(clickhouse|clickhouses|ch):\/\//i.test(path) || /^https?:\/\/[^/]+\/[^/?#]+\.[^/?#]+/i.test(path)
}

/**
 * `clickhouse://[user[:password]@]host[:8123]/db.table[?options]` (also `https://…` for TLS,
 * `http://…`). The password comes from SESSDOC_CLICKHOUSE_PASSWORD (or CLICKHOUSE_PASSWORD), the
 * user from the URL or SESSDOC_CLICKHOUSE_USER (default `default`). A password written in the URL
 * works but is warned about: it shows in ps and the shell history.
 */
export function clickhouseTarget(spec: string, env: NodeJS.ProcessEnv = process.env): {target: ClickHouseTarget; warnings: string[]} {
  const warnings: string[] = []
  let url: URL
  try {
    url = new URL(spec)
  } catch {
    throw new ClickHouseTargetError(
      `--access-log: cannot read the ClickHouse URL ${maskUrlPasswords(spec)}`,
      'write it as clickhouse://host:8123/database.table',
    )
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase()
  const tls = scheme === 'https' || scheme === 'clickhouses'
  const decode = (text: string, what: string): string => {
    try {
      return decodeURIComponent(text)
    } catch {
      throw new ClickHouseTargetError(`--access-log: the ClickHouse URL's ${what} has a % that is not %XX`, 'write a % as %25')
    }
  }
  const path = decode(url.pathname.replace(/^\/+/, ''), 'table')
  const dot = path.indexOf('.')
  if (dot <= 0 || dot === path.length - 1 || path.includes('/')) {
    throw new ClickHouseTargetError(
      `--access-log: the ClickHouse URL ${maskUrlPasswords(spec)} names no table`,
      'give the table as /database.table, e.g. clickhouse://host:8123/logs.access',
    )
  }
  const database = path.slice(0, dot)
  const table = path.slice(dot + 1)
  let password = env.SESSDOC_CLICKHOUSE_PASSWORD ?? env.CLICKHOUSE_PASSWORD ?? ''
  if (url.password) {
    password = decode(url.password, 'password')
    warnings.push('the password in the ClickHouse URL shows in ps and the shell history: set SESSDOC_CLICKHOUSE_PASSWORD instead')
  }
  const user = url.username ? decode(url.username, 'user') : (env.SESSDOC_CLICKHOUSE_USER ?? env.CLICKHOUSE_USER ?? 'default')
  const port = url.port || (tls ? '8443' : '8123')
  const host = url.hostname
  const params: Record<string, string> = {}
  for (const [k, v] of url.searchParams) params[k] = v
  const shown = new URL(spec)
  if (shown.password) shown.password = '***'
  return {
    target: {
      endpoint: `${tls ? 'https' : 'http'}://${host}:${port}`,
      database,
      table,
      user,
      password,
      params,
      display: shown.toString(),
    },
    warnings,
  }
}

/** For stderr, also under --json or -o: a ClickHouse URL among `paths` that carries its password. */
export function urlPasswordWarnings(paths: readonly string[]): string[] {
  return paths.filter(isClickHouseUrl).flatMap((path) => {
    try {
      return clickhouseTarget(path, {}).warnings
    } catch {
      return []
    }
  })
}
