import {describe, expect, it} from 'vitest'
import {checkConfig, knownRoutesFromApacheConf} from '../../src/core/config/index.js'
import {findingCatalog} from '../../src/core/report/catalog.js'
import {buildReport} from '../../src/core/report/report.js'
import {expectValidReport} from '../helpers/schema.js'
import {figuresOf} from '../helpers/sections.js'
import {plantedTrees, treeOptions} from './trees.js'

describe('config fixture trees', () => {
  it('the consistent tree yields no findings and the expected figures', async () => {
    const result = await checkConfig(treeOptions('consistent'))
    expect(result.findings).toEqual([])
    const s = figuresOf(result)
    expect(s.status).toBe('analyzed')
    expect(s.errors).toBeUndefined()
    expect(s.files).toBe(8)
    expect(s.jvmRoutes).toEqual(['node1', 'node2'])
    expect(s.cookieName).toBe('JSESSIONID')
    expect(s.sessionTimeoutSeconds).toBe(1800)
    expect(s.sessionStore).toBe('redis')
    expect(s.managerClass).toBe('org.redisson.tomcat.RedissonSessionManager')
    expect(s.balancers).toHaveLength(1)
    expect(s.balancers[0]).toMatchObject({
      name: 'shop',
      kind: 'mod_proxy',
      location: 'fixtures/config/consistent/httpd/conf.d/shop.conf:4',
      routes: ['node1', 'node2'],
      sticky: 'JSESSIONID|jsessionid',
      stickyMode: 'route-suffix',
      lbmethod: 'byrequests',
    })
    expect(s.logFormats.map((f) => [f.nickname, f.showsSessionCookie])).toEqual([
      ['combined', false],
      ['sessions', true],
    ])
    const report = buildReport({results: [result]})
    expect(report.status).toBe('ok')
    expectValidReport(JSON.parse(JSON.stringify(report)))
  })

  it.each(plantedTrees)('the %s tree yields exactly its finding', async (tree, id, severity) => {
    const result = await checkConfig(treeOptions(tree))
    expect(result.section.errors).toBeUndefined()
    expect(result.findings.map((f) => [f.id, f.severity])).toEqual([[id, severity]])
    const finding = result.findings[0]!
    expect(finding.source).toBe('config')
    expect(finding.title).toBe(findingCatalog[id].title)
    // Every finding names file and line, in its detail and in its evidence.
    expect(finding.detail).toMatch(new RegExp(`fixtures/config/${tree}/[^ ]+:\\d+`))
    const locations = finding.evidence.locations as string[]
    expect(locations.length).toBeGreaterThan(0)
    for (const location of locations) expect(location).toMatch(new RegExp(`^fixtures/config/${tree}/.+:\\d+$`))
  })

  it('points at the exact lines of the planted mistakes', async () => {
    const lines = async (tree: string): Promise<string[]> =>
      (await checkConfig(treeOptions(tree))).findings[0]!.evidence.locations as string[]
    expect(await lines('jvmroute-mismatch')).toEqual([
      'fixtures/config/jvmroute-mismatch/tomcat/node2/server.xml:11',
      'fixtures/config/jvmroute-mismatch/httpd/conf.d/shop.conf:6',
    ])
    expect(await lines('cookie-flags')).toEqual(['fixtures/config/cookie-flags/tomcat/web.xml:11'])
    expect(await lines('url-session-tracking')).toEqual(['fixtures/config/url-session-tracking/tomcat/web.xml:13'])
    expect(await lines('session-timeout')).toEqual(['fixtures/config/session-timeout/app/application.yml:8'])
    expect(await lines('session-fixation')).toEqual(['fixtures/config/session-fixation/tomcat/context.xml:5'])
    expect(await lines('sticky-cookie-mismatch')).toEqual([
      'fixtures/config/sticky-cookie-mismatch/httpd/conf.d/shop.conf:7',
      'fixtures/config/sticky-cookie-mismatch/tomcat/web.xml:10',
    ])
  })

  it('no input readable at all is an error section with a reason', async () => {
    const result = await checkConfig({tomcatConf: ['fixtures/config/does-not-exist.xml'], redact: {}})
    expect(result.section.status).toBe('error')
    expect(result.section.reason).toMatch(/does-not-exist\.xml does not exist: check the path/)
    expect(result.findings).toEqual([])
    expect(buildReport({results: [result]}).status).toBe('unknown')
  })

  it('a binary file is refused with a message, not read as config', async () => {
    const {mkdtemp, writeFile, rm} = await import('node:fs/promises')
    const {gzipSync} = await import('node:zlib')
    const dir = await mkdtemp(`${(await import('node:os')).tmpdir()}/sessdoc-cfg-`)
    try {
      await writeFile(`${dir}/server.xml.gz`, gzipSync('<Server/>'))
      const result = await checkConfig({tomcatConf: [`${dir}/server.xml.gz`], redact: {}})
      expect(result.section.status).toBe('error')
      expect(result.section.reason).toContain('server.xml.gz is not a text file (compressed or binary?)')
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('no input at all says which flags to pass', async () => {
    const result = await checkConfig({redact: {}})
    expect(result.section).toMatchObject({status: 'error', reason: expect.stringMatching(/--apache-conf/)})
  })
})

describe('knownRoutesFromApacheConf', () => {
  it('gives the routes, the sticky cookie and the LogFormats of the consistent tree', async () => {
    const known = await knownRoutesFromApacheConf(['fixtures/config/consistent/httpd/conf/httpd.conf'])
    expect(known.routes).toEqual(['node1', 'node2'])
    expect(known.stickyCookie).toBe('JSESSIONID')
    expect(known.logFormats).toEqual({
      combined: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
      sessions: '%h %l %u %t "%r" %>s %b %D "%{JSESSIONID}C" %{BALANCER_WORKER_ROUTE}e',
    })
    expect(known.errors).toEqual([])
  })

  it('reads mod_jk, nginx and HAProxy configs too', async () => {
    const known = await knownRoutesFromApacheConf(['fixtures/config/balancers/workers.properties', 'fixtures/config/balancers/haproxy.cfg'])
    expect(known.routes).toEqual(['node1', 'node2', 's1', 's2'])
    expect(known.stickyCookie).toBe('JSESSIONID')
  })

  it('a missing file is an error, not a throw', async () => {
    const known = await knownRoutesFromApacheConf(['fixtures/config/nope/httpd.conf'])
    expect(known.routes).toEqual([])
    expect(known.errors).toHaveLength(1)
  })
})

describe('directories and layouts', () => {
  it('a Debian apache2.conf without ServerRoot: includes are relative to its directory', async () => {
    const result = await checkConfig({apacheConf: ['fixtures/config/debian/apache2/apache2.conf'], redact: {}})
    expect(result.section.errors).toBeUndefined()
    expect(figuresOf(result).filesRead.map((f) => f.file)).toEqual([
      'fixtures/config/debian/apache2/apache2.conf',
      'fixtures/config/debian/apache2/mods-enabled/proxy_balancer.load',
      'fixtures/config/debian/apache2/ports.conf',
      'fixtures/config/debian/apache2/sites-enabled/000-shop.conf',
    ])
    expect(figuresOf(result).balancers.map((b) => [b.name, b.routes, b.sticky])).toEqual([
      ['shop', ['app1', 'app2'], 'JSESSIONID|jsessionid'],
    ])
  })

  it('a directory stands for the config files in their usual places inside it', async () => {
    const result = await checkConfig({
      apacheConf: ['fixtures/config/consistent/httpd'],
      tomcatConf: [
        'fixtures/config/consistent/tomcat',
        'fixtures/config/consistent/tomcat/node1',
        'fixtures/config/consistent/tomcat/node2',
      ],
      appConfig: ['fixtures/config/consistent/app'],
      redact: {},
    })
    expect(result.findings).toEqual([])
    expect(figuresOf(result).files).toBe(8)
    expect(figuresOf(result).jvmRoutes).toEqual(['node1', 'node2'])
  })

  it("a Tomcat directory of nodes stands for every node's server.xml", async () => {
    const result = await checkConfig({
      apacheConf: ['fixtures/config/jvmroute-mismatch/httpd'],
      tomcatConf: ['fixtures/config/jvmroute-mismatch/tomcat'],
      appConfig: ['fixtures/config/jvmroute-mismatch/app'],
      redact: {},
    })
    expect(result.findings.map((f) => f.id)).toEqual(['config.jvmroute-mismatch'])
  })

  it('a directory with no config file in it is an error that says what was looked for', async () => {
    const result = await checkConfig({tomcatConf: ['fixtures/config/debian'], appConfig: ['fixtures/config/consistent/app'], redact: {}})
    expect(result.section.errors?.map((e) => e.message)).toEqual([
      'fixtures/config/debian is a directory with none of server.xml, context.xml, web.xml (also in conf/, WEB-INF/, META-INF/): give the config file itself',
    ])
  })
})
