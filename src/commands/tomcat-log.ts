import {Args} from '@oclif/core'
import {SessdocCommand} from '../lib/base-command.js'
import {UserError} from '../lib/errors.js'
import {windowFlags} from '../lib/flags.js'

export default class TomcatLog extends SessdocCommand {
  static override summary = 'Find session, serialization and Redis errors in Tomcat / Spring logs.'
  static override description =
    'Reads catalina.out, JULI, Spring Boot, logback/log4j2 and JSON-lines logs, joins stack traces into events, and groups serialization, Redis, session and replication errors; also finds restarts and deploys.'
  static override examples = ['<%= config.bin %> tomcat-log /opt/tomcat/logs/catalina.out', '<%= config.bin %> tomcat-log "logs/*.log.gz" --since 1d --format markdown']
  static override strict = false
  static override args = {path: Args.string({description: 'Log file, glob, .gz file or - for standard input', required: true})}
  static override flags = {...windowFlags}

  async run(): Promise<void> {
    await this.parse(TomcatLog)
    throw new UserError('sessdoc tomcat-log is not built yet (issue #4)', 'grep catalina.out for now; this command will come in a later release')
  }
}
