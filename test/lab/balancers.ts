/** The lab's load balancers: Apache httpd (mod_proxy_balancer), HAProxy and nginx, each with its own config and temp dir. */
import {chmodSync, mkdirSync, writeFileSync} from 'node:fs'
import {connect} from 'node:net'
import {join} from 'node:path'
import {freePort, type LabProcess, LOOPBACK, labTempDir, spawnServer, waitForHttp, waitForLogLines} from './process.js'

export interface Member {
  /** http://127.0.0.1:port of the Tomcat node. */
  url: string
  /** BalancerMember route= / HAProxy server name and cookie / the node's name. */
  route: string
}

export interface Balancer {
  kind: 'apache' | 'haproxy' | 'nginx'
  proc: LabProcess
  port: number
  dir: string
  /** The access logs it writes, by layout name. */
  logs: Record<string, string>
  /** The config file it runs with (for --apache-conf and the like). */
  conf: string
  url: string
  /** Waits until each of its logs holds a line for each of `requests` users' requests (see waitForLogLines). */
  settle(requests: number): Promise<void>
  stop(): Promise<void>
}

function balancer(
  kind: Balancer['kind'],
  proc: LabProcess,
  port: number,
  dir: string,
  conf: string,
  logs: Record<string, string>,
): Balancer {
  return {
    kind,
    proc,
    port,
    dir,
    conf,
    logs,
    url: `http://${LOOPBACK}:${port}`,
    settle: async (requests) => {
      for (const log of Object.values(logs)) await waitForLogLines([log], requests)
    },
    stop: () => proc.stop('SIGTERM', 10_000),
  }
}

const APACHE_MODULES = '/usr/lib/apache2/modules'

/** Apache's layouts: the recommended one (docs/access-log.md `combined-balancer`) and the real-host one of issue #15. */
export const APACHE_LOG_FORMATS = {
  'combined-balancer':
    '%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\" \\"%{JSESSIONID}C\\" %{BALANCER_SESSION_ROUTE}e %{BALANCER_WORKER_ROUTE}e %{BALANCER_ROUTE_CHANGED}e',
  'cookie-header-route': '%h %l %u %t \\"%r\\" %>s %b \\"%{User-Agent}i\\" \\"%{Cookie}i\\" %{BALANCER_WORKER_ROUTE}e',
} as const

export interface ApacheOptions {
  members: Member[]
  stickysession: boolean
  balancerManager?: boolean
}

export async function startApache(options: ApacheOptions): Promise<Balancer> {
  const dir = labTempDir('apache')
  // The children run as www-data: they must reach the mutex and the scoreboard in here.
  chmodSync(dir, 0o755)
  mkdirSync(join(dir, 'run'))
  const port = await freePort()
  const modules = [
    ['mpm_event_module', 'mod_mpm_event.so'],
    ['authz_core_module', 'mod_authz_core.so'],
    ['slotmem_shm_module', 'mod_slotmem_shm.so'],
    ['proxy_module', 'mod_proxy.so'],
    ['proxy_http_module', 'mod_proxy_http.so'],
    ['proxy_balancer_module', 'mod_proxy_balancer.so'],
    ['lbmethod_byrequests_module', 'mod_lbmethod_byrequests.so'],
    ['status_module', 'mod_status.so'],
  ]
  const logs = {
    'combined-balancer': join(dir, 'access.log'),
    'cookie-header-route': join(dir, 'access_cookie.log'),
  }
  const sticky = options.stickysession ? ' stickysession=JSESSIONID|jsessionid' : ''
  const conf = `# sessdoc lab: Apache httpd 2.4 in front of Tomcat nodes (generated)
ServerRoot ${dir}
ServerName ${LOOPBACK}
Listen ${LOOPBACK}:${port}
PidFile ${join(dir, 'run', 'httpd.pid')}
DefaultRuntimeDir ${join(dir, 'run')}
Mutex file:${join(dir, 'run')} default
ErrorLog ${join(dir, 'error.log')}
LogLevel warn
User www-data
Group www-data
${modules.map(([name, file]) => `LoadModule ${name} ${APACHE_MODULES}/${file}`).join('\n')}
StartServers 1
ServerLimit 1
ThreadsPerChild 32
MaxRequestWorkers 32
MinSpareThreads 4
MaxSpareThreads 32
KeepAlive On

${Object.entries(APACHE_LOG_FORMATS)
  .map(([name, format]) => `LogFormat "${format}" ${name}`)
  .join('\n')}
CustomLog ${logs['combined-balancer']} combined-balancer
CustomLog ${logs['cookie-header-route']} cookie-header-route

<Proxy balancer://lab>
${options.members.map((m) => `  BalancerMember ${m.url} route=${m.route} retry=1`).join('\n')}
  ProxySet lbmethod=byrequests${sticky}
</Proxy>
${options.balancerManager === false ? '' : '<Location /balancer-manager>\n  SetHandler balancer-manager\n  Require all granted\n</Location>\nProxyPass /balancer-manager !'}
ProxyPass /app balancer://lab/app
ProxyPassReverse /app balancer://lab/app
`
  const confPath = join(dir, 'httpd.conf')
  writeFileSync(confPath, conf)
  const proc = spawnServer('apache', '/usr/sbin/apache2', ['-f', confPath, '-DFOREGROUND'], join(dir, 'stdout.log'))
  await waitForHttp(`http://${LOOPBACK}:${port}/app/health`, proc)
  return balancer('apache', proc, port, dir, confPath, logs)
}

export interface HaproxyOptions {
  servers: Member[]
  /** `insert`: cookie SERVERID insert indirect nocache; `prefix`: cookie JSESSIONID prefix nocache. */
  cookie: 'insert' | 'prefix'
}

export async function startHaproxy(options: HaproxyOptions): Promise<Balancer & {adminSocket: string}> {
  const dir = labTempDir('haproxy')
  const port = await freePort()
  const adminSocket = join(dir, 'admin.sock')
  const cookie = options.cookie === 'insert' ? 'cookie SERVERID insert indirect nocache' : 'cookie JSESSIONID prefix nocache'
  const conf = `# sessdoc lab: HAProxy 2.6 in front of Tomcat nodes (generated)
global
  log stdout format raw local0
  stats socket ${adminSocket} mode 600 level admin

defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  retries 1
  option redispatch

frontend lab
  bind ${LOOPBACK}:${port}
  capture cookie JSESSIONID len 63
  default_backend be

backend be
  balance roundrobin
  ${cookie}
  option httpchk GET /app/health
${options.servers.map((s) => `  server ${s.route} ${new URL(s.url).host} cookie ${s.route} check inter 300 fall 1 rise 1`).join('\n')}
`
  const confPath = join(dir, 'haproxy.cfg')
  writeFileSync(confPath, conf)
  const log = join(dir, 'haproxy.log')
  const proc = spawnServer('haproxy', '/usr/sbin/haproxy', ['-db', '-f', confPath], log, {errFile: join(dir, 'stderr.log')})
  await waitForHttp(`http://${LOOPBACK}:${port}/app/health`, proc)
  return {...balancer('haproxy', proc, port, dir, confPath, {haproxy: log}), adminSocket}
}

/** One command on HAProxy's admin socket (`set server be/node2 state drain`); its answer. */
export function haproxyCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    const s = connect(socket, () => s.end(`${command}\n`))
    s.on('data', (d) => {
      out += d
    })
    s.on('end', () => resolve(out))
    s.on('error', reject)
  })
}

export const NGINX_LOG_FORMATS = {
  /** docs/access-log.md `nginx-cookie`. */
  'nginx-cookie':
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$cookie_JSESSIONID" $upstream_addr',
  /** The name=$var style of issue #15. */
  'nginx-kv':
    'time=$time_iso8601 client=$remote_addr request="$request" status=$status ua="$http_user_agent" sid=$cookie_JSESSIONID upstream=$upstream_addr',
} as const

export interface NginxOptions {
  upstreams: Member[]
  ipHash: boolean
}

export async function startNginx(options: NginxOptions): Promise<Balancer> {
  const dir = labTempDir('nginx')
  chmodSync(dir, 0o755)
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub))
  const port = await freePort()
  const logs = {'nginx-cookie': join(dir, 'access.log'), 'nginx-kv': join(dir, 'access_kv.log')}
  const conf = `# sessdoc lab: nginx 1.22 in front of Tomcat nodes (generated)
daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
${Object.entries(NGINX_LOG_FORMATS)
  .map(([name, format]) => `  log_format ${name} '${format}';`)
  .join('\n')}
  access_log ${logs['nginx-cookie']} nginx-cookie;
  access_log ${logs['nginx-kv']} nginx-kv;
  upstream lab {
${options.ipHash ? '    ip_hash;\n' : ''}${options.upstreams.map((u) => `    server ${new URL(u.url).host} max_fails=1 fail_timeout=2s;`).join('\n')}
  }
  server {
    listen ${LOOPBACK}:${port};
    location / {
      proxy_pass http://lab;
      proxy_next_upstream error timeout;
    }
  }
}
`
  const confPath = join(dir, 'nginx.conf')
  writeFileSync(confPath, conf)
  const proc = spawnServer('nginx', '/usr/sbin/nginx', ['-p', dir, '-c', confPath, '-e', join(dir, 'error.log')], join(dir, 'stdout.log'))
  await waitForHttp(`http://${LOOPBACK}:${port}/app/health`, proc)
  return balancer('nginx', proc, port, dir, confPath, logs)
}
