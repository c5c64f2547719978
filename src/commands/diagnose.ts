import {diagnose} from '../core/diagnose/diagnose.js'
import {planDiagnose} from '../core/diagnose/plan.js'
import {SessdocCommand} from '../lib/base-command.js'
import {diagnoseFlags, loadDiagnoseSettings, reportFlagsOf} from '../lib/diagnose-settings.js'
import {UserError} from '../lib/errors.js'

export default class Diagnose extends SessdocCommand {
  static override summary = 'One triage report from every source given: access logs, app logs, Redis and configuration.'
  static override description =
    'Runs every analyzer that has an input, concurrently, ties their findings together (flips after restarts, Redis errors with logouts, the session strategy) and ranks the likely causes. With no source named it looks in the usual places and says which it used.'
  static override examples = [
    '<%= config.bin %> diagnose --access-log fixtures/demo/access.log --tomcat-log "fixtures/demo/node*/catalina.out"',
    '<%= config.bin %> diagnose --redis redis://redis.internal:6379 --json --output /var/lib/sessdoc/report.json',
    '<%= config.bin %> diagnose --config /etc/sessdoc/sessdoc.config.yml --format prometheus --output /var/lib/node_exporter/sessdoc.prom',
  ]
  static override flags = diagnoseFlags

  async run(): Promise<void> {
    const {flags} = await this.parse(Diagnose)
    const settings = await loadDiagnoseSettings(flags)
    const window = this.timeWindow(settings)
    const planned = planDiagnose(settings)
    if (!planned.ok) throw new UserError(planned.error, 'check the flags and the config file')
    // On stderr under --json too (oclif keeps logToStderr quiet there): a password in ps must not go unnoticed.
    for (const warning of planned.warnings) process.stderr.write(`sessdoc: ${warning}\n`)
    const report = await diagnose({
      ...planned.request,
      window,
      redact: {showSessionIds: flags['show-session-ids'], routeSeparator: settings.accessLog?.routeSeparator},
      signal: this.signal,
    })
    await this.emit(report, reportFlagsOf(flags, settings))
  }
}
