import {type ChildProcess, spawnSync} from 'node:child_process'
import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {freePort, startServerProcess} from './server-process.js'

/** Debian's `clickhouse-server` (18.16) is installed: the ClickHouse tests run only then. */
export const clickhouseInstalled =
  spawnSync('sh', ['-c', 'command -v clickhouse-server || test -x /usr/sbin/clickhouse-server']).status === 0

/** The user with a password every test server has (the `default` user has none and full rights). */
export const CH_USER = 'sessdoc'
export const CH_PASSWORD = 's3cret ü'
/** Users whose profile is read-only, as a site would give sessdoc (same password): readonly=1 and readonly=2. */
export const CH_READONLY_USERS = {1: 'sessdoc_ro1', 2: 'sessdoc_ro2'} as const

export interface TestClickHouse {
  host: string
  httpPort: number
  tcpPort: number
  dir: string
  /** `http://127.0.0.1:PORT`. */
  base: string
  process: ChildProcess
  /** Runs SQL as the `default` user (arranging data, not sessdoc's path); the body is the response text. */
  query(sql: string, body?: string): Promise<string>
  stop(): Promise<void>
}

export interface ClusterShard {
  tcpPort: number
}

function configXml(o: {dir: string; httpPort: number; tcpPort: number; shards: ClusterShard[]}): string {
  const shards = o.shards.map((s) => `<shard><replica><host>127.0.0.1</host><port>${s.tcpPort}</port></replica></shard>`).join('')
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${o.dir}/server.log</log><errorlog>${o.dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${o.httpPort}</http_port>
  <tcp_port>${o.tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${o.dir}/data/</path>
  <tmp_path>${o.dir}/tmp/</tmp_path>
  <user_files_path>${o.dir}/user_files/</user_files_path>
  <format_schema_path>${o.dir}/format_schemas/</format_schema_path>
  <users_config>${o.dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <timezone>UTC</timezone>
  <max_concurrent_queries>20</max_concurrent_queries>
  <remote_servers><sessdoc_two_shards>${shards}</sessdoc_two_shards></remote_servers>
</yandex>
`
}

function usersXml(): string {
  return `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default><max_memory_usage>4000000000</max_memory_usage><max_threads>2</max_threads></default>
    <ro1><readonly>1</readonly><max_threads>2</max_threads></ro1>
    <ro2><readonly>2</readonly><max_threads>2</max_threads></ro2>
  </profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
    <${CH_USER}><password>${CH_PASSWORD.replace('ü', '&#252;')}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></${CH_USER}>
    <${CH_READONLY_USERS[1]}><password>${CH_PASSWORD.replace('ü', '&#252;')}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>ro1</profile><quota>default</quota></${CH_READONLY_USERS[1]}>
    <${CH_READONLY_USERS[2]}><password>${CH_PASSWORD.replace('ü', '&#252;')}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>ro2</profile><quota>default</quota></${CH_READONLY_USERS[2]}>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`
}

/**
 * Tries `start` up to three times: a port found free can be taken by another test's server before this one
 * binds it (the server then exits), and the next try takes other ports.
 */
async function withRetries<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start()
    } catch (error) {
      if (attempt >= 3) throw error
    }
  }
}

/** Starts a real clickhouse-server on free loopback ports with its own config and data dir. */
export async function startClickHouse(
  options: {ports?: {http: number; tcp: number}; shards?: ClusterShard[]} = {},
): Promise<TestClickHouse> {
  return options.ports ? startOnce(options) : withRetries(() => startOnce(options))
}

async function startOnce(options: {ports?: {http: number; tcp: number}; shards?: ClusterShard[]}): Promise<TestClickHouse> {
  const httpPort = options.ports?.http ?? (await freePort())
  const tcpPort = options.ports?.tcp ?? (await freePort())
  const dir = await mkdtemp(join(tmpdir(), 'sessdoc-clickhouse-'))
  await writeFile(join(dir, 'config.xml'), configXml({dir, httpPort, tcpPort, shards: options.shards ?? [{tcpPort}]}))
  await writeFile(join(dir, 'users.xml'), usersXml())
  const host = '127.0.0.1'
  const base = `http://${host}:${httpPort}`
  const query = async (sql: string, body?: string): Promise<string> => {
    const url = body === undefined ? base : `${base}/?query=${encodeURIComponent(sql)}`
    const response = await fetch(url, {method: 'POST', body: body ?? sql})
    const text = await response.text()
    if (!response.ok) throw new Error(`ClickHouse ${response.status}: ${text.slice(0, 500)}`)
    return text
  }
  const server = await startServerProcess({
    command: 'clickhouse-server',
    args: [`--config-file=${join(dir, 'config.xml')}`],
    dir,
    cwd: dir,
    port: httpPort,
    ready: async () => (await query('SELECT 1')).trim() === '1',
    timeoutMs: 30_000,
    pollMs: 100,
    errorLog: join(dir, 'server.err.log'),
  })
  return {host, httpPort, tcpPort, dir, base, process: server.process, query, stop: server.stop}
}

/** Two servers that both know the cluster `sessdoc_two_shards` (one shard each). */
export async function startTwoShards(): Promise<{servers: [TestClickHouse, TestClickHouse]; stop(): Promise<void>}> {
  const servers = await withRetries(async () => {
    const ports = [
      {http: await freePort(), tcp: await freePort()},
      {http: await freePort(), tcp: await freePort()},
    ]
    const shards = ports.map((p) => ({tcpPort: p.tcp}))
    const started = await Promise.allSettled(ports.map((p) => startClickHouse({ports: p, shards})))
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
    if (failed) {
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)))
      throw failed.reason
    }
    return started.map((s) => (s as PromiseFulfilledResult<TestClickHouse>).value) as [TestClickHouse, TestClickHouse]
  })
  return {
    servers,
    async stop() {
      await Promise.all(servers.map((s) => s.stop()))
    },
  }
}
