import {describe, expect, it} from 'vitest'
import type {Report} from '../../src/core/report/types.js'
import {runCli} from '../helpers/run-cli.js'

// Through the real binary (dist/, built by npm test): routing, --json, exit codes.
describe('sessdoc config-check (binary)', () => {
  it('a jvmRoute mismatch: --json report, exit 2', async () => {
    const tree = 'fixtures/config/jvmroute-mismatch'
    const {stdout, code} = await runCli([
      'config-check',
      '--apache-conf',
      `${tree}/httpd/conf/httpd.conf`,
      '--tomcat-conf',
      `${tree}/tomcat/context.xml`,
      '--tomcat-conf',
      `${tree}/tomcat/node1/server.xml`,
      '--tomcat-conf',
      `${tree}/tomcat/node2/server.xml`,
      '--json',
    ])
    expect(code).toBe(2)
    const report = JSON.parse(stdout) as Report
    expect(report.findings.map((f) => f.id)).toEqual(['config.jvmroute-mismatch'])
    expect(report.sources.config?.status).toBe('analyzed')
  })

  it('no flag: exit 3 with a hint', async () => {
    const {stderr, code} = await runCli(['config-check'])
    expect(code).toBe(3)
    expect(stderr.trim().split('\n')).toEqual([
      'Error: no configuration given',
      'Hint: pass --apache-conf, --tomcat-conf or --app-config (each may be repeated)',
    ])
  })
})
