import {describe, expect, it} from 'vitest'
import {sessionStore} from '../../src/core/config/model.js'
import {classifyManager, readTomcatXml} from '../../src/core/config/tomcat.js'
import {type AppFacts, emptyAppFacts} from '../../src/core/config/types.js'

function read(text: string, file = 'server.xml'): {facts: AppFacts; kind: string; errors: string[]} {
  const facts = emptyAppFacts()
  const result = readTomcatXml(text, file, facts)
  return {facts, kind: result.kind, errors: result.errors.map((e) => e.message)}
}

describe('Tomcat XML', () => {
  it('server.xml with a Cluster: replication (DeltaManager by default), the JvmRouteBinderValve, the jvmRoute', () => {
    const {facts, kind} = read(
      '<Server>\n<Service>\n<Engine name="Catalina" jvmRoute="n1">\n<Cluster className="org.apache.catalina.ha.tcp.SimpleTcpCluster">\n<Valve className="org.apache.catalina.ha.session.JvmRouteBinderValve"/>\n</Cluster>\n</Engine>\n</Service>\n</Server>',
    )
    expect(kind).toBe('server.xml')
    expect(facts.jvmRoutes).toEqual([{value: 'n1', file: 'server.xml', line: 3}])
    expect(facts.clusters).toEqual([{file: 'server.xml', line: 4}])
    expect(facts.jvmRouteBinderValves).toHaveLength(1)
    expect(sessionStore(facts.storeHints).store).toBe('replication')
  })

  it('a Manager inside the Cluster without className is a DeltaManager; BackupManager is replication', () => {
    const {facts} = read(
      '<Server><Engine jvmRoute="a"><Cluster><Manager className="org.apache.catalina.ha.session.BackupManager"/></Cluster></Engine></Server>',
    )
    expect(facts.managers.map((m) => m.kind)).toEqual(['backup'])
    expect(sessionStore(facts.storeHints).store).toBe('replication')
  })

  it.each([
    ['org.apache.catalina.session.StandardManager', 'standard'],
    ['org.apache.catalina.session.PersistentManager', 'persistent'],
    ['org.apache.catalina.ha.session.DeltaManager', 'delta'],
    ['org.redisson.tomcat.RedissonSessionManager', 'redis'],
    ['com.orangefunction.tomcat.redissessions.RedisSessionManager', 'redis'],
    ['de.javakaffee.web.msm.MemcachedBackupSessionManager', 'memcached'],
    ['com.example.OurManager', 'other'],
  ])('Manager %s is %s', (className, kind) => {
    expect(classifyManager(className)).toBe(kind)
  })

  it('context.xml: cookie name, HttpOnly off, SameSite, the fixation valve, no Manager = StandardManager by default', () => {
    const {facts, kind} = read(
      '<Context sessionCookieName="SID" useHttpOnly="false">\n  <CookieProcessor sameSiteCookies="strict"/>\n  <Valve className="org.apache.catalina.authenticator.BasicAuthenticator" changeSessionIdOnAuthentication="false"/>\n</Context>',
      'context.xml',
    )
    expect(kind).toBe('context.xml')
    expect(facts.cookieNames).toEqual([{value: 'SID', file: 'context.xml', line: 1}])
    expect(facts.httpOnly).toEqual([{value: false, file: 'context.xml', line: 1}])
    expect(facts.sameSite.map((s) => s.value)).toEqual(['strict'])
    expect(facts.fixationOff.map((f) => f.line)).toEqual([3])
    expect(facts.storeHints).toEqual([expect.objectContaining({store: 'node-local', implicit: true, line: 1})])
  })

  it('web.xml: timeout in minutes, cookie-config, the Servlet 6 SameSite attribute, tracking modes', () => {
    const {facts, kind} = read(
      [
        '<web-app>',
        '<session-config>',
        '<session-timeout>45</session-timeout>',
        '<cookie-config><name>SID</name><http-only>true</http-only><secure>false</secure>',
        '<attribute><attribute-name>SameSite</attribute-name><attribute-value>Lax</attribute-value></attribute>',
        '</cookie-config>',
        '<tracking-mode>cookie</tracking-mode>',
        '</session-config>',
        '</web-app>',
      ].join('\n'),
      'web.xml',
    )
    expect(kind).toBe('web.xml')
    expect(facts.timeouts).toEqual([{value: 2700, file: 'web.xml', line: 3}])
    expect(facts.cookieNames.map((c) => c.value)).toEqual(['SID'])
    expect(facts.secure).toEqual([{value: false, file: 'web.xml', line: 4}])
    expect(facts.sameSite).toEqual([{value: 'Lax', file: 'web.xml', line: 5}])
    expect(facts.trackingModes).toEqual([{value: ['COOKIE'], file: 'web.xml', line: 7}])
    expect(facts.trackingModeDefaults).toEqual([])
  })

  it('Spring Security XML: session-fixation-protection="none"', () => {
    const {facts, kind} = read(
      '<beans:beans>\n<http>\n<session-management session-fixation-protection="none"/>\n</http>\n</beans:beans>',
      'security.xml',
    )
    expect(kind).toBe('xml')
    expect(facts.fixationOff).toEqual([{value: '<session-management session-fixation-protection="none">', file: 'security.xml', line: 3}])
  })

  it('every connector secure: the container marks cookies Secure itself', () => {
    expect(
      read('<Server><Connector port="8443" SSLEnabled="true"/><Connector port="8009" secure="true" scheme="https"/></Server>').facts
        .secureTransport,
    ).toHaveLength(1)
    expect(read('<Server><Connector port="8443" SSLEnabled="true"/><Connector port="8080"/></Server>').facts.secureTransport).toHaveLength(
      0,
    )
  })

  it('malformed server.xml: errors with file:line, and the jvmRoute is still read', () => {
    const {facts, errors} = read('<Server>\n<Connector port="8080">\n<Engine jvmRoute="n1">\n</Engine>\n</Server>')
    expect(errors).toEqual([
      'server.xml:5: malformed XML: closing tag </Server> does not match <Connector> opened at line 2 (fix it there; the rest was checked)',
    ])
    expect(facts.jvmRoutes.map((r) => r.value)).toEqual(['n1'])
  })
})

describe('where sessions live', () => {
  const hint = (store: string, extra: object = {}) => ({store, evidence: store, file: 'f', line: 1, ...extra}) as never
  it.each([
    [[hint('node-local', {implicit: true})], 'node-local'],
    [[hint('node-local', {implicit: true}), hint('redis')], 'redis'],
    [[hint('node-local', {implicit: true}), hint('redis-client-only')], 'unknown'],
    [[hint('redis-client-only'), hint('replication')], 'replication'],
    [[hint('node-local'), hint('replication')], 'replication'],
    [[], 'unknown'],
  ])('%j → %s', (hints, store) => {
    expect(sessionStore(hints).store).toBe(store)
  })
})
