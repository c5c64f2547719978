/**
 * The logs the real-server lab wrote (fixtures/lab/, test/lab/): sessdoc's figures must equal what the simulated
 * users recorded (truth.json), with the format detected, no --log-format.
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {type AccessLogOptions, type AccessLogSection, analyzeAccessLogs} from '../../src/core/access-log/index.js'
import {diagnose} from '../../src/core/diagnose/diagnose.js'

const lab = (path: string): string => fileURLToPath(new URL(`../../fixtures/lab/${path}`, import.meta.url))
const truthOf = (scenario: string): Record<string, number> & {byNode: Record<string, number>} =>
  JSON.parse(readFileSync(lab(`${scenario}/truth.json`), 'utf8'))

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

describe("Tomcat's own access logs (AccessLogValve, %S): several nodes merged give flips and misrouting without a balancer log", () => {
  const nodes = ['node1', 'node2', 'node3']
  const logs = nodes.map((n) => lab(`tomcat-nodes/${n}/logs/*access_log*`))
  const serverXmls = nodes.map((n) => lab(`tomcat-nodes/${n}/conf/server.xml`))
  const run = async (extra: Partial<AccessLogOptions>) => {
    const result = await analyzeAccessLogs({paths: logs, window: {since: null, until: null}, redact: {}, parallel: false, ...extra})
    return result.section as AccessLogSection
  }

  it.each([
    ['each node’s server.xml', {configs: serverXmls}],
    ['the folder above the nodes', {configs: [lab('tomcat-nodes')]}],
    ['--log-format with the pattern', {logFormat: '%h %l %u %t "%r" %s %b %D %S "%{JSESSIONID}c"'}],
  ])('the contract figures equal the users’ record (%s)', async (_given, extra) => {
    const truth = truthOf('tomcat-nodes')
    const section = await run(extra)
    expect(Object.fromEntries(contractFigures.map((f) => [f, section[f]]))).toEqual(
      Object.fromEntries(contractFigures.map((f) => [f, truth[f]])),
    )
    expect([section.rejected, section.routeSource]).toEqual([0, 'log-path'])
    // Each node's own name, from its path (health checks included, so not the users' counts).
    expect(Object.keys(section.routes).sort()).toEqual(Object.keys(truth.byNode).sort())
  })

  it('diagnose passes its --tomcat-conf on: the access-log section reads the pattern of server.xml', async () => {
    const report = await diagnose({
      accessLog: {paths: logs, parallel: false},
      config: {tomcatConf: [lab('tomcat-nodes')]},
      window: {since: null, until: null},
      redact: {},
    })
    const section = report.sources.accessLog as AccessLogSection
    expect([section.formatSource, section.misroutedRequests, section.sessionsLost]).toEqual([
      'config',
      truthOf('tomcat-nodes').misroutedRequests,
      truthOf('tomcat-nodes').sessionsLost,
    ])
  })

  it('the pattern comes from server.xml, not from detection', async () => {
    expect((await run({configs: serverXmls})).formatSource).toBe('config')
    // Detection alone reads the lines as httpd's common format: no session (and it says so).
    expect((await run({})).sessions).toBe(0)
  })

  it('one node’s log alone: the node from its path, losses seen on the request (%S differs from the cookie sent)', async () => {
    const result = await analyzeAccessLogs({
      paths: [logs[1]!],
      configs: [serverXmls[1]!],
      window: {since: null, until: null},
      redact: {},
      parallel: false,
    })
    const section = result.section as AccessLogSection
    expect(Object.keys(section.routes)).toEqual(['node2'])
    expect(section.sessionsLost).toBe(section.misroutedRequests)
  })
})

describe('format from evidence', () => {
  const healthChecks = (n: number, line: (i: number) => string): string => Array.from({length: n}, (_, i) => line(i)).join('\n')
  const temp = (name: string, text: string): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'sessdoc-evidence-')), name)
    writeFileSync(path, text)
    return path
  }
  const figures = (section: AccessLogSection) => Object.fromEntries(contractFigures.map((f) => [f, section[f]]))
  const expected = (scenario: string) => Object.fromEntries(contractFigures.map((f) => [f, truthOf(scenario)[f]]))
  const read = async (path: string, extra: Partial<AccessLogOptions> = {}) =>
    (await analyzeAccessLogs({paths: [path], window: {since: null, until: null}, redact: {}, parallel: false, ...extra}))
      .section as AccessLogSection

  it.each([false, true])('a log that starts with 10,000 cookie-less health checks (its httpd.conf given: %s)', async (withConf) => {
    // Answered by httpd itself: no cookie, no balancer route; over 1 MB before the first session.
    const checks = healthChecks(
      10_000,
      (i) =>
        `10.0.0.${(i % 200) + 1} - - [06/Dec/2026:01:05:${String(10 + (i % 40)).padStart(2, '0')} +0000] "GET /health HTTP/1.1" 200 2 "-" "kube-probe/1.29" "-" - - -`,
    )
    const path = temp('access.log', `${checks}\n${readFileSync(lab('apache-restart/access.log'), 'utf8')}`)
    const section = await read(path, withConf ? {configs: [lab('apache-restart/httpd.conf')]} : {})
    expect(section.detectedFormat).toBe('combined-balancer')
    expect(section.formatSource).toBe(withConf ? 'config' : 'detected')
    expect(figures(section)).toEqual(expected('apache-restart'))
  })

  it.each([false, true])('an nginx name=$var log (its nginx.conf given: %s)', async (withConf) => {
    const section = await read(lab('nginx-ip-hash/access_kv.log'), withConf ? {configs: [lab('nginx-ip-hash/nginx.conf')]} : {})
    expect(section.formatSource).toBe(withConf ? 'config' : 'detected')
    expect(figures(section)).toEqual(expected('nginx-ip-hash'))
  })

  it('a Cookie-header Apache log with BALANCER_WORKER_ROUTE, its httpd.conf given as a path: the CustomLog of that file', async () => {
    const section = await read(lab('apache-restart/access_cookie.log'), {configs: [lab('apache-restart/httpd.conf')]})
    expect([section.detectedFormat, section.formatSource]).toEqual(['cookie-header-route', 'config'])
    expect(figures(section)).toEqual(expected('apache-restart'))
  })

  it('a declared format that does not fit the log does not win: detection goes on', async () => {
    const section = await read(lab('haproxy-insert/haproxy.log'), {configs: [lab('apache-restart/httpd.conf')]})
    expect([section.detectedFormat, section.formatSource]).toEqual(['haproxy', 'detected'])
    expect(figures(section)).toEqual(expected('haproxy-insert'))
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
