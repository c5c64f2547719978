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
  const confOf = (scenario: string) => ({apacheConf: {path: 'httpd.conf', text: readFileSync(lab(`${scenario}/httpd.conf`), 'utf8')}})
  it.each([
    ['apache-restart', 'access.log', false],
    ['apache-restart', 'access_cookie.log', true],
    ['apache-jvmroute-mismatch', 'access.log', false],
    ['apache-jvmroute-mismatch', 'access_cookie.log', true],
    ['haproxy-insert', 'haproxy.log', false],
    ['haproxy-prefix', 'haproxy.log', false],
    ['nginx-ip-hash', 'access.log', false],
    ['nginx-ip-hash', 'access_kv.log', false],
  ])('%s/%s (its httpd.conf given: %s)', async (scenario, file, withConf) => {
    const truth = truthOf(scenario)
    const {section} = await analyze(`${scenario}/${file}`, withConf ? confOf(scenario) : {})
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

describe('routes cannot be flooded', () => {
  it('500 made-up routes before a log leave its flip count unchanged', async () => {
    const {mkdtempSync, writeFileSync} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const {join} = await import('node:path')
    const log = readFileSync(lab('apache-restart/access.log'), 'utf8')
    const junk = Array.from(
      {length: 500},
      (_, i) =>
        `10.9.9.9 - - [06/Dec/2026:01:05:58 +0000] "GET / HTTP/1.1" 200 5 "-" "flood" "${(i * 7919).toString(16).padStart(32, '0')}.junk${i}" - - -`,
    ).join('\n')
    const path = join(mkdtempSync(join(tmpdir(), 'sessdoc-flood-')), 'access.log')
    writeFileSync(path, `${junk}\n${log}`)
    const plain = (await analyze('apache-restart/access.log')).section
    const result = await analyzeAccessLogs({paths: [path], window: {since: null, until: null}, redact: {}, parallel: false})
    const flooded = result.section as AccessLogSection
    expect(flooded.sessions).toBe(plain.sessions + 500)
    expect([flooded.routeFlips, flooded.sessionsWithFlips, flooded.misroutedRequests, flooded.sessionsLost]).toEqual([
      plain.routeFlips,
      plain.sessionsWithFlips,
      plain.misroutedRequests,
      plain.sessionsLost,
    ])
    expect(plain.routeFlips).toBe(4)
  })
})
