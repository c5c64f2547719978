import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {accessLogFormatsFromConfig} from '../../src/core/config/access-log-formats.js'

/** httpd's own variable, as Debian's configs write it (kept out of a string literal for the linter). */
const apacheLogDir = ['$', '{APACHE_LOG_DIR}'].join('')
const root = mkdtempSync(join(tmpdir(), 'sessdoc-config-formats-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))

describe('accessLogFormatsFromConfig', () => {
  it("the lab's generated httpd.conf: each CustomLog with its LogFormat resolved", async () => {
    const {formats, errors} = await accessLogFormatsFromConfig(['fixtures/lab/apache-restart/httpd.conf'])
    expect(errors).toEqual([])
    expect(formats.map((f) => [f.dialect, f.nickname, f.logFile.replace(/.*\//, ''), f.location])).toEqual([
      ['apache', 'combined-balancer', 'access.log', 'fixtures/lab/apache-restart/httpd.conf:30'],
      ['apache', 'cookie-header-route', 'access_cookie.log', 'fixtures/lab/apache-restart/httpd.conf:31'],
    ])
    expect(formats[1]!.format).toBe('%h %l %u %t "%r" %>s %b "%{User-Agent}i" "%{Cookie}i" %{BALANCER_WORKER_ROUTE}e')
  })

  it("the lab's generated nginx.conf: both access_log lines with their log_format, the name=$var one too", async () => {
    const {formats, errors} = await accessLogFormatsFromConfig(['fixtures/lab/nginx-ip-hash'])
    expect(errors).toEqual([])
    expect(formats.map((f) => [f.dialect, f.nickname, f.logFile.replace(/.*\//, '')])).toEqual([
      ['nginx', 'nginx-cookie', 'access.log'],
      ['nginx', 'nginx-kv', 'access_kv.log'],
    ])
    expect(formats[1]!.format).toBe(
      'time=$time_iso8601 client=$remote_addr request="$request" status=$status ua="$http_user_agent" sid=$cookie_JSESSIONID upstream=$upstream_addr',
    )
  })

  it("a Tomcat node's AccessLogValve (the lab's pattern: %S is the session id); the named patterns spelled out; inline and unknown CustomLog formats", async () => {
    mkdirSync(join(root, 'node1/conf'), {recursive: true})
    writeFileSync(
      join(root, 'node1/conf/server.xml'),
      `<Server><Service name="Catalina"><Engine name="Catalina" jvmRoute="node1"><Host name="localhost">
  <Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs" prefix="localhost_access_log" suffix=".txt"
         pattern="%h %l %u %t &quot;%r&quot; %s %b %D %S &quot;%{JSESSIONID}c&quot;" />
  <Valve className="org.apache.catalina.valves.AccessLogValve" directory="/var/log/shop" prefix="plain" rotatable="false" pattern="combined" />
</Host></Engine></Service></Server>
`,
    )
    writeFileSync(
      join(root, 'httpd.conf'),
      'CustomLog logs/inline_log "%h %{JSESSIONID}C"\nCustomLog logs/other_log sessions\nCustomLog logs/access_log common\n',
    )
    const {formats, errors} = await accessLogFormatsFromConfig([join(root, 'node1'), join(root, 'httpd.conf')])
    expect(formats.map((f) => [f.dialect, f.nickname, f.format, f.logFile])).toEqual([
      ['tomcat', null, '%h %l %u %t "%r" %s %b %D %S "%{JSESSIONID}c"', 'logs/localhost_access_log*.txt'],
      ['tomcat', 'combined', '%h %l %u %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"', '/var/log/shop/plain'],
      ['apache', null, '%h %{JSESSIONID}C', 'logs/inline_log'],
      ['apache', 'common', '%h %l %u %t "%r" %>s %b', 'logs/access_log'],
    ])
    expect(errors.map((e) => e.message.replace(`${root}/`, ''))).toEqual([
      'httpd.conf:2: the log format "sessions" of logs/other_log is defined nowhere in the files given (give the config that defines it)',
    ])
  })

  it('a missing file is an error, not a throw', async () => {
    const {formats, errors} = await accessLogFormatsFromConfig([join(root, 'nope.conf')])
    expect(formats).toEqual([])
    expect(errors).toHaveLength(1)
  })
})

describe.skipIf(!existsSync('/etc/apache2/apache2.conf'))("Debian's /etc/apache2", () => {
  it('the default site logs combined to APACHE_LOG_DIR/access.log; other vhosts vhost_combined', async () => {
    const {formats} = await accessLogFormatsFromConfig(['/etc/apache2'])
    expect(formats.map((f) => [f.nickname, f.logFile])).toEqual(
      expect.arrayContaining([
        ['vhost_combined', `${apacheLogDir}/other_vhosts_access.log`],
        ['combined', `${apacheLogDir}/access.log`],
      ]),
    )
  })
})
