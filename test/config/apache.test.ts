import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {readApacheConf} from '../../src/core/config/apache.js'
import {apacheDirectives, splitWords} from '../../src/core/config/apache-tokens.js'

const inc = 'fixtures/config/includes/httpd'

describe('httpd Include resolution', () => {
  it('follows Include and IncludeOptional relative to ServerRoot, read where the copy lies, in alphabetical order', async () => {
    const {files} = await readApacheConf(`${inc}/conf/httpd.conf`)
    expect(files.map((f) => f.file)).toEqual([
      `${inc}/conf/httpd.conf`,
      `${inc}/conf.d/01-logs.conf`,
      `${inc}/conf.d/loop.conf`,
      `${inc}/sites/shop/balancer.conf`,
      `${inc}/sites/shop/routecookie.conf`,
    ])
  })

  it('reports a missing Include and an Include loop with file:line, and stays silent on IncludeOptional', async () => {
    const {errors} = await readApacheConf(`${inc}/conf/httpd.conf`)
    const messages = errors.map((e) => e.message)
    expect(messages).toContain(
      `${inc}/conf/httpd.conf:6: Include conf.d/absent.conf matches no file (ServerRoot /opt/apache2) (copy the included files beside the config, or use IncludeOptional)`,
    )
    expect(messages.filter((m) => m.startsWith(`${inc}/conf.d/loop.conf:2: Include loops back to ${inc}/conf/httpd.conf`))).toHaveLength(2)
    expect(messages.some((m) => m.includes('missing'))).toBe(false)
    expect(errors).toHaveLength(3)
  })

  it('substitutes Define variables and follows an absolute path under ServerRoot into the copy', async () => {
    const {facts} = await readApacheConf(`${inc}/conf/httpd.conf`)
    expect(facts.balancers.map((b) => b.name)).toEqual(['shop', 'api'])
  })

  it('reads ProxyPass parameters, members outside <Proxy>, and the balancer-inserted route cookie', async () => {
    const {facts} = await readApacheConf(`${inc}/conf/httpd.conf`)
    const [shop, api] = facts.balancers
    expect(shop).toMatchObject({
      noFailover: true,
      sticky: {mode: 'route-suffix', cookie: 'JSESSIONID', urlParameter: 'jsessionid', line: 5},
    })
    expect(shop!.members.map((m) => [m.target, m.route])).toEqual([
      ['ajp://10.0.1.11:8009', 'node1'],
      ['ajp://10.0.1.12:8009', 'node2'],
    ])
    expect(api!.sticky).toMatchObject({mode: 'balancer-cookie', cookie: 'ROUTEID'})
    expect(api!.members.map((m) => m.route)).toEqual(['1', '2', '3'])
    expect(facts.logFormats).toEqual([
      {nickname: 'withcookies', format: '%h %t "%r" %>s "%{Cookie}i"', file: `${inc}/conf.d/01-logs.conf`, line: 1},
    ])
  })

  it('a missing main file is one error naming it', async () => {
    const {files, errors} = await readApacheConf('fixtures/config/nope/httpd.conf')
    expect(files).toEqual([])
    expect(errors).toEqual([
      {input: 'fixtures/config/nope/httpd.conf', message: 'fixtures/config/nope/httpd.conf does not exist: check the path'},
    ])
  })

  it('malformed httpd config: each problem with file:line, and what could be read still counts', async () => {
    const file = 'fixtures/config/malformed/httpd/conf/httpd.conf'
    const {facts, errors} = await readApacheConf(file)
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(new RegExp(`^${file}:1: a quoted value is never closed: LogFormat`)),
      `${file}:6: </Location> closes <Proxy> opened at line 2 (fix it there; the rest was checked)`,
      expect.stringMatching(new RegExp(`^${file}:7: BalancerMember outside <Proxy balancer://…> names no balancer \\(put it inside`)),
      `${file}:8: <VirtualHost *:80> is never closed (fix it there; the rest was checked)`,
    ])
    expect(facts.balancers[0]!.members.map((m) => m.route)).toEqual(['node1', 'node2'])
    expect(facts.balancers[0]!.sticky?.cookie).toBe('JSESSIONID')
  })
})

describe('httpd tokens', () => {
  it.each([
    ['BalancerMember http://a:8080 route=n1', ['BalancerMember', 'http://a:8080', 'route=n1']],
    ['LogFormat "%h \\"%r\\"" common', ['LogFormat', '%h "%r"', 'common']],
    [
      "Header add Set-Cookie 'ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/'",
      ['Header', 'add', 'Set-Cookie', 'ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/'],
    ],
    ['  ProxySet   lbmethod=bytraffic  ', ['ProxySet', 'lbmethod=bytraffic']],
  ])('splits %s', (line, words) => {
    expect(splitWords(line).words).toEqual(words)
  })

  it.each([
    // corpus 03: the closing quote of "/manager" is missing, so httpd reads the path with a space and the URL with a quote.
    [
      'ProxyPass "/manager "balancer://tomcat/manager" stickysession=JSESSIONID',
      true,
      ['ProxyPass', '/manager ', 'balancer://tomcat/manager"', 'stickysession=JSESSIONID'],
    ],
    ['Header set X-A a"b', true, ['Header', 'set', 'X-A', 'a"b']],
    [
      'ProxyPass "/" "balancer://tomcat/" stickysession=JSESSIONID',
      false,
      ['ProxyPass', '/', 'balancer://tomcat/', 'stickysession=JSESSIONID'],
    ],
    ['LogFormat "%h \\"%r\\"" common', false, ['LogFormat', '%h "%r"', 'common']],
    [
      'Header always set Content-Security-Policy "default-src \'self\'"',
      false,
      ['Header', 'always', 'set', 'Content-Security-Policy', "default-src 'self'"],
    ],
  ])('%s: a stray quote is %s', (line, stray, words) => {
    expect(splitWords(line)).toEqual({words, unterminated: false, strayQuote: stray})
  })

  it('a stray quote is a problem of its directive, with the words httpd reads', () => {
    const {directives} = apacheDirectives('ServerName a\nProxyPass "/m "balancer://t/m" x=1\n')
    expect(directives.map((d) => [d.line, d.problem])).toEqual([
      [1, undefined],
      [
        2,
        'a quote is out of place (one missing?): httpd reads "ProxyPass" "/m " "balancer://t/m\\"" "x=1" from ProxyPass "/m "balancer://t/m" x=1',
      ],
    ])
  })

  it('joins backslash continuations and keeps the first line number; skips comments', () => {
    const {directives} = apacheDirectives('# comment\n<Proxy balancer://x>\n  BalancerMember \\\n    http://a route=r1\n</Proxy>\n')
    expect(directives.map((d) => [d.name, d.args, d.line, d.section])).toEqual([
      ['Proxy', ['balancer://x'], 2, 'open'],
      ['BalancerMember', ['http://a', 'route=r1'], 3, undefined],
      ['Proxy', [], 5, 'close'],
    ])
  })

  it('never throws and keeps line numbers inside the text, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({unit: fc.constantFrom('<', '>', '/', '"', "'", '\\', '\n', '#', ' ', 'P', 'x', '=', '|')}), (text) => {
        const lines = text.split(/\r?\n/).length
        for (const d of apacheDirectives(text).directives) {
          expect(d.line).toBeGreaterThanOrEqual(1)
          expect(d.line).toBeLessThanOrEqual(lines)
        }
      }),
      {numRuns: 500},
    )
  })
})
