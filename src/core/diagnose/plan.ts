import {MappingError, mappingOf} from '../access-log/clickhouse/mapping.js'
import {isClickHouseUrl, urlPasswordWarnings} from '../access-log/clickhouse/target.js'
import {parseSessionTimeout} from '../access-log/session-timeout.js'
import {defined} from '../defined.js'
import {describeTarget, redisTarget} from '../redis/connection/index.js'
import {presetNames, type RedisScanOptions} from '../redis/scan/index.js'
import type {Diagnosis} from '../report/types.js'
import {asList, type DiagnoseConfig, thresholdNames} from './config-file.js'
import {pickExisting, usualPlaces} from './default-inputs.js'
import type {DiagnoseRequest} from './diagnose.js'

/** What diagnose is asked for: the config file's settings with the flags over them (src/lib/diagnose-settings.ts). */
export interface DiagnoseSettings extends DiagnoseConfig {
  /** Redis was named (an address, Sentinel, Cluster, or a redis section in the config file): not a probe of the default address. */
  redisNamed: boolean
}

export type Planned =
  | {ok: true; request: Omit<DiagnoseRequest, 'window' | 'redact' | 'signal' | 'stdin'>; warnings: string[]}
  | {ok: false; error: string}

/**
 * The settings over the usual places. With no source named anywhere, diagnose looks in the usual
 * places and at redis://127.0.0.1:6379, and says what it used and skipped.
 */
export function planDiagnose(settings: DiagnoseSettings, env: NodeJS.ProcessEnv = process.env, exists?: (p: string) => boolean): Planned {
  const warnings: string[] = []
  const skipped: Diagnosis['inputs'] = []
  const {accessLog: accessSettings, redis: redisSettings} = settings
  const accessPaths = asList(accessSettings?.paths)
  const tomcatPaths = asList(settings.tomcatLog?.paths)
  const apacheConf = asList(settings.config?.apacheConf) ?? asList(accessSettings?.apacheConf)
  const tomcatConf = asList(settings.config?.tomcatConf)
  const appConfig = asList(settings.config?.appConfig)
  const redisNamed = settings.redisNamed
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

  const timeout = accessSettings?.sessionTimeout
  const parsedTimeout = timeout ? parseSessionTimeout(timeout) : undefined
  if (parsedTimeout && !parsedTimeout.ok) return {ok: false, error: `session timeout: ${parsedTimeout.error}`}
  const sessionTimeoutMs = parsedTimeout?.value
  let columnMap: ReturnType<typeof mappingOf> | undefined
  try {
    columnMap = accessSettings?.map === undefined ? undefined : mappingOf(accessSettings.map, 'accessLog.map')
  } catch (error) {
    if (error instanceof MappingError) return {ok: false, error: `${error.message}: ${error.hint}`}
    throw error
  }
  if (columnMap && !access?.some(isClickHouseUrl)) {
    warnings.push('--map (accessLog.map) names the columns of a ClickHouse table, and no access log is one: ignored')
    columnMap = undefined
  }
  warnings.push(...urlPasswordWarnings(access ?? []))
  if (access) {
    request.request.accessLog = {
      paths: access,
      ...defined({
        logFormat: accessSettings?.logFormat,
        workers: asList(accessSettings?.workers),
        cookieName: accessSettings?.cookie,
        routeSeparator: accessSettings?.routeSeparator,
        sessionTimeoutMs,
        timeZone: settings.timezone,
        columnMap,
      }),
    }
  }
  if (tomcat) request.request.tomcatLog = {paths: tomcat, ...defined({timezone: settings.tomcatLog?.timezone ?? settings.timezone})}
  if (apacheConf || tomcatConf || appConfig) request.request.config = defined({apacheConf, tomcatConf, appConfig})

  if (redisNamed || useDefaults) {
    try {
      const {target, warnings: redisWarnings} = redisTarget(redisSettings ?? {}, env)
      warnings.push(...redisWarnings)
      const scanOptions = defined({
        preset: redisSettings?.preset as RedisScanOptions['preset'],
        pattern: redisSettings?.pattern,
        namespace: redisSettings?.namespace,
        count: redisSettings?.count,
        maxRate: redisSettings?.maxRate,
      })
      if (scanOptions.preset && !presetNames.includes(scanOptions.preset))
        return {ok: false, error: `unknown Redis preset '${scanOptions.preset}'; known: ${presetNames.join(', ')}`}
      request.request.redis = {target, probeOnly: !redisNamed, scan: redisSettings?.scan ?? true, scanOptions}
      if (!redisNamed) warnings.push(`no source named: looking in the usual places and at ${describeTarget(target)}`)
    } catch (error) {
      return {ok: false, error: (error as Error).message}
    }
  }

  const thresholds = settings.thresholds ?? {}
  const unknown = Object.keys(thresholds).filter((k) => !thresholdNames.includes(k))
  if (unknown.length > 0)
    return {ok: false, error: `unknown threshold(s) ${unknown.join(', ')} in the config file; known: ${thresholdNames.join(', ')}`}
  if (Object.keys(thresholds).length > 0) request.request.thresholds = thresholds
  return request
}
