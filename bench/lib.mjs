// Shared by the benchmarks: time commands alternately in one run (the machine is shared and
// noisy, so ratios of interleaved runs say more than absolute times), with peak RSS from
// /usr/bin/time -f %M.
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Redis} from 'ioredis'
import {generateLogToFd} from '../fixtures/access-log/generate.mjs'

const TIME = '/usr/bin/time'

/** Runs `argv` once; returns seconds, peak RSS (MB) and stdout. Shell strings run under sh -c. */
export function measure(argv, {env, input} = {}) {
  const command = typeof argv === 'string' ? ['sh', '-c', argv] : argv
  const withTime = existsSync(TIME) ? [TIME, '-f', '%M', ...command] : command
  const start = process.hrtime.bigint()
  const result = spawnSync(withTime[0], withTime.slice(1), {
    env: {...process.env, ...env},
    input,
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const rssLine = existsSync(TIME) ? result.stderr.trim().split('\n').pop() : ''
  const rssMb = /^\d+$/.test(rssLine ?? '') ? Number(rssLine) / 1024 : null
  return {seconds, rssMb, status: result.status, stdout: result.stdout, stderr: result.stderr}
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Times each contender `rounds` times, interleaved (A B C A B C …), and prints a table of
 * median seconds, throughput (`units` / s), ratio to the first contender and peak RSS.
 * contenders: [{name, argv | run(): {seconds, rssMb}}]
 */
export function compare(title, contenders, {rounds = 5, units = 0, unitName = 'lines'} = {}) {
  const samples = new Map(contenders.map((c) => [c.name, []]))
  for (let round = 0; round < rounds; round++) {
    for (const c of contenders) {
      const r = c.run ? c.run() : measure(c.argv, c)
      if (r.status !== undefined && r.status !== null && !(c.okStatus ?? [0]).includes(r.status)) {
        throw new Error(`${c.name} exited ${r.status}: ${r.stderr?.slice(0, 500)}`)
      }
      samples.get(c.name).push(r)
    }
  }
  const rows = contenders.map((c) => {
    const runs = samples.get(c.name)
    const seconds = median(runs.map((r) => r.seconds))
    const rss = Math.max(...runs.map((r) => r.rssMb ?? 0))
    return {name: c.name, seconds, rss}
  })
  const base = rows[0].seconds
  console.log(`\n## ${title} (median of ${rounds}, interleaved)`)
  console.log(`| contender | median s | ${unitName}/s | time vs ${rows[0].name} | peak RSS MB |`)
  console.log('| --- | --- | --- | --- | --- |')
  for (const r of rows) {
    const rate = units ? Math.round(units / r.seconds).toLocaleString('en-US') : '–'
    console.log(`| ${r.name} | ${r.seconds.toFixed(3)} | ${rate} | ${(r.seconds / base).toFixed(2)}x | ${r.rss ? r.rss.toFixed(0) : '–'} |`)
  }
  return rows
}

// Bench servers do not hold a bench open (unref): when its work is done it exits, and this kills them.
const benchServers = []
process.on('exit', () => {
  for (const {child, dir} of benchServers) {
    child.kill('SIGKILL')
    rmSync(dir, {recursive: true, force: true})
  }
})

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * A bench-owned redis-server on a free loopback port (never the machine's 6379), killed when the
 * bench exits. Returns the port and a connected admin client for loading data.
 */
export async function startBenchRedis(extraArgs = []) {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sessdoc-bench-redis-'))
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--loglevel',
      'warning',
      ...extraArgs,
    ],
    {stdio: 'ignore'},
  )
  child.unref()
  benchServers.push({child, dir})
  const admin = new Redis({port, host: '127.0.0.1', protocol: 2, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0})
  admin.on('error', () => {})
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.connect()
      return {port, admin}
    } catch (error) {
      if (attempt > 200) throw error
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

/**
 * A bench-owned clickhouse-server (Debian's 18.16) on free loopback ports, killed when the bench exits.
 * `cluster`: the TCP ports of the shards of cluster `bench_shards` (one replica each), this server's own among them.
 */
export async function startBenchClickHouse({http, tcp, cluster = []} = {}) {
  http ??= await freePort()
  tcp ??= await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sessdoc-bench-clickhouse-'))
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub))
  const shards = cluster.map((port) => `<shard><replica><host>127.0.0.1</host><port>${port}</port></replica></shard>`).join('')
  writeFileSync(
    join(dir, 'config.xml'),
    `<?xml version="1.0"?><yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${http}</http_port><tcp_port>${tcp}</tcp_port><listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path><tmp_path>${dir}/tmp/</tmp_path><user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path><users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size><timezone>UTC</timezone>
  <remote_servers><bench_shards>${shards}</bench_shards></remote_servers>
</yandex>`,
  )
  writeFileSync(
    join(dir, 'users.xml'),
    `<?xml version="1.0"?><yandex>
  <profiles><default><max_memory_usage>8000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>`,
  )
  const child = spawn('clickhouse-server', [`--config-file=${join(dir, 'config.xml')}`], {cwd: dir, stdio: 'ignore'})
  child.unref()
  benchServers.push({child, dir})
  const sql = async (text, params = '') => {
    const response = await fetch(`http://127.0.0.1:${http}/${params}`, {method: 'POST', body: text})
    const body = await response.text()
    if (!response.ok) throw new Error(`ClickHouse: ${body.slice(0, 500)}`)
    return body
  }
  for (let i = 0; ; i++) {
    try {
      if ((await sql('SELECT 1')).trim() === '1') return {http, tcp, sql}
    } catch (error) {
      if (i > 300) throw error
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** The access-log bench data (access-log, trace): `lines` combined-cookie lines with planted flips, written to `file`. */
export function writeAccessLogBenchData(file, lines) {
  const fd = openSync(file, 'w')
  const {truth} = generateLogToFd(fd, {
    lines,
    format: 'combined-cookie',
    activeSessions: 3000,
    flipRate: 0.002,
    idInUrlRate: 0.0005,
    seed: 2026,
    stepMs: 20,
  })
  closeSync(fd)
  return {truth, bytes: statSync(file).size}
}
