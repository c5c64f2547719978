/**
 * The logs the real-server lab wrote (fixtures/lab/, test/lab/): sessdoc's figures must equal what the simulated
 * users recorded (truth.json), with the format detected, no --log-format.
 */
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {type AccessLogOptions, type AccessLogSection, analyzeAccessLogs} from '../../src/core/access-log/index.js'

const lab = (path: string): string => fileURLToPath(new URL(`../../fixtures/lab/${path}`, import.meta.url))
const truthOf = (scenario: string): Record<string, number> => JSON.parse(readFileSync(lab(`${scenario}/truth.json`), 'utf8'))

async function analyze(path: string, extra: Partial<AccessLogOptions> = {}) {
  const result = await analyzeAccessLogs({paths: [lab(path)], window: {since: null, until: null}, redact: {}, parallel: false, ...extra})
  return {section: result.section as AccessLogSection, ids: result.findings.map((f) => f.id), findings: result.findings}
}

const contractFigures = ['requestsWithSession', 'sessions', 'routeFlips', 'sessionsWithFlips', 'misroutedRequests', 'sessionsLost'] as const

describe('lab logs: the contract figures equal the users’ record', () => {
  it.each([
    ['apache-restart', 'access.log'],
    ['apache-restart', 'access_cookie.log'],
    ['apache-jvmroute-mismatch', 'access.log'],
    ['apache-jvmroute-mismatch', 'access_cookie.log'],
    ['haproxy-insert', 'haproxy.log'],
    ['haproxy-prefix', 'haproxy.log'],
    ['nginx-ip-hash', 'access.log'],
    ['nginx-ip-hash', 'access_kv.log'],
  ])('%s/%s', async (scenario, file) => {
    const truth = truthOf(scenario)
    const {section} = await analyze(`${scenario}/${file}`)
    const figures = Object.fromEntries(contractFigures.map((f) => [f, section[f]]))
    expect(figures).toEqual(Object.fromEntries(contractFigures.map((f) => [f, truth[f]])))
  })

  it('node1 back with jvmRoute tomcat1 behind route=node1: with the httpd.conf given, still no flip, no loss', async () => {
    const conf = lab('apache-jvmroute-mismatch/httpd.conf')
    const {section} = await analyze('apache-jvmroute-mismatch/access.log', {apacheConf: {path: conf, text: readFileSync(conf, 'utf8')}})
    expect([section.routeFlips, section.misroutedRequests, section.sessionsLost]).toEqual([0, 0, 0])
  })

  it('the restart finding leads with the users who lost their session', async () => {
    const {findings} = await analyze('apache-restart/access.log')
    const flip = findings.find((f) => f.id === 'access.route-flip')
    expect(flip?.detail).toMatch(/^4 users lost their session: 4 /)
  })

  it('HAProxy server DOWN/UP lines are balancer events, not unparsed lines', async () => {
    const {section, ids} = await analyze('haproxy-insert/haproxy.log')
    expect(ids).not.toContain('access.unparsed-lines')
    expect(section.rejected).toBe(0)
    expect(section.balancerEvents?.map((e) => [e.server, e.state])).toEqual([
      ['be/node2', 'down'],
      ['be/node2', 'up'],
    ])
  })
})
