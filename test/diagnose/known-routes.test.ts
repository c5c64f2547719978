import {describe, expect, it} from 'vitest'
import type {AccessLogSection, Report} from '../../src/core/report/types.js'
import {runCli} from '../helpers/run-cli.js'

const log = 'fixtures/access-log/apache-cookie.log'
const httpd = 'fixtures/config/consistent/httpd/conf/httpd.conf'

describe('diagnose takes the known workers from --apache-conf', () => {
  it('raises access.unknown-route for a route no BalancerMember has', async () => {
    const run = await runCli(['diagnose', '--access-log', log, '--apache-conf', httpd, '--json'])
    const report = JSON.parse(run.stdout) as Report
    expect((report.sources.accessLog as AccessLogSection | undefined)?.knownWorkers).toEqual(['node1', 'node2'])
    const unknown = report.findings.find((f) => f.id === 'access.unknown-route')
    expect(unknown?.detail).toMatch(/node3/)
    expect(report.sources.config?.status).toBe('analyzed')
  })

  it('without a config or --workers the check cannot run', async () => {
    const run = await runCli(['diagnose', '--access-log', log, '--json'])
    const report = JSON.parse(run.stdout) as Report
    expect(report.findings.map((f) => f.id)).not.toContain('access.unknown-route')
  })
})
