import {parseSessionTimeout} from '../access-log/session-timeout.js'
import {parseList} from '../input/parse-list.js'
import {describeTarget, type RedisTargetFlags, redisTargetFromFlags} from '../redis/connection.js'
import {defaultScanThresholds} from '../redis/scan/checks.js'
import {presetNames, type RedisScanOptions} from '../redis/scan/index.js'
import {defaultRedisStatsThresholds} from '../redis/stats/index.js'
import type {Diagnosis} from '../report/types.js'
import {asList, type DiagnoseConfig} from './config-file.js'
import {pickExisting, usualPlaces} from './default-inputs.js'
import type {DiagnoseRequest} from './diagnose.js'
import {correlationThresholds} from './thresholds.js'

/** The diagnose flags as the command parsed them; undefined means not given. */
export interface DiagnoseFlags extends RedisTargetFlags {
  'access-log'?: string[]
  'tomcat-log'?: string[]
  'apache-conf'?: string[]
  'tomcat-conf'?: string[]
  'app-config'?: string[]
  'log-format'?: string
  workers?: string
  cookie?: string
  'route-separator'?: string
  'session-timeout'?: string
  timezone?: string
  'redis-scan'?: boolean
  preset?: string
  pattern?: string
  namespace?: string
}

export type Planned =
  | {ok: true; request: Omit<DiagnoseRequest, 'window' | 'redact' | 'signal' | 'stdin'>; warnings: string[]}
  | {ok: false; error: string}

export const thresholdNames = [
  ...Object.keys(correlationThresholds),
  ...Object.keys(defaultRedisStatsThresholds),
  ...Object.keys(defaultScanThresholds),
]

/**
 * Flags over the config file over the usual places. With no source named anywhere, diagnose
 * looks in the usual places and at redis://127.0.0.1:6379, and says what it used and skipped.
 */
export function planDiagnose(
  flags: DiagnoseFlags,
  file: DiagnoseConfig,
  env: NodeJS.ProcessEnv = process.env,
  exists?: (p: string) => boolean,
): Planned {
  const warnings: string[] = []
  const skipped: Diagnosis['inputs'] = []
  const accessPaths = flags['access-log'] ?? asList(file.accessLog?.paths)
  const tomcatPaths = flags['tomcat-log'] ?? asList(file.tomcatLog?.paths)
  const apacheConf = flags['apache-conf'] ?? asList(file.config?.apacheConf) ?? asList(file.accessLog?.apacheConf)
  const tomcatConf = flags['tomcat-conf'] ?? asList(file.config?.tomcatConf)
  const appConfig = flags['app-config'] ?? asList(file.config?.appConfig)
  const redisUrl = flags.redis ?? file.redis?.url
  const redisNamed = Boolean(redisUrl || flags.sentinel || file.redis?.sentinel || flags.cluster || file.redis)
  const anyNamed = Boolean(accessPaths || tomcatPaths || apacheConf || tomcatConf || appConfig || redisNamed)

  const request: Planned & {ok: true} = {ok: true, request: {skipped}, warnings}
  const places = usualPlaces(env)
  const useDefaults = !anyNamed
  const defaultPick = (kind: 'accessLog' | 'tomcatLog', candidates: string[]): string[] | undefined => {
    const found = pickExisting(candidates, exists)
    if (found.used.length === 0)
      skipped.push({
        source: kind,
        input: found.tried.join(', '),
        used: false,
        reason: 'none of the usual places exists; name the file with a flag',
      })
    return found.used.length ? found.used : undefined
  }
  const access = accessPaths ?? (useDefaults ? defaultPick('accessLog', places.accessLog) : undefined)
  const tomcat = tomcatPaths ?? (useDefaults ? defaultPick('tomcatLog', places.tomcatLog) : undefined)

  const timeout = flags['session-timeout'] ?? file.accessLog?.sessionTimeout
  const parsedTimeout = timeout ? parseSessionTimeout(timeout) : undefined
  if (parsedTimeout && !parsedTimeout.ok) return {ok: false, error: `session timeout: ${parsedTimeout.error}`}
  const sessionTimeoutMs = parsedTimeout?.value
  if (access) {
    const workers = parseList(flags.workers) ?? asList(file.accessLog?.workers)
    request.request.accessLog = {
      paths: access,
      ...defined({
        logFormat: flags['log-format'] ?? file.accessLog?.logFormat,
        workers,
        cookieName: flags.cookie ?? file.accessLog?.cookie,
        routeSeparator: flags['route-separator'] ?? file.accessLog?.routeSeparator,
        sessionTimeoutMs,
        timeZone: flags.timezone ?? file.timezone,
      }),
    }
  }
  if (tomcat)
    request.request.tomcatLog = {paths: tomcat, ...defined({timezone: flags.timezone ?? file.tomcatLog?.timezone ?? file.timezone})}
  if (apacheConf || tomcatConf || appConfig) request.request.config = defined({apacheConf, tomcatConf, appConfig})

  if (redisNamed || useDefaults) {
    try {
      const {target, warnings: redisWarnings} = redisTargetFromFlags(
        {
          ...defined({
            redis: redisUrl,
            cluster: flags.cluster || file.redis?.cluster || undefined,
            sentinel: flags.sentinel ?? file.redis?.sentinel,
            'sentinel-master': flags['sentinel-master'] ?? file.redis?.sentinelMaster,
            'tls-ca': flags['tls-ca'] ?? file.redis?.tlsCa,
            'connect-timeout': flags['connect-timeout'] ?? file.redis?.connectTimeout,
            db: flags.db ?? file.redis?.db,
            replica: flags.replica || file.redis?.replica || undefined,
          }),
        },
        env,
      )
      warnings.push(...redisWarnings)
      const scanOptions = defined({
        preset: (flags.preset ?? file.redis?.preset) as RedisScanOptions['preset'],
        pattern: flags.pattern ?? file.redis?.pattern,
        namespace: flags.namespace ?? file.redis?.namespace,
        count: file.redis?.count,
        maxRate: file.redis?.maxRate,
      })
      if (scanOptions.preset && !presetNames.includes(scanOptions.preset))
        return {ok: false, error: `unknown Redis preset '${scanOptions.preset}'; known: ${presetNames.join(', ')}`}
      request.request.redis = {target, probeOnly: !redisNamed, scan: flags['redis-scan'] ?? file.redis?.scan ?? true, scanOptions}
      if (!redisNamed) warnings.push(`no source named: looking in the usual places and at ${describeTarget(target)}`)
    } catch (error) {
      return {ok: false, error: (error as Error).message}
    }
  }

  const thresholds = file.thresholds ?? {}
  const unknown = Object.keys(thresholds).filter((k) => !thresholdNames.includes(k))
  if (unknown.length > 0)
    return {ok: false, error: `unknown threshold(s) ${unknown.join(', ')} in the config file; known: ${thresholdNames.join(', ')}`}
  if (Object.keys(thresholds).length > 0) request.request.thresholds = thresholds
  return request
}

function defined<T extends Record<string, unknown>>(object: T): {[K in keyof T]?: Exclude<T[K], undefined>} {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as {[K in keyof T]?: Exclude<T[K], undefined>}
}
