import {Args} from '@oclif/core'
import {buildReport} from '../core/report/report.js'
import {analyzeTomcatLogs} from '../core/tomcat-log/index.js'
import {SessdocCommand} from '../lib/base-command.js'
import {windowFlags} from '../lib/flags.js'

export default class TomcatLog extends SessdocCommand {
  static override summary = 'Find session, serialization and Redis errors in Tomcat / Spring logs.'
  static override description =
    'Reads catalina.out, JULI, Spring Boot, logback/log4j2 and JSON-lines logs, joins stack traces into events, and groups serialization, Redis, session and replication errors; also finds restarts and deploys.'
  static override examples = [
    '<%= config.bin %> tomcat-log /opt/tomcat/logs/catalina.out',
    '<%= config.bin %> tomcat-log "logs/*.log.gz" --since 1d --format markdown',
    '<%= config.bin %> tomcat-log app.log --timezone Europe/Berlin --json',
  ]
  static override strict = false
  static override args = {path: Args.string({description: 'Log file, glob, .gz file or - for standard input', required: true})}
  static override flags = {...windowFlags}

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(TomcatLog)
    const window = this.timeWindow(flags)
    const result = await analyzeTomcatLogs({
      paths: argv as string[],
      window,
      timezone: flags.timezone,
      redact: {showSessionIds: flags['show-session-ids']},
      signal: this.signal,
    })
    await this.emit(buildReport({results: [result], window}), flags)
  }
}
