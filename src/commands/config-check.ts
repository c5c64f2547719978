import {Flags} from '@oclif/core'
import {checkConfig} from '../core/config/index.js'
import {buildReport} from '../core/report/report.js'
import {SessdocCommand} from '../lib/base-command.js'
import {UserError} from '../lib/errors.js'

export default class ConfigCheck extends SessdocCommand {
  static override summary = 'Check Apache, Tomcat and Spring configuration for sticky-session mistakes.'
  static override description =
    'Compares Tomcat jvmRoute with the balancer routes, the sticky cookie name with the app cookie, and checks cookie flags, session timeouts, URL session tracking, session fixation and the failover path. Every finding names file and line.'
  static override examples = [
    '<%= config.bin %> config-check --apache-conf /etc/httpd/conf/httpd.conf --tomcat-conf /opt/tomcat/conf/server.xml',
    '<%= config.bin %> config-check --apache-conf haproxy.cfg --tomcat-conf node1/server.xml --tomcat-conf node2/server.xml --app-config application.yml --json',
  ]
  static override readsNoTimeWindow = 'configuration files carry no time: they are checked as they are now'
  static override flags = {
    'apache-conf': Flags.string({
      multiple: true,
      description: 'httpd.conf (Includes are followed), workers.properties, nginx.conf or haproxy.cfg; the kind is detected (repeatable).',
    }),
    'tomcat-conf': Flags.string({
      multiple: true,
      description: 'server.xml, context.xml or web.xml (repeatable: one server.xml per node to check every jvmRoute).',
    }),
    'app-config': Flags.string({multiple: true, description: 'Spring Boot application.yml or application.properties (repeatable).'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ConfigCheck)
    const given = [flags['apache-conf'], flags['tomcat-conf'], flags['app-config']].some((list) => list && list.length > 0)
    if (!given) throw new UserError('no configuration given', 'pass --apache-conf, --tomcat-conf or --app-config (each may be repeated)')
    const result = await checkConfig({
      apacheConf: flags['apache-conf'],
      tomcatConf: flags['tomcat-conf'],
      appConfig: flags['app-config'],
      redact: {showSessionIds: flags['show-session-ids']},
    })
    await this.emit(buildReport({results: [result]}), flags)
  }
}
