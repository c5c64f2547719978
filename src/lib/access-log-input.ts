import {readFile, stat} from 'node:fs/promises'
import {Flags} from '@oclif/core'
import type {ColumnMap} from '../core/access-log/clickhouse/mapping.js'
import {isClickHouseUrl, urlPasswordWarnings} from '../core/access-log/clickhouse/target.js'
import {PARALLEL_MIN_BYTES} from '../core/access-log/index.js'
import type {AccessLogOptions} from '../core/access-log/types.js'
import type {SourceResult} from '../core/report/types.js'
import {UserError} from './errors.js'
import {warnOnStderr} from './redis-target.js'

/** The configs access-log reads: LogFormat nicknames and routes, and the access-log formats they declare (#15). */
export const accessLogConfigFlags = {
  'apache-conf': Flags.string({
    description:
      'httpd config file or folder (LogFormat lines, BalancerMember route= values), or nginx.conf: the format it declares for the log is used.',
    helpGroup: 'ACCESS LOG',
  }),
  'tomcat-conf': Flags.string({
    multiple: true,
    description: "A Tomcat's server.xml (or its folder): its AccessLogValve pattern is used for Tomcat's own access logs (repeatable).",
    helpGroup: 'ACCESS LOG',
  }),
}

/** The access-log options the config flags give: the httpd config's text, and every config path for the declared formats. */
export async function accessLogConfigs(flags: {
  'apache-conf'?: string
  'tomcat-conf'?: string[]
}): Promise<Pick<AccessLogOptions, 'apacheConf' | 'configs'>> {
  const paths = [...(flags['apache-conf'] ? [flags['apache-conf']] : []), ...(flags['tomcat-conf'] ?? [])]
  const apacheConf = await readApacheConf(flags['apache-conf'])
  return {...(apacheConf ? {apacheConf} : {}), ...(paths.length ? {configs: paths} : {})}
}

/** `--apache-conf FILE` read (a folder is read for its declared formats only); a file that cannot be read is a usage error. */
export async function readApacheConf(path: string | undefined): Promise<{path: string; text: string} | undefined> {
  if (!path) return undefined
  if ((await stat(path).catch(() => null))?.isDirectory()) return undefined
  try {
    return {path, text: await readFile(path, 'utf8')}
  } catch (error) {
    throw new UserError(
      `--apache-conf: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'check the path and that you may read it',
    )
  }
}

/** `--threads N`: absent lets the analyzer choose, 1 reads in one thread. */
export function parallelOf(threads: number | undefined): AccessLogOptions['parallel'] {
  if (threads === undefined) return undefined
  return threads > 1 ? {minBytes: PARALLEL_MIN_BYTES, threads} : false
}

/** `--map` names a ClickHouse table's columns: with files only it is a usage error (the file's format says where fields are). */
export function columnMapOf(map: ColumnMap | undefined, paths: readonly string[]): Pick<AccessLogOptions, 'columnMap'> {
  if (map === undefined) return {}
  if (!paths.some(isClickHouseUrl))
    throw new UserError(
      '--map names the columns of a ClickHouse table, and no path is one',
      'give the table as clickhouse://host:8123/db.table, or leave --map out for files (--log-format says where their fields are)',
    )
  return {columnMap: map}
}

/**
 * A ClickHouse table the map does not fit (a role's column missing, no time column) or a URL naming no table: a
 * usage error, not a report. A password in its URL: a warning on stderr, also under --json or -o.
 */
export function checkClickHouseUse(result: SourceResult<'accessLog'>, paths: readonly string[]): void {
  warnOnStderr(urlPasswordWarnings(paths))
  const reason = result.section.status === 'error' ? (result.section.reason ?? '') : ''
  if (paths.some(isClickHouseUrl) && /^(--map|\?map=|--access-log): /.test(reason))
    throw new UserError(reason, 'the columns by role: --map time=COLUMN,session=COLUMN,… (docs/access-log.md, "ClickHouse")')
}
