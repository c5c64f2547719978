import {readFile} from 'node:fs/promises'
import {isClickHouseUrl} from '../access-log/clickhouse/target.js'
import {parseSessionTimeout} from '../access-log/session-timeout.js'
import {knownRoutesFromApacheConf} from '../config/index.js'
import {asList} from '../diagnose/config-file.js'
import type {DiagnoseSettings} from '../diagnose/plan.js'
import {redisTarget} from '../redis/connection/index.js'
import {type PresetName, presetNames} from '../redis/scan/presets.js'
import type {TraceId} from './id.js'
import type {TraceOptions} from './index.js'

export type PlannedTrace = {ok: true; options: TraceOptions; warnings: string[]} | {ok: false; error: string; hint: string}

/**
 * The inputs of a trace, as diagnose takes them (flags over the config file): the access and app
 * logs, Redis only when named (never a probe of the default address), the balancer configs for the
 * known routes and LogFormats.
 */
export async function planTrace(
  id: TraceId,
  settings: DiagnoseSettings,
  base: Pick<TraceOptions, 'window' | 'redact' | 'signal'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PlannedTrace> {
  const access = settings.accessLog ?? {}
  const accessLogs = asList(access.paths) ?? []
  const appLogs = asList(settings.tomcatLog?.paths) ?? []
  if (accessLogs.length === 0 && appLogs.length === 0)
    return {
      ok: false,
      error: 'no log to trace the session in: a trace follows its requests in the access logs (and the app logs)',
      hint: settings.redisNamed
        ? 'add --access-log (the balancer log); --redis alone shows only the key, so it is read beside the logs'
        : 'give --access-log (the balancer log) and, for the app side, --tomcat-log and --redis',
    }
  const table = accessLogs.find(isClickHouseUrl)
  if (table)
    return {
      ok: false,
      error: `trace reads access-log files; ${table.replace(/\/\/[^/@]*@/, '//')} is a ClickHouse table, whose rows it does not read`,
      hint: "export the session's rows to a file (clickhouse-client … FORMAT TSVRaw) and trace that, or use access-log clickhouse://… for the aggregates",
    }
  const timeout = access.sessionTimeout ? parseSessionTimeout(access.sessionTimeout) : undefined
  if (timeout && !timeout.ok) return {ok: false, error: `--session-timeout: ${timeout.error}`, hint: 'e.g. --session-timeout 30m'}
  const warnings: string[] = []
  let redis: TraceOptions['redis']
  if (settings.redisNamed) {
    try {
      const made = redisTarget(settings.redis ?? {}, env)
      warnings.push(...made.warnings)
      const preset = settings.redis?.preset
      if (preset !== undefined && !presetNames.includes(preset as PresetName))
        return {ok: false, error: `unknown Redis preset '${preset}'`, hint: `one of ${presetNames.join(', ')}`}
      redis = {target: made.target, namespace: settings.redis?.namespace, preset: preset as PresetName | undefined}
    } catch (error) {
      return {ok: false, error: (error as Error).message, hint: 'check the Redis flags (--redis redis://host:port/db)'}
    }
  }
  const confPaths = asList(settings.config?.apacheConf) ?? (access.apacheConf ? [access.apacheConf] : [])
  const known = confPaths.length > 0 ? await knownRoutesFromApacheConf(confPaths).catch(() => null) : null
  const apacheConf = confPaths[0]
    ? await readFile(confPaths[0], 'utf8').then(
        (text) => ({path: confPaths[0]!, text}),
        () => undefined,
      )
    : undefined
  const workers = [...(asList(access.workers) ?? []), ...(known?.routes ?? [])]
  return {
    ok: true,
    warnings,
    options: {
      ...base,
      id,
      accessLogs,
      appLogs,
      redis,
      logFormat: access.logFormat,
      apacheConf,
      workers,
      cookieName: access.cookie,
      routeSeparator: access.routeSeparator,
      sessionTimeoutMs: timeout?.ok ? timeout.value : undefined,
      timeZone: settings.timezone,
    },
  }
}
