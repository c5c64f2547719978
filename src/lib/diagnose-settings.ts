import {Flags, type Interfaces} from '@oclif/core'
import {defined} from '../core/defined.js'
import {type DiagnoseConfig, loadDiagnoseConfig} from '../core/diagnose/config-file.js'
import type {DiagnoseSettings} from '../core/diagnose/plan.js'
import {parseList} from '../core/input/parse-list.js'
import type {BaseFlags} from './base-command.js'
import {UserError} from './errors.js'
import {accessLogFlags, redisFlags, windowFlags} from './flags.js'
import {redisSpecOf} from './redis-target.js'

/** The flags of `diagnose`: a source each, and how to read it. */
export const diagnoseFlags = {
  config: Flags.string({
    char: 'c',
    description:
      'Config file (YAML or JSON) with sources, formats, thresholds; default ./sessdoc.config.{yml,yaml,json}. Flags override it.',
  }),
  'access-log': Flags.string({
    multiple: true,
    description: 'Load-balancer access log: file, glob, .gz, - or a ClickHouse table clickhouse://host:8123/db.table (repeatable).',
    helpGroup: 'ACCESS LOG',
  }),
  ...accessLogFlags,
  'tomcat-log': Flags.string({
    multiple: true,
    description: 'Tomcat / Spring log: file, glob, .gz or - (repeatable).',
    helpGroup: 'APP LOG',
  }),
  'apache-conf': Flags.string({
    multiple: true,
    description: 'httpd.conf, workers.properties, nginx.conf or haproxy.cfg (repeatable).',
    helpGroup: 'CONFIG',
  }),
  'tomcat-conf': Flags.string({multiple: true, description: 'server.xml, context.xml or web.xml (repeatable).', helpGroup: 'CONFIG'}),
  'app-config': Flags.string({
    multiple: true,
    description: 'Spring Boot application.yml / .properties (repeatable).',
    helpGroup: 'CONFIG',
  }),
  'redis-scan': Flags.boolean({
    allowNo: true,
    description: 'Also SCAN the session keys (default on; --no-redis-scan reads INFO only).',
    helpGroup: 'REDIS',
  }),
  preset: Flags.string({description: 'Session-store layout in Redis (default: detected).', helpGroup: 'REDIS'}),
  namespace: Flags.string({
    description: 'Spring Session namespace (default: any <ns>:sessions:<id>, usually spring:session).',
    helpGroup: 'REDIS',
  }),
  pattern: Flags.string({description: 'SCAN MATCH glob whose keys are all sessions.', helpGroup: 'REDIS'}),
  ...windowFlags,
  ...redisFlags,
}

export type DiagnoseFlagValues = Partial<Interfaces.InferredFlags<typeof diagnoseFlags> & BaseFlags>

/** The config file (--config, else ./sessdoc.config.*) with the flags over it; an unreadable file is a usage error. */
export async function loadDiagnoseSettings(flags: DiagnoseFlagValues): Promise<DiagnoseSettings> {
  const loaded = await loadDiagnoseConfig(flags.config)
  if (!loaded.ok) throw new UserError(loaded.error, 'fix the config file (see the README, "Scheduled audits")')
  return mergeDiagnoseSettings(flags, loaded.value.config)
}

/** Flags over the config file, in the config file's names; what neither sets is left to planDiagnose's defaults. */
export function mergeDiagnoseSettings(flags: DiagnoseFlagValues, file: DiagnoseConfig): DiagnoseSettings {
  return {
    ...file,
    accessLog: {
      ...file.accessLog,
      ...defined({
        paths: flags['access-log'],
        logFormat: flags['log-format'],
        workers: parseList(flags.workers),
        cookie: flags.cookie,
        routeSeparator: flags['route-separator'],
        sessionTimeout: flags['session-timeout'],
        map: flags.map,
      }),
    },
    tomcatLog: {...file.tomcatLog, ...defined({paths: flags['tomcat-log'], timezone: flags.timezone})},
    config: {
      ...file.config,
      ...defined({apacheConf: flags['apache-conf'], tomcatConf: flags['tomcat-conf'], appConfig: flags['app-config']}),
    },
    redis: {
      ...file.redis,
      ...defined({
        ...redisSpecOf({...flags, redis: flags.redis ?? file.redis?.url}),
        // A switch not given leaves the config file's `true`.
        cluster: flags.cluster || undefined,
        replica: flags.replica || undefined,
        scan: flags['redis-scan'],
        preset: flags.preset,
        pattern: flags.pattern,
        namespace: flags.namespace,
      }),
    },
    redisNamed: Boolean(flags.redis || flags.host || flags.port || flags.sentinel || flags.cluster || file.redis),
    ...defined({since: flags.since, until: flags.until, timezone: flags.timezone, format: flags.format, output: flags.output}),
    // --fail-on defaults to warning, so only another value tells that it was given.
    failOn: flags['fail-on'] === 'warning' && file.failOn ? file.failOn : flags['fail-on'],
  }
}

/** The output flags with the config file's format, output and fail-on where no flag set them. */
export function reportFlagsOf(flags: BaseFlags, settings: DiagnoseSettings): BaseFlags {
  return {...flags, format: settings.format, output: settings.output, 'fail-on': settings.failOn ?? flags['fail-on']}
}
