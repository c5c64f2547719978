import {Args} from '@oclif/core'
import {analyzeAccessLogs} from '../core/access-log/index.js'
import {parseList} from '../core/input/parse-list.js'
import {buildReport} from '../core/report/report.js'
import {accessLogConfigFlags, accessLogConfigs, checkClickHouseUse, columnMapOf, parallelOf} from '../lib/access-log-input.js'
import {SessdocCommand} from '../lib/base-command.js'
import {UserError} from '../lib/errors.js'
import {accessLogFlags, parseSessionTimeout, wholeNumber, windowFlags} from '../lib/flags.js'

export default class AccessLog extends SessdocCommand {
  static override summary = 'Find broken sticky sessions in load-balancer access logs.'
  static override description =
    'Reads Apache (any LogFormat), nginx or HAProxy access logs and reports JSESSIONID route flips, unknown and missing routes, session churn and session ids in URLs.'
  static override examples = [
    '<%= config.bin %> access-log /var/log/apache2/access.log',
    '<%= config.bin %> access-log "/var/log/httpd/access_log*" --since 2h --json',
    '<%= config.bin %> access-log access.log --apache-conf /etc/httpd/conf.d/balancer.conf',
    '<%= config.bin %> access-log haproxy.log --log-format haproxy --workers app1,app2',
    'SESSDOC_CLICKHOUSE_PASSWORD=… <%= config.bin %> access-log clickhouse://sessdoc@ch.internal:8123/logs.access --since 2h --map time=ts,order=seq,session=jsessionid,route=worker',
  ]
  static override strict = false
  static override args = {path: Args.string({description: 'Log file, glob, .gz, - or clickhouse://host:8123/db.table', required: true})}
  static override flags = {
    ...windowFlags,
    ...accessLogFlags,
    ...accessLogConfigFlags,
    threads: wholeNumber({
      description: 'Threads for large plain files, 1 to 16 (default: the idle cores, at most 4; 1: one thread).',
      min: 1,
      max: 16,
      hint: 'e.g. --threads 4, or --threads 1 for one thread',
    }),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(AccessLog)
    const window = this.timeWindow(flags)
    const result = await analyzeAccessLogs({
      paths: argv as string[],
      window,
      logFormat: flags['log-format'],
      ...(await accessLogConfigs(flags)),
      workers: parseList(flags.workers),
      cookieName: flags.cookie,
      routeSeparator: flags['route-separator'],
      sessionTimeoutMs: parseSessionTimeout(flags['session-timeout']),
      timeZone: flags.timezone,
      ...columnMapOf(flags.map, argv as string[]),
      redact: {showSessionIds: flags['show-session-ids'], routeSeparator: flags['route-separator'] ?? '.'},
      parallel: parallelOf(flags.threads),
      signal: this.signal,
    })
    checkClickHouseUse(result, argv as string[])
    if (result.section.status === 'error' && flags['log-format'] && /log format/.test(result.section.reason ?? '')) {
      throw new UserError(result.section.reason!, 'see sessdoc access-log --help for the format names')
    }
    await this.emit(buildReport({results: [result], window}), flags)
  }
}
