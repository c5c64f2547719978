import {Flags} from '@oclif/core'
import {SessdocCommand} from '../lib/base-command.js'
import {UserError} from '../lib/errors.js'

export default class ConfigCheck extends SessdocCommand {
  static override summary = 'Check Apache, Tomcat and Spring configuration for sticky-session mistakes.'
  static override description =
    'Compares Tomcat jvmRoute with the balancer routes, the sticky cookie name with the app cookie, and checks cookie flags, session timeouts, URL session tracking and the failover path.'
  static override examples = ['<%= config.bin %> config-check --apache-conf /etc/httpd/conf/httpd.conf --tomcat-conf /opt/tomcat/conf/server.xml']
  static override flags = {
    'apache-conf': Flags.string({multiple: true, description: 'httpd.conf (Includes are followed), nginx.conf, haproxy.cfg or workers.properties'}),
    'tomcat-conf': Flags.string({multiple: true, description: 'server.xml, context.xml or web.xml'}),
    'app-config': Flags.string({multiple: true, description: 'Spring Boot application.yml or application.properties'}),
  }

  async run(): Promise<void> {
    await this.parse(ConfigCheck)
    throw new UserError('sessdoc config-check is not built yet (issue #9)', 'this command will come in a later release')
  }
}
