import {FormatError} from '../core/access-log/log-format.js'
import {DrainCheck, type DrainResult} from '../core/drain/index.js'
import {waitUntilSafe} from '../core/drain/wait.js'
import {buildReport} from '../core/report/report.js'
import {SessdocCommand} from '../lib/base-command.js'
import {drainFlags} from '../lib/drain-flags.js'
import {UserError} from '../lib/errors.js'
import {drainProgressLine} from '../render/sections/drain.js'

export default class DrainStatus extends SessdocCommand {
  static override summary = 'Is it safe to stop this node now? Balancer state and the sessions still bound to it.'
  static override description =
    "Reads each balancer's member states (Apache balancer-manager, HAProxy stats socket or CSV; read-only) and the live access log from its end, back as far as the session timeout. Exit 0 safe, 1 wait, 2 not draining while sessions are bound, 3 cannot tell. --wait re-checks until safe."
  static override examples = [
    '<%= config.bin %> drain-status --route node2 --balancer http://127.0.0.1/balancer-manager --access-log /var/log/httpd/access_log',
    '<%= config.bin %> drain-status --route node2 --balancer unix:/run/haproxy/admin.sock --access-log /var/log/haproxy.log --wait --max-wait 40m',
  ]
  static override flags = drainFlags

  async run(): Promise<void> {
    const {flags} = await this.parse(DrainStatus)
    const given = (list: string[] | undefined): string[] => list ?? []
    if (given(flags.balancer).length === 0 && given(flags['access-log']).length === 0 && !flags['tomcat-manager'])
      throw new UserError('nothing to check', 'give --balancer (its member states) and --access-log (the sessions bound to the node)')
    const check = await DrainCheck.create({
      route: flags.route,
      balancers: given(flags.balancer),
      accessLogs: given(flags['access-log']),
      logFormat: flags['log-format'],
      cookieName: flags.cookie,
      routeSeparator: flags['route-separator'],
      timeZone: flags.timezone,
      timeoutMs: flags.timeout,
      tomcatConf: flags['tomcat-conf'],
      appConfig: flags['app-config'],
      tomcatManager: flags['tomcat-manager'],
    }).catch((error: unknown) => {
      throw error instanceof FormatError
        ? new UserError(`--log-format: ${error.message}`, 'see sessdoc access-log --help for the format names')
        : error
    })
    const progress = process.stderr.isTTY ? (r: DrainResult) => process.stderr.write(`\r\x1b[K${drainProgressLine(r.section)}`) : undefined
    const result = flags.wait
      ? await waitUntilSafe(check, {maxWaitMs: flags['max-wait'], intervalMs: flags.interval, signal: this.signal, onCheck: progress})
      : await check.check()
    if (progress) process.stderr.write('\n')
    await this.emit(buildReport({results: [{key: 'drain', ...result}]}), flags)
  }
}
