/**
 * Directories given to --apache-conf / --tomcat-conf laid out as on real hosts (#15 item 9): copied
 * trees built here from the lab's generated configs (fixtures/lab), and Debian's own default trees
 * (/etc/apache2, /etc/nginx, /etc/tomcat10) read in place when installed.
 */
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {checkConfig, knownRoutesFromApacheConf} from '../../src/core/config/index.js'
import {analyzedSection} from './trees.js'

const root = mkdtempSync(join(tmpdir(), 'sessdoc-config-trees-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))

function put(path: string, text: string): string {
  const file = join(root, path)
  mkdirSync(dirname(file), {recursive: true})
  writeFileSync(file, text)
  return file
}

const serverXml = (route: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="8080" protocol="HTTP/1.1" />
    <Engine name="Catalina" defaultHost="localhost" jvmRoute="${route}">
      <Host name="localhost" appBase="webapps">
        <Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs" prefix="localhost_access_log" suffix=".txt"
               pattern="%h %l %u %t &quot;%r&quot; %s %b %D %S &quot;%{JSESSIONID}c&quot;" />
      </Host>
    </Engine>
  </Service>
</Server>
`
const contextXml = (cookie: string) => `<Context sessionCookieName="${cookie}">
  <Manager className="org.redisson.tomcat.RedissonSessionManager" configPath="\${catalina.base}/conf/redisson.yaml" />
</Context>
`

describe('--apache-conf DIR', () => {
  it('a copied tree: DIR/httpd/httpd.conf, DIR/nginx/nginx.conf and DIR/haproxy/haproxy.cfg are each found and read once', async () => {
    const tree = join(root, 'copied')
    for (const [from, to] of [
      ['apache-restart/httpd.conf', 'httpd/httpd.conf'],
      ['nginx-ip-hash/nginx.conf', 'nginx/nginx.conf'],
      ['haproxy-insert/haproxy.cfg', 'haproxy/haproxy.cfg'],
    ] as const) {
      mkdirSync(dirname(join(tree, to)), {recursive: true})
      copyFileSync(join('fixtures/lab', from), join(tree, to))
    }
    const result = await checkConfig({apacheConf: [tree], redact: {}})
    expect(result.section.errors).toBeUndefined()
    expect(analyzedSection(result).filesRead.map((f) => [f.file.slice(tree.length + 1), f.kind])).toEqual([
      ['haproxy/haproxy.cfg', 'haproxy'],
      ['httpd/httpd.conf', 'httpd'],
      ['nginx/nginx.conf', 'nginx'],
    ])
    expect(analyzedSection(result).balancers.map((b) => [b.kind, b.name, b.members.length, b.stickyMode])).toEqual([
      ['haproxy', 'be', 3, 'balancer-cookie'],
      ['mod_proxy', 'lab', 3, 'route-suffix'],
      ['nginx', 'lab', 3, 'client-ip'],
    ])
  })

  it('a Debian-style tree: apache2.conf includes mods-enabled, conf-enabled and sites-enabled; *-available is not read', async () => {
    put(
      'debian/apache2/apache2.conf',
      'IncludeOptional mods-enabled/*.load\nInclude ports.conf\nIncludeOptional conf-enabled/*.conf\nIncludeOptional sites-enabled/*.conf\n',
    )
    put('debian/apache2/ports.conf', 'Listen 80\n')
    put(
      'debian/apache2/mods-enabled/proxy_balancer.load',
      'LoadModule proxy_balancer_module /usr/lib/apache2/modules/mod_proxy_balancer.so\n',
    )
    put('debian/apache2/conf-enabled/logs.conf', 'LogFormat "%h %t \\"%r\\" %>s \\"%{JSESSIONID}C\\"" sessions\n')
    put(
      'debian/apache2/sites-enabled/shop.conf',
      '<Proxy balancer://shop>\n  BalancerMember http://10.0.0.1:8080 route=node1\n  BalancerMember http://10.0.0.2:8080 route=node2\n  ProxySet stickysession=JSESSIONID|jsessionid\n</Proxy>\nCustomLog /var/log/apache2/shop.log sessions\n',
    )
    put('debian/apache2/sites-available/old.conf', '<Proxy balancer://old>\n  BalancerMember http://10.0.0.9:8080 route=old\n</Proxy>\n')
    const result = await checkConfig({apacheConf: [join(root, 'debian')], redact: {}})
    expect(result.section.errors).toBeUndefined()
    expect(analyzedSection(result).filesRead.map((f) => f.file.slice(root.length + 1))).toEqual([
      'debian/apache2/apache2.conf',
      'debian/apache2/mods-enabled/proxy_balancer.load',
      'debian/apache2/ports.conf',
      'debian/apache2/conf-enabled/logs.conf',
      'debian/apache2/sites-enabled/shop.conf',
    ])
    expect(analyzedSection(result).balancers.map((b) => [b.name, b.routes])).toEqual([['shop', ['node1', 'node2']]])
    const known = await knownRoutesFromApacheConf([join(root, 'debian')])
    expect(known.routes).toEqual(['node1', 'node2'])
  })

  it('a copied conf.d alone (no main file) stands for its *.conf files; an include loop is one error, not a hang', async () => {
    put(
      'confd-only/conf.d/shop.conf',
      '<Proxy balancer://shop>\n  BalancerMember http://a route=n1\n  BalancerMember http://b route=n2\n</Proxy>\n',
    )
    put('confd-only/conf.d/loop.conf', 'Include conf.d/loop.conf\n')
    put('confd-only/conf.d/README', 'not a config\n')
    const result = await checkConfig({apacheConf: [join(root, 'confd-only/conf.d')], redact: {}})
    expect(analyzedSection(result).filesRead.map((f) => f.file.slice(root.length + 1))).toEqual([
      'confd-only/conf.d/loop.conf',
      'confd-only/conf.d/shop.conf',
    ])
    expect(result.section.errors?.map((e) => e.message.replaceAll(`${root}/`, ''))).toEqual([
      'confd-only/conf.d/loop.conf:1: Include loops back to confd-only/conf.d/loop.conf (remove the circular Include)',
    ])
    expect(result.findings.map((f) => f.id)).toEqual(['config.no-sticky'])
  })

  it('a symlink loop in the tree is entered once', async () => {
    put('symloop/httpd/httpd.conf', 'ServerName x\n')
    symlinkSync(join(root, 'symloop'), join(root, 'symloop/httpd/again'))
    const result = await checkConfig({apacheConf: [join(root, 'symloop')], redact: {}})
    expect(analyzedSection(result).filesRead.map((f) => f.file.slice(root.length + 1))).toEqual(['symloop/httpd/httpd.conf'])
  })

  it('a copied nginx tree: absolute includes (/etc/nginx/conf.d/*.conf) are read from the copy', async () => {
    put('nginx-copy/nginx/nginx.conf', 'events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n  include /etc/nginx/sites-enabled/*;\n}\n')
    put(
      'nginx-copy/nginx/conf.d/upstream.conf',
      'upstream shop {\n  hash $cookie_JSESSIONID;\n  server 10.0.0.1:8080;\n  server 10.0.0.2:8080;\n}\n',
    )
    put('nginx-copy/nginx/sites-enabled/shop', 'server {\n  listen 80;\n  location / { proxy_pass http://shop; }\n}\n')
    const result = await checkConfig({apacheConf: [join(root, 'nginx-copy')], redact: {}})
    expect(result.section.errors).toBeUndefined()
    expect(analyzedSection(result).filesRead.map((f) => f.file.slice(root.length + 1))).toEqual([
      'nginx-copy/nginx/nginx.conf',
      'nginx-copy/nginx/conf.d/upstream.conf',
      'nginx-copy/nginx/sites-enabled/shop',
    ])
    expect(analyzedSection(result).balancers.map((b) => [b.name, b.members.length, b.sticky])).toEqual([['shop', 2, 'JSESSIONID']])
  })

  it('a directory with no config in it is an error that says what it looked for', async () => {
    put('empty-ish/notes.txt', 'nothing\n')
    const result = await checkConfig({apacheConf: [join(root, 'empty-ish')], redact: {}})
    expect(result.section.status).toBe('error')
    expect(result.section.errors?.[0]?.message).toMatch(/is a directory with none of httpd\.conf, .*conf\.d.*: give the config file itself/)
  })
})

describe('--tomcat-conf DIR', () => {
  it('a directory of nodes: each node1/conf/server.xml with the context.xml beside it and conf/Catalina/localhost/*.xml; webapps are not entered', async () => {
    put('nodes/node1/conf/server.xml', serverXml('node1'))
    put('nodes/node1/conf/context.xml', contextXml('SHOPSESSION'))
    put('nodes/node1/conf/Catalina/localhost/shop.xml', '<Context><CookieProcessor sameSiteCookies="strict" /></Context>\n')
    put('nodes/node1/webapps/manager/META-INF/context.xml', '<Context><Manager sessionAttributeValueClassNameFilter="x" /></Context>\n')
    put('nodes/node2/conf/server.xml', serverXml('node2'))
    put('nodes/node2/conf/context.xml', contextXml('SHOPSESSION'))
    const result = await checkConfig({tomcatConf: [join(root, 'nodes')], redact: {}})
    expect(result.section.errors).toBeUndefined()
    expect(analyzedSection(result).filesRead.map((f) => [f.file.slice(root.length + 1), f.kind])).toEqual([
      ['nodes/node1/conf/server.xml', 'server.xml'],
      ['nodes/node1/conf/context.xml', 'context.xml'],
      ['nodes/node1/conf/Catalina/localhost/shop.xml', 'context.xml'],
      ['nodes/node2/conf/server.xml', 'server.xml'],
      ['nodes/node2/conf/context.xml', 'context.xml'],
    ])
    expect(analyzedSection(result).jvmRoutes).toEqual(['node1', 'node2'])
    expect(analyzedSection(result).cookieName).toBe('SHOPSESSION')
    expect(analyzedSection(result).sessionStore).toBe('redis')
  })

  it('a webapp directory stands for its WEB-INF/web.xml and META-INF/context.xml', async () => {
    put('shop/WEB-INF/web.xml', '<web-app><session-config><session-timeout>5</session-timeout></session-config></web-app>\n')
    put('shop/META-INF/context.xml', contextXml('SHOPSESSION'))
    const result = await checkConfig({tomcatConf: [join(root, 'shop')], redact: {}})
    expect(analyzedSection(result).filesRead.map((f) => f.file.slice(root.length + 1))).toEqual([
      'shop/WEB-INF/web.xml',
      'shop/META-INF/context.xml',
    ])
    expect(analyzedSection(result).sessionTimeoutSeconds).toBe(300)
  })
})

describe.skipIf(!existsSync('/etc/apache2/apache2.conf'))("Debian's /etc/apache2, read in place", () => {
  it('apache2.conf and every enabled file it includes, no error, its LogFormats', async () => {
    const result = await checkConfig({apacheConf: ['/etc/apache2'], redact: {}})
    expect(result.section.errors).toBeUndefined()
    const files = analyzedSection(result).filesRead.map((f) => f.file)
    expect(files[0]).toBe('/etc/apache2/apache2.conf')
    expect(files).toContain('/etc/apache2/sites-enabled/000-default.conf')
    expect(files.filter((f) => f.includes('-available/'))).toEqual([])
    expect(new Set(files).size).toBe(files.length)
    expect(analyzedSection(result).logFormats.map((f) => f.nickname)).toEqual(['vhost_combined', 'combined', 'common', 'referer', 'agent'])
  })
})

describe.skipIf(!existsSync('/etc/nginx/nginx.conf'))("Debian's /etc/nginx, read in place", () => {
  it('nginx.conf with its includes, no error', async () => {
    const result = await checkConfig({apacheConf: ['/etc/nginx'], redact: {}})
    expect(result.section.errors).toBeUndefined()
    const files = analyzedSection(result).filesRead.map((f) => f.file)
    expect(files[0]).toBe('/etc/nginx/nginx.conf')
    expect(files).toContain('/etc/nginx/mime.types')
    expect(new Set(files).size).toBe(files.length)
  })
})

describe.skipIf(!existsSync('/etc/tomcat10/server.xml'))("Debian's /etc/tomcat10, read in place", () => {
  it('server.xml, context.xml and web.xml; the Engine has no jvmRoute', async () => {
    const result = await checkConfig({tomcatConf: ['/etc/tomcat10'], redact: {}})
    expect(result.section.errors).toBeUndefined()
    expect(
      analyzedSection(result)
        .filesRead.map((f) => f.kind)
        .slice(0, 3),
    ).toEqual(['server.xml', 'context.xml', 'web.xml'])
    expect(analyzedSection(result).jvmRoutes).toEqual([])
    expect(analyzedSection(result).sessionTimeoutSeconds).toBe(1800)
  })
})
