import {Flags} from '@oclif/core'
import {SessdocCommand} from '../lib/base-command.js'
import {redisFlags, windowFlags} from '../lib/flags.js'
import {diagnose} from '../core/diagnose/diagnose.js'

export default class Diagnose extends SessdocCommand {
  static override summary = 'One triage report from every source given: access logs, app logs, Redis and configuration.'
  static override description =
    'Runs every analyzer that has an input, concurrently, and ties their findings together. With no source flags it looks in the usual places and says which it used.'
  static override examples = [
    '<%= config.bin %> diagnose --access-log fixtures/apache/access.log --tomcat-log fixtures/tomcat/catalina.out',
    '<%= config.bin %> diagnose --redis redis://redis.internal:6379 --json --output /var/lib/sessdoc/report.json',
  ]
  static override flags = {
    'access-log': Flags.string({multiple: true, description: 'Load-balancer access log: file, glob, .gz or - (repeatable).'}),
    'tomcat-log': Flags.string({multiple: true, description: 'Tomcat / Spring log: file, glob, .gz or - (repeatable).'}),
    ...windowFlags,
    ...redisFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Diagnose)
    const window = this.timeWindow(flags)
    const report = await diagnose({
      accessLogs: flags['access-log'],
      tomcatLogs: flags['tomcat-log'],
      redisUrl: flags.redis,
      window,
      signal: this.signal,
    })
    await this.emit(report, flags)
  }
}
