import {Args} from '@oclif/core'
import {buildReport} from '../core/report/report.js'
import {parseTraceId, traceSession} from '../core/trace/index.js'
import {planTrace} from '../core/trace/settings.js'
import {SessdocCommand} from '../lib/base-command.js'
import {diagnoseFlags, loadDiagnoseSettings, reportFlagsOf} from '../lib/diagnose-settings.js'
import {UserError} from '../lib/errors.js'

const {'redis-scan': _scan, pattern: _pattern, ...traceFlags} = diagnoseFlags

export default class Trace extends SessdocCommand {
  static override summary = 'The life of one session: its requests and nodes, id changes, app-log lines and Redis key, in time order.'
  static override description =
    'ID is the session id as the browser holds it (with or without its .route) or the sid:xxxxxxxx[.route] a sessdoc report printed. The logs are searched for the id bytes first (grep -F speed), only matching lines are parsed; the same client (address + User-Agent) is followed onto each new id. The raw id is never printed unless --show-session-ids.'
  static override examples = [
    '<%= config.bin %> trace sid:3f9a1c2e.node2 --access-log /var/log/httpd/access_log --tomcat-log "/opt/tomcat/node*/logs/catalina.out"',
    '<%= config.bin %> trace "$JSESSIONID" --access-log access.log --redis redis://redis.internal:6379 --format markdown > ticket.md',
  ]
  static override args = {
    id: Args.string({description: 'Session id (raw, with or without route) or sid:xxxxxxxx[.route].', required: true}),
  }
  static override flags = traceFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Trace)
    const settings = await loadDiagnoseSettings(flags)
    const parsed = parseTraceId(args.id, settings.accessLog?.routeSeparator ?? '.')
    if (!parsed.ok) throw new UserError(parsed.error, parsed.hint)
    const redact = {showSessionIds: flags['show-session-ids'], routeSeparator: settings.accessLog?.routeSeparator}
    const planned = await planTrace(parsed.id, settings, {window: this.timeWindow(settings), redact, signal: this.signal})
    if (!planned.ok) throw new UserError(planned.error, planned.hint)
    for (const warning of planned.warnings) this.logToStderr(`sessdoc: ${warning}`)
    const result = await traceSession(planned.options)
    await this.emit(buildReport({results: [result]}), reportFlagsOf(flags, settings))
  }
}
