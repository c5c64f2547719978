/** `sources` of schema/report.schema.json admits no unknown key: drain-status's and watch's reports must validate. */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import DrainStatus from '../../src/commands/drain-status.js'
import Watch from '../../src/commands/watch.js'
import {runCommand} from '../helpers/run-command.js'
import {expectValidReport} from '../helpers/schema.js'
import {haproxyLines, tempDir, write} from './helpers.js'

describe('the JSON report schema', () => {
  it('admits a drain-status --json report (sources.drain, drain.* findings)', async () => {
    const file = join(tempDir(), 'haproxy.log')
    write(file, haproxyLines)
    const run = await runCommand(DrainStatus, ['--route', 'node2', '--access-log', file, '--timezone', 'UTC', '--json'])
    const report = JSON.parse(run.stdout)
    expect(report.sources.drain.route).toBe('node2')
    expectValidReport(report)
  })

  it('admits a watch --json report (sources.watch beside sources.accessLog, watch.* findings), live lines on stderr', async () => {
    const file = join(tempDir(), 'haproxy.log')
    write(file, haproxyLines)
    const args = ['--access-log', file, '--from-start', '--interval', '1s', '--duration', '1s', '--timezone', 'UTC', '--json']
    const run = await runCommand(Watch, [...args, '--max-lost', '0'])
    const report = JSON.parse(run.stdout)
    expect(report.sources.watch).toMatchObject({stoppedBy: 'max-lost', totals: {lost: 4}})
    expect(report.sources.accessLog.sessionsLost).toBe(4)
    expect(report.findings.map((f: {id: string}) => f.id)).toContain('watch.max-lost')
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/requests, \d+ flips, \d+ misrouted, 4 lost/)
    expectValidReport(report)
    // --fail-on never silences the findings, not a threshold crossed.
    expect((await runCommand(Watch, [...args, '--max-lost', '3', '--fail-on', 'never'])).code).toBe(2)
    expect((await runCommand(Watch, [...args, '--max-lost', '4', '--fail-on', 'never'])).code).toBe(0)
    const quiet = await runCommand(Watch, args)
    expect(JSON.parse(quiet.stdout).sources.watch.stoppedBy).toBe('duration')
    expectValidReport(JSON.parse(quiet.stdout))
  })
})
