/** Tomcat 10.1 nodes of the lab: Debian's CATALINA_HOME, a CATALINA_BASE of each node's own, the lab app on /app. */
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {CATALINA_HOME, freePort, type LabProcess, LOOPBACK, labTempDir, spawnServer, waitForHttp} from './process.js'

const webappSource = fileURLToPath(new URL('./webapp/', import.meta.url))

/**
 * AccessLogValve pattern: Tomcat's %S is the session id (Apache's %S is bytes), %{JSESSIONID}c the request cookie.
 * The time in milliseconds (%{end:msec}t), not %t's whole seconds: the nodes' logs are merged in time order, and one
 * user's requests reach two nodes within a second when a node stops.
 */
export const TOMCAT_ACCESS_PATTERN = '%h %l %u %{end:msec}t &quot;%r&quot; %s %b %D %S &quot;%{JSESSIONID}c&quot;'

let builtApp: string | null = null

/** Compiles the lab servlet once per test run into an exploded webapp directory. */
export function buildLabApp(): string {
  if (builtApp) return builtApp
  const dir = join(labTempDir('app'), 'app')
  const classes = join(dir, 'WEB-INF', 'classes')
  mkdirSync(classes, {recursive: true})
  copyFileSync(join(webappSource, 'web.xml'), join(dir, 'WEB-INF', 'web.xml'))
  const javac = spawnSync(
    'javac',
    ['-nowarn', '--release', '17', '-cp', `${CATALINA_HOME}/lib/servlet-api.jar`, '-d', classes, join(webappSource, 'LabServlet.java')],
    {encoding: 'utf8'},
  )
  if (javac.status !== 0) throw new Error(`javac failed: ${javac.stderr}`)
  builtApp = dir
  return dir
}

export interface TomcatOptions {
  /** The node's name (the BalancerMember route= it is meant to have). */
  name: string
  /** Engine jvmRoute; default: the name. */
  jvmRoute?: string
}

function serverXml(port: number, jvmRoute: string, appDir: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="${port}" address="${LOOPBACK}" protocol="HTTP/1.1" connectionTimeout="20000" maxThreads="20" />
    <Engine name="Catalina" defaultHost="localhost" jvmRoute="${jvmRoute}">
      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false" deployOnStartup="false">
        <Context path="/app" docBase="${appDir}" reloadable="false">
          <JarScanner scanClassPath="false" scanManifest="false" scanAllDirectories="false" />
          <!-- Tomcat 10.1 persists sessions across restarts only when asked (Debian's context.xml has it commented out). -->
          <Manager pathname="SESSIONS.ser" />
        </Context>
        <Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs" prefix="localhost_access_log" suffix=".txt"
               pattern="${TOMCAT_ACCESS_PATTERN}" buffered="false" />
      </Host>
    </Engine>
  </Service>
</Server>
`
}

/** Stock Tomcat logging (OneLineFormatter on the console, so catalina.out looks as on most hosts). */
const LOGGING = `handlers = 1catalina.org.apache.juli.FileHandler, 2localhost.org.apache.juli.FileHandler, java.util.logging.ConsoleHandler
.handlers = 1catalina.org.apache.juli.FileHandler, java.util.logging.ConsoleHandler
1catalina.org.apache.juli.FileHandler.level = FINE
1catalina.org.apache.juli.FileHandler.directory = \${catalina.base}/logs
1catalina.org.apache.juli.FileHandler.prefix = catalina.
2localhost.org.apache.juli.FileHandler.level = FINE
2localhost.org.apache.juli.FileHandler.directory = \${catalina.base}/logs
2localhost.org.apache.juli.FileHandler.prefix = localhost.
java.util.logging.ConsoleHandler.level = FINE
java.util.logging.ConsoleHandler.formatter = org.apache.juli.OneLineFormatter
org.apache.catalina.core.ContainerBase.[Catalina].[localhost].level = INFO
org.apache.catalina.core.ContainerBase.[Catalina].[localhost].handlers = 2localhost.org.apache.juli.FileHandler
`

const JVM_FLAGS = [
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  '-XX:+UseSerialGC',
  '-Xss512k',
  '-Xms32m',
  '-Xmx128m',
  '-XX:CICompilerCount=1',
]

/** One Tomcat node; `restart` stops it gracefully (sessions saved to SESSIONS.ser) and starts it again, maybe with another jvmRoute. */
export class TomcatNode {
  proc: LabProcess | null = null
  jvmRoute: string
  /** Times (ms) this node was started and stopped, in order. */
  readonly starts: number[] = []
  readonly stops: number[] = []

  private constructor(
    readonly name: string,
    readonly base: string,
    readonly port: number,
    jvmRoute: string,
  ) {
    this.jvmRoute = jvmRoute
  }

  static async create(options: TomcatOptions): Promise<TomcatNode> {
    const base = labTempDir(`tomcat-${options.name}`)
    for (const sub of ['conf', 'logs', 'temp', 'webapps', 'work']) mkdirSync(join(base, sub))
    copyFileSync(`${CATALINA_HOME}/etc/catalina.properties`, join(base, 'conf', 'catalina.properties'))
    copyFileSync(`${CATALINA_HOME}/etc/web.xml`, join(base, 'conf', 'web.xml'))
    writeFileSync(join(base, 'conf', 'logging.properties'), LOGGING)
    const node = new TomcatNode(options.name, base, await freePort(), options.jvmRoute ?? options.name)
    return node
  }

  get url(): string {
    return `http://${LOOPBACK}:${this.port}`
  }

  get logs(): string {
    return join(this.base, 'logs')
  }

  async start(jvmRoute = this.jvmRoute): Promise<void> {
    this.jvmRoute = jvmRoute
    writeFileSync(join(this.base, 'conf', 'server.xml'), serverXml(this.port, jvmRoute, buildLabApp()))
    const args = [
      ...JVM_FLAGS,
      `-Dlab.node=${this.name}`,
      `-Dlab.jvmRoute=${jvmRoute}`,
      `-Dcatalina.home=${CATALINA_HOME}`,
      `-Dcatalina.base=${this.base}`,
      `-Djava.io.tmpdir=${join(this.base, 'temp')}`,
      '-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager',
      `-Djava.util.logging.config.file=${join(this.base, 'conf', 'logging.properties')}`,
      '-Dtomcat.util.scan.StandardJarScanFilter.jarsToSkip=*.jar',
      '-cp',
      `${CATALINA_HOME}/bin/bootstrap.jar:${CATALINA_HOME}/bin/tomcat-juli.jar`,
      'org.apache.catalina.startup.Bootstrap',
      'start',
    ]
    this.starts.push(Date.now())
    this.proc = spawnServer(`tomcat ${this.name}`, 'java', args, join(this.logs, 'catalina.out'), {
      env: {CATALINA_HOME, CATALINA_BASE: this.base},
    })
    await waitForHttp(`${this.url}/app/health`, this.proc, 60_000)
  }

  /** A graceful stop (SIGTERM runs Catalina's shutdown hook: StandardManager writes SESSIONS.ser). */
  async stop(): Promise<void> {
    this.stops.push(Date.now())
    await this.proc?.stop('SIGTERM', 20_000)
    this.proc = null
  }

  async restart(jvmRoute = this.jvmRoute): Promise<void> {
    await this.stop()
    await this.start(jvmRoute)
  }
}

/** Starts `names.length` nodes in parallel. */
export async function startTomcatNodes(names: string[]): Promise<TomcatNode[]> {
  const nodes = await Promise.all(names.map((name) => TomcatNode.create({name})))
  await Promise.all(nodes.map((n) => n.start()))
  return nodes
}

/** The brief's shape: one node, started. */
export async function startTomcatNode(options: TomcatOptions): Promise<TomcatNode> {
  const node = await TomcatNode.create(options)
  await node.start()
  return node
}
