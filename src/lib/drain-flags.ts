import {Flags} from '@oclif/core'
import {durationFlag} from './flags.js'

const many = (description: string) => Flags.string({multiple: true, description})

/** The flags of drain-status (its own: no other command reads balancers). */
export const drainFlags = {
  route: Flags.string({
    required: true,
    description: 'The node: its balancer route (BalancerMember route=, HAProxy server name) = jvmRoute.',
  }),
  balancer: many('http(s)://host/balancer-manager, an HAProxy stats URL (;csv), or unix:/path/admin.sock (repeatable: two front ends).'),
  'access-log': many("The balancer's live access log, a plain file (repeatable)."),
  'log-format': Flags.string({description: 'Access-log format, as for access-log (default: detected).'}),
  cookie: Flags.string({description: 'Session cookie name (default JSESSIONID).'}),
  'route-separator': Flags.string({description: 'What separates the session id from its route (default .).'}),
  timezone: Flags.string({description: 'Time zone of log times that carry none (HAProxy).'}),
  timeout: durationFlag({
    description: 'Session timeout (default: from --tomcat-conf / --app-config, else 30m).',
    min: 1000,
    max: 30 * 86_400_000,
    hint: 'e.g. --timeout 30m',
  }),
  'tomcat-conf': many('web.xml / context.xml to read the session timeout from (repeatable).'),
  'app-config': many('Spring Boot application.yml / .properties to read the session timeout from (repeatable).'),
  'tomcat-manager': Flags.string({
    description: 'http://node:8080/manager/text (user in the URL or SESSDOC_TOMCAT_USER, password in SESSDOC_TOMCAT_PASSWORD).',
  }),
  wait: Flags.boolean({description: 'Re-check (new lines only) until safe; exit 0 when safe, 1 when --max-wait runs out.'}),
  'max-wait': durationFlag({
    description: 'How long --wait waits.',
    min: 1000,
    max: 7 * 86_400_000,
    hint: 'e.g. --max-wait 40m',
    default: 40 * 60_000,
  }),
  interval: durationFlag({
    description: 'Time between checks with --wait.',
    min: 200,
    max: 3_600_000,
    hint: 'e.g. --interval 10s',
    default: 10_000,
  }),
}
