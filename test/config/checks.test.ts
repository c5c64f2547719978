import {describe, expect, it} from 'vitest'
import {
  cookieFlags,
  jvmRouteMismatch,
  noFailoverPath,
  noSticky,
  replicatesAsynchronously,
  sessionFixation,
  sessionTimeout,
  stickyCookieMismatch,
  urlSessionTracking,
} from '../../src/core/config/checks.js'
import {buildModel, type ConfigModel} from '../../src/core/config/model.js'
import {
  type AppFacts,
  type Balancer,
  type ConfigKind,
  emptyAppFacts,
  emptyBalancerFacts,
  type StoreHint,
} from '../../src/core/config/types.js'

const w = (line: number, file = 'conf') => ({file, line})

function balancer(over: Partial<Balancer> = {}): Balancer {
  return {
    kind: 'mod_proxy',
    name: 'app',
    ...w(1),
    members: [
      {target: 'http://a', route: 'n1', ...w(2)},
      {target: 'http://b', route: 'n2', ...w(3)},
    ],
    sticky: {mode: 'route-suffix', cookie: 'JSESSIONID', urlParameter: 'jsessionid', ...w(4)},
    ...over,
  }
}

function model(options: {
  balancers?: Balancer[]
  app?: Partial<AppFacts>
  kinds?: ConfigKind[]
  store?: StoreHint['store']
  implicit?: boolean
  springSession?: boolean
  sameSiteByProxy?: boolean
}): ConfigModel {
  const facts = {...emptyBalancerFacts(), balancers: options.balancers ?? [balancer()]}
  if (options.sameSiteByProxy) facts.sameSiteByProxy = w(9)
  const app = {...emptyAppFacts(), ...options.app}
  if (options.store)
    app.storeHints = [
      ...app.storeHints,
      {store: options.store, evidence: 'test', implicit: options.implicit, springSession: options.springSession, ...w(1, 'server.xml')},
    ]
  return buildModel(facts, app, new Set<ConfigKind>(options.kinds ?? ['httpd', 'server.xml']))
}

const jvm = (...values: string[]) => values.map((value, i) => ({value, ...w(i + 1, `node${i + 1}/server.xml`)}))

describe('config.jvmroute-mismatch', () => {
  it('no finding when every jvmRoute is a route and every route a jvmRoute', () => {
    expect(jvmRouteMismatch(model({app: {jvmRoutes: jvm('n1', 'n2')}}))).toEqual([])
  })

  it('both directions when every node config is given', () => {
    const [f] = jvmRouteMismatch(model({app: {jvmRoutes: jvm('n1', 'N2')}}))
    expect(f!.detail).toContain('jvmRoute "N2" at node2/server.xml:2 is no balancer route (routes: n1, n2); "n2" differs only in case')
    expect(f!.detail).toContain('route "n2" of balancer://app (conf:1) at conf:3 is the jvmRoute of no Tomcat given')
    expect(f!.evidence.locations).toEqual(['node2/server.xml:2', 'conf:3'])
  })

  it('with fewer node configs than members, only jvmRoute → route is checked, and it says so', () => {
    expect(jvmRouteMismatch(model({app: {jvmRoutes: jvm('n1')}}))).toEqual([])
    const [f] = jvmRouteMismatch(model({app: {jvmRoutes: jvm('x')}}))
    expect(f!.detail.split('\n')).toEqual([
      'jvmRoute "x" at node1/server.xml:1 is no balancer route (routes: n1, n2)',
      'balancer routes were not checked against jvmRoute: only 1 Tomcat config(s) given for more members',
    ])
  })

  it('an Engine without jvmRoute, and a member without route=', () => {
    const b = balancer({
      members: [
        {target: 'http://a', route: 'n1', ...w(2)},
        {target: 'http://b', ...w(3)},
      ],
    })
    const [f] = jvmRouteMismatch(model({balancers: [b], app: {jvmRoutes: jvm('n1'), enginesWithoutRoute: [w(7, 'node2/server.xml')]}}))
    expect(f!.evidence.locations).toEqual(['conf:3', 'node2/server.xml:7'])
  })

  it('a jvmRoute from a system property is not judged', () => {
    const placeholder = ['$', '{jvmRoute}'].join('')
    expect(jvmRouteMismatch(model({app: {jvmRoutes: jvm(placeholder)}}))).toEqual([])
  })

  it('balancers with their own cookie or no stickiness are not about jvmRoute', () => {
    const own = balancer({sticky: {mode: 'balancer-cookie', cookie: 'ROUTEID', ...w(4)}})
    expect(jvmRouteMismatch(model({balancers: [own, balancer({sticky: undefined})], app: {jvmRoutes: jvm('zz')}}))).toEqual([])
  })
})

describe('config.sticky-cookie-mismatch', () => {
  const renamed = {cookieNames: [{value: 'SID', ...w(10, 'web.xml')}]}
  it.each([
    ['node-local', 'critical'],
    ['replication', 'warning'],
    ['redis', 'warning'],
  ] as const)('store %s → %s', (store, severity) => {
    const findings = stickyCookieMismatch(model({app: renamed, store, kinds: ['httpd', 'web.xml']}))
    expect(findings.map((f) => f.severity)).toEqual([severity])
    expect(findings[0]!.actions[0]).toBe(
      "Set the balancer's sticky cookie to SID (stickysession=SID|sid), or name the cookie JSESSIONID in the app",
    )
  })

  it('unknown app side: no judgement; servlet default JSESSIONID when the app side was read', () => {
    expect(stickyCookieMismatch(model({kinds: ['httpd']}))).toEqual([])
    expect(stickyCookieMismatch(model({kinds: ['httpd', 'web.xml']}))).toEqual([])
  })

  it('Spring Session names its cookie SESSION by default', () => {
    const [f] = stickyCookieMismatch(model({store: 'redis', springSession: true, kinds: ['httpd', 'spring-yaml']}))
    expect(f!.detail).toContain('the app sets SESSION (Spring Session default)')
  })

  it('nginx compares without case; httpd does not', () => {
    const nginx = balancer({kind: 'nginx', sticky: {mode: 'route-suffix', cookie: 'jsessionid', cookieCaseInsensitive: true, ...w(4)}})
    expect(stickyCookieMismatch(model({balancers: [nginx], kinds: ['nginx', 'web.xml']}))).toEqual([])
    const httpd = balancer({sticky: {mode: 'route-suffix', cookie: 'jsessionid', ...w(4)}})
    expect(stickyCookieMismatch(model({balancers: [httpd], kinds: ['httpd', 'web.xml']}))[0]!.detail).toContain('differ only in case')
  })

  it('a balancer-inserted cookie is not the app cookie and need not be', () => {
    const own = balancer({sticky: {mode: 'balancer-cookie', cookie: 'SERVERID', ...w(4)}})
    expect(stickyCookieMismatch(model({balancers: [own], kinds: ['haproxy', 'web.xml']}))).toEqual([])
  })
})

describe('config.no-sticky', () => {
  const loose = balancer({sticky: undefined})
  it.each([
    ['node-local', true, 'critical'],
    [undefined, false, 'warning'],
  ] as const)('store %s → %s', (store, implicit, severity) => {
    expect(noSticky(model({balancers: [loose], store, implicit})).map((f) => f.severity)).toEqual([severity])
  })

  it.each([
    [[{...w(5, 'server.xml'), channelSendOptions: '8'}], /asynchronously \(channelSendOptions="8" at server\.xml:5\)/],
    [[w(5, 'server.xml')], /asynchronously \(no channelSendOptions at server\.xml:5 \(default 8\)\)/],
    [[{...w(5, 'server.xml'), channelSendOptions: '6'}], /one change behind/],
  ])('replicated sessions without stickiness: a warning that says how the cluster sends (%j)', (clusters, detail) => {
    const findings = noSticky(model({balancers: [loose], store: 'replication', app: {clusters}}))
    expect(findings.map((f) => f.severity)).toEqual(['warning'])
    expect(findings[0]!.detail).toMatch(detail)
  })

  it.each([
    [undefined, true],
    ['8', true],
    ['10', true],
    ['6', false],
    ['4', false],
    ['async', true],
    ['sync,ack', false],
  ])('channelSendOptions %s is asynchronous: %s', (channelSendOptions, asynchronous) => {
    expect(replicatesAsynchronously({...w(1), ...(channelSendOptions ? {channelSendOptions} : {})})).toBe(asynchronous)
  })

  it('no finding with a shared store, one member, or client-ip stickiness', () => {
    expect(noSticky(model({balancers: [loose], store: 'redis'}))).toEqual([])
    expect(noSticky(model({balancers: [loose], store: 'shared'}))).toEqual([])
    expect(noSticky(model({balancers: [balancer({sticky: undefined, members: [{target: 'a', ...w(2)}]})], store: 'node-local'}))).toEqual(
      [],
    )
    expect(noSticky(model({balancers: [balancer({sticky: {mode: 'client-ip', ...w(4)}})], store: 'node-local'}))).toEqual([])
  })

  it('mod_jk sticky_session=false names its line', () => {
    const [f] = noSticky(
      model({balancers: [balancer({kind: 'mod_jk', sticky: undefined, stickyOff: w(12, 'workers.properties')})], store: 'node-local'}),
    )
    expect(f!.evidence.locations).toEqual(['workers.properties:12'])
    expect(f!.detail).toContain('sticky_session is off at workers.properties:12')
  })
})

describe('config.cookie-flags', () => {
  const place = {cookieConfigPlaces: [w(5, 'web.xml')]}
  it('only judged when web.xml, context.xml or a Spring config was read; context.xml alone shows only flags switched off', () => {
    expect(cookieFlags(model({kinds: ['httpd', 'server.xml']}))).toEqual([])
    expect(cookieFlags(model({kinds: ['context.xml']}))).toEqual([])
    const off = cookieFlags(model({kinds: ['context.xml'], app: {httpOnly: [{value: false, ...w(2, 'context.xml')}]}}))
    expect(off.map((f) => f.evidence)).toEqual([{missing: ['HttpOnly'], locations: ['context.xml:2']}])
  })

  it.each([
    [{}, {}, ['Secure', 'SameSite']],
    [{secure: [{value: true, ...w(6, 'web.xml')}]}, {}, ['SameSite']],
    [{secureTransport: [{value: 'RemoteIpValve', ...w(3, 'server.xml')}], sameSite: [{value: 'lax', ...w(4)}]}, {}, []],
    [{secure: [{value: true, ...w(6)}], sameSite: [{value: 'unset', ...w(4)}]}, {}, ['SameSite']],
    [{secure: [{value: true, ...w(6)}]}, {sameSiteByProxy: true}, []],
    [{secure: [{value: true, ...w(6)}]}, {store: 'redis', springSession: true}, []],
    [{secure: [{value: true, ...w(6)}], httpOnly: [{value: false, ...w(7)}]}, {sameSiteByProxy: true}, ['HttpOnly']],
    [{sameSite: [{value: 'None', ...w(4)}]}, {}, ['Secure']],
  ] as const)('%j %j → missing %j', (app, extra, missing) => {
    const findings = cookieFlags(model({app: {...place, ...app} as Partial<AppFacts>, kinds: ['web.xml'], ...(extra as object)}))
    const none = cookieFlags(model({app: {sameSite: [{value: 'None', ...w(4, 'context.xml')}]}, kinds: ['context.xml']}))
    expect(none.map((f) => f.detail)).toEqual(['SameSite=None at context.xml:4 without Secure: browsers reject the cookie'])
    expect(findings.map((f) => f.evidence.missing)).toEqual(missing.length ? [missing] : [])
  })
})

describe('config.url-session-tracking', () => {
  it('URL in the list is a warning at its line; no list at all is info; COOKIE only is fine', () => {
    expect(urlSessionTracking(model({app: {trackingModes: [{value: ['URL'], ...w(3)}]}}))[0]).toMatchObject({
      severity: 'warning',
      evidence: {locations: ['conf:3']},
    })
    expect(urlSessionTracking(model({app: {trackingModeDefaults: [w(2, 'web.xml')]}}))[0]).toMatchObject({
      severity: 'info',
      evidence: {locations: ['web.xml:2']},
    })
    expect(
      urlSessionTracking(model({app: {trackingModes: [{value: ['COOKIE'], ...w(3)}], trackingModeDefaults: [w(1, 'a.yml')]}})),
    ).toEqual([])
  })
})

describe('config.session-timeout', () => {
  it.each([
    [[1800], 0],
    [[600], 0],
    [[599], 1],
    [[120, 1800], 1],
    [[0], 1],
    [[-1], 1],
    [[86400], 0],
    [[86401], 1],
  ])('%j → %d finding(s)', (seconds, count) => {
    const findings = sessionTimeout(model({app: {timeouts: seconds.map((value, i) => ({value, ...w(i + 1)}))}}))
    expect(findings).toHaveLength(count)
  })

  it('says what is wrong in words', () => {
    const [f] = sessionTimeout(
      model({
        app: {
          timeouts: [
            {value: 120, ...w(8, 'a.yml')},
            {value: -1, ...w(3, 'web.xml')},
          ],
        },
      }),
    )
    expect(f!.detail.split('\n')).toEqual([
      'session timeout 2 min at a.yml:8: users idle that long are logged out',
      'session timeout -1 at web.xml:3: sessions never expire and pile up in memory or the store',
    ])
  })
})

describe('config.session-fixation and config.no-failover-path', () => {
  it('fixation: one finding listing every place', () => {
    const [f] = sessionFixation(
      model({
        app: {
          fixationOff: [
            {value: '<Valve …>', ...w(4, 'context.xml')},
            {value: '<session-management …>', ...w(9, 'security.xml')},
          ],
        },
      }),
    )
    expect(f!.evidence.locations).toEqual(['context.xml:4', 'security.xml:9'])
  })

  it('failover: sticky + node-local only; nofailover is mentioned', () => {
    expect(noFailoverPath(model({store: 'redis'}))).toEqual([])
    expect(noFailoverPath(model({store: 'replication'}))).toEqual([])
    expect(noFailoverPath(model({balancers: [balancer({sticky: undefined})], store: 'node-local'}))).toEqual([])
    const [f] = noFailoverPath(model({balancers: [balancer({noFailover: true})], store: 'node-local', implicit: true}))
    expect(f!.detail).toContain('With nofailover / sticky_session_force on app, they get errors instead until it is back.')
  })
})
