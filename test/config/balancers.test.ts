import {readFileSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseHaproxy} from '../../src/core/config/haproxy.js'
import {detectBalancerKind} from '../../src/core/config/index.js'
import {parseWorkersProperties} from '../../src/core/config/mod-jk.js'
import {parseNginx, readNginxConf} from '../../src/core/config/nginx.js'

const dir = 'fixtures/config/balancers'
const read = (name: string): string => readFileSync(`${dir}/${name}`, 'utf8')

let scratch: string
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'sessdoc-nginx-'))
})
afterAll(async () => {
  await rm(scratch, {recursive: true, force: true})
})

describe('mod_jk workers.properties', () => {
  it('reads the lb worker, repeated balance_workers, reference templates and default routes', () => {
    const {balancers, errors} = parseWorkersProperties(read('workers.properties'), 'workers.properties')
    expect(errors).toEqual([])
    expect(balancers).toHaveLength(1)
    const lb = balancers[0]!
    expect(lb).toMatchObject({
      kind: 'mod_jk',
      name: 'lb',
      line: 16,
      sticky: {mode: 'route-suffix', cookie: 'JSESSIONID', urlParameter: 'jsessionid', line: 19},
    })
    expect(lb.members.map((m) => [m.target, m.route])).toEqual([
      ['ajp://10.0.1.11:8009', 'node1'],
      ['ajp://10.0.1.12:8009', 'node2'],
    ])
  })

  it.each([
    ['worker.lb.type=lb\nworker.lb.balance_workers=a,b\nworker.lb.sticky_session=False\n', undefined, 3],
    ['worker.lb.type=lb\nworker.lb.balance_workers=a,b\nworker.a.jvm_route=r1\n', 'JSESSIONID', undefined],
  ])('sticky_session and jvm_route (%#)', (text, cookie, offLine) => {
    const lb = parseWorkersProperties(text, 'w.properties').balancers[0]!
    expect(lb.sticky?.cookie).toBe(cookie)
    expect(lb.stickyOff?.line).toBe(offLine)
  })

  it('a line that is not key=value is an error with its line', () => {
    const {errors} = parseWorkersProperties('worker.list=lb\nthis is not a property\n', 'w.properties')
    expect(errors.map((e) => e.message)).toEqual([
      'w.properties:2: not a property line (expected key=value): this is not a property (fix it there; the rest was checked)',
    ])
  })
})

describe('nginx upstreams', () => {
  it('reads sticky route through a map of $cookie_, hash $cookie_, and an upstream without stickiness', async () => {
    const {facts, errors} = await readNginxConf(`${dir}/nginx.conf`)
    expect(errors).toEqual([])
    expect(facts.balancers.map((b) => [b.name, b.sticky?.mode, b.sticky?.cookie, b.members.map((m) => m.route ?? null)])).toEqual([
      ['shop', 'route-suffix', 'jsessionid', ['node1', 'node2']],
      ['api', 'cookie-value', 'SESSION', [null, null]],
      ['static', undefined, undefined, [null, null]],
    ])
  })

  it.each([
    ['upstream u { server a; ip_hash; }', 'client-ip', undefined],
    ['upstream u { server a; sticky cookie srv_id expires=1h; }', 'balancer-cookie', 'srv_id'],
    ['upstream u { server a; sticky learn create=$upstream_cookie_sid lookup=$cookie_sid zone=z:1m; }', 'cookie-value', 'sid'],
    ['upstream u { server a; sticky name=route; }', 'balancer-cookie', 'route'],
    ['upstream u { server a; hash $remote_addr; }', 'client-ip', undefined],
  ])('%s', async (text, mode, cookie) => {
    const path = join(scratch, `${mode}-${cookie}.conf`)
    await writeFile(path, `http { ${text} }`)
    const b = (await readNginxConf(path)).facts.balancers[0]!
    expect([b.sticky?.mode, b.sticky?.cookie]).toEqual([mode, cookie])
  })

  it('malformed nginx: unclosed block, missing semicolon, stray brace, each with its line', async () => {
    const {errors} = await readNginxConf('fixtures/config/malformed/nginx.conf')
    expect(errors.map((e) => e.message)).toEqual([
      'fixtures/config/malformed/nginx.conf:1: a "{" block is never closed (fix it there; the rest was checked)',
      'fixtures/config/malformed/nginx.conf:3: unexpected "server" in server 10.0.1.11:8080 (a ";" missing at the end of the line?) (fix it there; the rest was checked)',
    ])
    expect(parseNginx('a b;\n}\nc d', 'x.conf').errors.map((e) => e.message.split(' (')[0])).toEqual([
      'x.conf:2: a "}" closes no block',
      'x.conf:3: directive "c" is not ended by ";"',
    ])
  })
})

describe('HAProxy backends', () => {
  it('reads insert cookies, stick on req.cook, and backends without stickiness', () => {
    const {balancers, errors} = parseHaproxy(read('haproxy.cfg'), 'haproxy.cfg')
    expect(errors).toEqual([])
    expect(balancers.map((b) => [b.name, b.sticky?.mode, b.sticky?.cookie, b.members.map((m) => m.route ?? null), b.lbmethod])).toEqual([
      ['shop', 'balancer-cookie', 'SERVERID', ['s1', 's2'], 'roundrobin'],
      ['api', 'cookie-value', 'JSESSIONID', [null, null], 'roundrobin'],
      ['legacy', undefined, undefined, [null, null], 'roundrobin'],
    ])
  })

  it.each([
    ['backend b\n  cookie JSESSIONID prefix nocache\n  server s a:1 cookie x', 'cookie-value', 'JSESSIONID'],
    ['backend b\n  balance source\n  server s a:1', 'client-ip', undefined],
    ['defaults\n  balance source\nbackend b\n  server s a:1', 'client-ip', undefined],
    ['backend b\n  appsession JSESSIONID len 52 timeout 3h\n  server s a:1', 'cookie-value', 'JSESSIONID'],
  ])('%s', (text, mode, cookie) => {
    const b = parseHaproxy(text, 'h.cfg').balancers[0]!
    expect([b.sticky?.mode, b.sticky?.cookie]).toEqual([mode, cookie])
  })

  it('malformed HAProxy: errors with their lines', () => {
    const {errors} = parseHaproxy(readFileSync('fixtures/config/malformed/haproxy.cfg', 'utf8'), 'haproxy.cfg')
    expect(errors.map((e) => e.message.split(' (')[0])).toEqual([
      'haproxy.cfg:1: backend without a name',
      'haproxy.cfg:2: a quoted value is never closed',
    ])
  })
})

describe('detectBalancerKind', () => {
  it.each([
    ['fixtures/config/consistent/httpd/conf/httpd.conf', 'httpd'],
    [`${dir}/workers.properties`, 'workers.properties'],
    [`${dir}/nginx.conf`, 'nginx'],
    [`${dir}/haproxy.cfg`, 'haproxy'],
  ])('%s is %s', (path, kind) => {
    expect(detectBalancerKind(path, readFileSync(path, 'utf8'))).toBe(kind)
  })

  it.each([
    ['lb.cfg', 'frontend www\n  bind *:80\nbackend app\n  server a b:1\n', 'haproxy'],
    ['site.conf', 'upstream app {\n  server a:1;\n}\n', 'nginx'],
    ['jk.conf', 'worker.list=lb\nworker.lb.type=lb\n', 'workers.properties'],
    ['proxy.conf', '<Proxy balancer://x>\n BalancerMember http://a\n</Proxy>\n', 'httpd'],
  ])('by content: %s', (name, text, kind) => {
    expect(detectBalancerKind(name, text)).toBe(kind)
  })
})

describe('balancer parsers on any input', () => {
  const text = fc.string({
    unit: fc.constantFrom(
      '{',
      '}',
      ';',
      '"',
      "'",
      '\\',
      '\n',
      '#',
      ' ',
      'a',
      '=',
      'server',
      'upstream',
      'backend',
      'cookie',
      'worker.',
      '.type',
      'lb',
    ),
  })
  it('never throw, and every error names a line of the text', () => {
    fc.assert(
      fc.property(text, (t) => {
        const lines = t.split('\n').length
        const errors = [...parseNginx(t, 'f').errors, ...parseHaproxy(t, 'f').errors, ...parseWorkersProperties(t, 'f').errors]
        for (const e of errors) {
          const line = Number(/^f:(\d+):/.exec(e.message)?.[1])
          expect(line).toBeGreaterThanOrEqual(1)
          expect(line).toBeLessThanOrEqual(lines)
        }
      }),
      {numRuns: 500},
    )
  })
})
