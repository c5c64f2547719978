import {Flags} from '@oclif/core'
import {loadDiagnoseConfig} from '../core/diagnose/config-file.js'
import {diagnose} from '../core/diagnose/diagnose.js'
import {planDiagnose} from '../core/diagnose/plan.js'
import {SessdocCommand} from '../lib/base-command.js'
import {UserError} from '../lib/errors.js'
import {accessLogFlags, redisFlags, windowFlags} from '../lib/flags.js'

export default class Diagnose extends SessdocCommand {
  static override summary = 'One triage report from every source given: access logs, app logs, Redis and configuration.'
  static override description =
    'Runs every analyzer that has an input, concurrently, ties their findings together (flips after restarts, Redis errors with logouts, the session strategy) and ranks the likely causes. With no source named it looks in the usual places and says which it used.'
  static override examples = [
    '<%= config.bin %> diagnose --access-log fixtures/demo/access.log --tomcat-log "fixtures/demo/node*/catalina.out"',
    '<%= config.bin %> diagnose --redis redis://redis.internal:6379 --json --output /var/lib/sessdoc/report.json',
    '<%= config.bin %> diagnose --config /etc/sessdoc/sessdoc.config.yml --format prometheus --output /var/lib/node_exporter/sessdoc.prom',
  ]
  static override flags = {
    config: Flags.string({
      char: 'c',
      description:
        'Config file (YAML or JSON) with sources, formats, thresholds; default ./sessdoc.config.{yml,yaml,json}. Flags override it.',
    }),
    'access-log': Flags.string({
      multiple: true,
      description: 'Load-balancer access log: file, glob, .gz or - (repeatable).',
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

  async run(): Promise<void> {
    const {flags} = await this.parse(Diagnose)
    const loaded = await loadDiagnoseConfig(flags.config)
    if (!loaded.ok) throw new UserError(loaded.error, 'fix the config file (see the README, "Scheduled audits")')
    const file = loaded.value.config
    const merged = {
      ...flags,
      format: flags.format ?? file.format,
      output: flags.output ?? file.output,
      'fail-on': flags['fail-on'] === 'warning' && file.failOn ? file.failOn : flags['fail-on'],
    }
    const window = this.timeWindow({
      since: flags.since ?? file.since,
      until: flags.until ?? file.until,
      timezone: flags.timezone ?? file.timezone,
    })
    const planned = planDiagnose(flags, file)
    if (!planned.ok) throw new UserError(planned.error, 'check the flags and the config file')
    for (const warning of planned.warnings) this.logToStderr(`sessdoc: ${warning}`)
    const report = await diagnose({
      ...planned.request,
      window,
      redact: {showSessionIds: flags['show-session-ids'], routeSeparator: flags['route-separator'] ?? file.accessLog?.routeSeparator},
      signal: this.signal,
    })
    await this.emit(report, merged)
  }
}
