import {Args} from '@oclif/core'
import {SessdocCommand} from '../lib/base-command.js'
import {UserError} from '../lib/errors.js'
import {windowFlags} from '../lib/flags.js'

export default class AccessLog extends SessdocCommand {
  static override summary = 'Find broken sticky sessions in load-balancer access logs.'
  static override description =
    'Reads Apache (any LogFormat), nginx or HAProxy access logs and reports JSESSIONID route flips, unknown and missing routes, session churn and session ids in URLs.'
  static override examples = [
    '<%= config.bin %> access-log /var/log/apache2/access.log',
    '<%= config.bin %> access-log "/var/log/httpd/access_log*" --since 2h --json',
  ]
  static override strict = false
  static override args = {path: Args.string({description: 'Log file, glob, .gz file or - for standard input', required: true})}
  static override flags = {...windowFlags}

  async run(): Promise<void> {
    await this.parse(AccessLog)
    throw new UserError('sessdoc access-log is not built yet (issue #3)', 'use grep on the access log for now; this command will come in a later release')
  }
}
