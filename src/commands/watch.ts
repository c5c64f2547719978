import {ExitCode} from '../core/report/exit-code.js'
import {buildReport} from '../core/report/report.js'
import {watch} from '../core/watch/index.js'
import {SessdocCommand} from '../lib/base-command.js'
import {liveWriter, watchFlags, watchOptions, watchUsageError} from '../lib/watch-flags.js'

/** Never aborted: for a watch a signal is a way to end, not an interruption (the report covers the whole watched period). */
const notInterrupted = new AbortController().signal

export default class Watch extends SessdocCommand {
  static override summary =
    'Follow the access log live during a deploy: flips, misrouted requests and lost sessions per node as they happen.'
  static override description =
    "Follows the access logs like tail -F from their end (--from-start to replay), through rotation and truncation, with access-log's analysis. Every --interval one line: requests, flips, misrouted requests and sessions lost, per route; node stops and starts (--tomcat-log) and balancer member changes (--balancer) as they appear. --max-lost / --max-misrouted exit 2 as soon as the threshold is crossed; --duration, Ctrl-C or SIGTERM end it too. It ends with the full report of the watched period (sources.watch.stoppedBy says why)."
  static override examples = [
    '<%= config.bin %> watch --access-log /var/log/httpd/access_log --max-lost 0 --duration 10m',
    '<%= config.bin %> watch --access-log /var/log/haproxy.log --tomcat-log /opt/node2/logs/catalina.out --balancer unix:/run/haproxy/admin.sock --json',
  ]
  static override flags = watchFlags

  protected override get signal(): AbortSignal {
    return notInterrupted
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Watch)
    const format = flags.json ? 'json' : (flags.format ?? 'text')
    const options = watchOptions(flags, this.abortController.signal, liveWriter(format, flags.output))
    const results = await watch(options).catch(watchUsageError)
    await this.emit(buildReport({results}), flags)
    // A threshold crossed exits 2 whatever --fail-on says: a deploy script stops its rollout on it.
    const stopped = this.report?.sources.watch
    if (stopped && 'stoppedBy' in stopped && stopped.stoppedBy.startsWith('max-')) process.exitCode = ExitCode.critical
  }
}
