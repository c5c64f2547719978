// npm run bench -- clickhouse: sessdoc access-log through ClickHouse (the folds run in the server as SQL)
// against sessdoc's file reader on the same rows exported to a log file. 10M rows are generated inside a
// bench-owned clickhouse-server (Debian's 18.16) by INSERT … SELECT FROM numbers(), with planted
// misrouted requests; clickhouse-client writes them out as Apache lines (%{sec}t, the cookie, the worker
// route). The two reports must agree figure for figure (bar what differs by nature), then both are timed,
// interleaved. Peak RSS is sessdoc's own (the server's memory is not in it).
import {spawn, spawnSync} from 'node:child_process'
import {createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {compare, freePort, measure} from './lib.mjs'

const root = process.env.SESSDOC_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..')
const rows = Number(process.env.CLICKHOUSE_BENCH_ROWS ?? 10_000_000)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
// Requests per session (per 3,000 users' generation): the folds' memory grows with its square (see docs/access-log.md).
const perSession = Number(process.env.CLICKHOUSE_BENCH_REQUESTS_PER_SESSION ?? 20)

if (spawnSync('sh', ['-c', 'command -v clickhouse-server && command -v clickhouse-client']).status !== 0) {
  console.log('skipped: clickhouse-server and clickhouse-client are not installed (apt-get install clickhouse-server clickhouse-client)')
  process.exit(0)
}

const dir = mkdtempSync(join(tmpdir(), 'sessdoc-bench-clickhouse-'))
const http = await freePort()
const tcp = await freePort()
for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub))
writeFileSync(
  join(dir, 'config.xml'),
  `<?xml version="1.0"?><yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${http}</http_port><tcp_port>${tcp}</tcp_port><listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path><tmp_path>${dir}/tmp/</tmp_path><user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path><users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size><timezone>UTC</timezone>
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
const server = spawn('clickhouse-server', [`--config-file=${join(dir, 'config.xml')}`], {cwd: dir, stdio: 'ignore'})
process.on('SIGINT', () => process.exit(130))
process.on('SIGTERM', () => process.exit(143))
process.on('exit', () => {
  server.kill('SIGKILL')
  rmSync(dir, {recursive: true, force: true})
})

async function sql(text) {
  const response = await fetch(`http://127.0.0.1:${http}/`, {method: 'POST', body: text})
  const body = await response.text()
  if (!response.ok) throw new Error(`ClickHouse: ${body.slice(0, 500)}`)
  return body
}
for (let i = 0; ; i++) {
  try {
    if ((await sql('SELECT 1')).trim() === '1') break
  } catch (error) {
    if (i > 300) throw error
  }
  await new Promise((resolve) => setTimeout(resolve, 100))
}

// 3,000 users at a time, perSession requests each per generation, 500 requests/s: a new set of
// session ids every 3,000 × perSession rows. Each session's home is node1..3 (its id's suffix); one request in
// 1,000 (by a hash of the row) is served by the next node: a planted misrouted request, two flips.
const started = Date.now()
await sql('CREATE DATABASE logs')
await sql(`CREATE TABLE logs.access (ts DateTime, seq UInt64, jsessionid String, upstream String, remote_addr String,
  user_agent String, status UInt16, request_uri String) ENGINE = MergeTree() ORDER BY (ts, seq)`)
await sql(`INSERT INTO logs.access
  SELECT toDateTime(1796515200 + intDiv(number, 500)) AS ts, number AS seq,
    concat(hex(cityHash64(s, g)), '.node', toString(home)) AS jsessionid,
    concat('node', toString(if(cityHash64(number, 7) % 1000 = 0, home % 3 + 1, home))) AS upstream,
    concat('10.', toString(s % 250), '.', toString(intDiv(s, 250)), '.', toString(g % 250)) AS remote_addr,
    'Mozilla/5.0 (sessdoc bench)' AS user_agent, toUInt16(200) AS status,
    concat('/app/page/', toString(number % 17)) AS request_uri
  FROM (SELECT number, number % 3000 AS s, intDiv(number, ${3000 * perSession}) AS g, cityHash64(number % 3000, intDiv(number, ${3000 * perSession})) % 3 + 1 AS home
        FROM numbers(${rows}))`)
const planted = Number((await sql(`SELECT count() FROM numbers(${rows}) WHERE cityHash64(number, 7) % 1000 = 0`)).trim())
console.log(
  `generated ${rows.toLocaleString('en-US')} rows (${perSession} requests a session) in ClickHouse in ${((Date.now() - started) / 1000).toFixed(1)} s; planted ${planted} misrouted requests`,
)

// The same rows as an access log the file reader reads (Apache: epoch seconds, the cookie, the worker route).
const file = join(dir, 'access.log')
const exportStarted = Date.now()
await new Promise((resolve, reject) => {
  const out = createWriteStream(file)
  const client = spawn('clickhouse-client', [
    '--port',
    String(tcp),
    '--query',
    `SELECT concat(remote_addr, ' - - ', toString(toUInt32(ts)), ' "GET ', request_uri, ' HTTP/1.1" ', toString(status), ' 512 "',
      user_agent, '" "', jsessionid, '" ', upstream) FROM logs.access ORDER BY ts, seq FORMAT TSVRaw`,
  ])
  client.stdout.pipe(out)
  client.on('error', reject)
  const exited = new Promise((done) => client.on('exit', done))
  out.on('finish', async () => {
    const code = await exited
    if (code === 0) resolve()
    else reject(new Error(`clickhouse-client exited ${code}`))
  })
})
const bytes = statSync(file).size
console.log(
  `exported with clickhouse-client … FORMAT TSVRaw: ${(bytes / 1e6).toFixed(0)} MB in ${((Date.now() - exportStarted) / 1000).toFixed(1)} s`,
)

const window = ['--since', '2026-12-06T00:00:00Z', '--until', '2026-12-08T00:00:00Z']
const bin = join(root, 'bin', 'run.js')
const map = 'time=ts,order=seq,session=jsessionid,route=upstream,client=remote_addr,agent=user_agent,status=status,path=request_uri'
const viaClickHouse = [process.execPath, bin, 'access-log', `clickhouse://127.0.0.1:${http}/logs.access`, '--map', map, ...window]
const logFormat = '%h %l %u %{sec}t "%r" %>s %b "%{User-Agent}i" "%{JSESSIONID}C" %{BALANCER_WORKER_ROUTE}e'
const viaFile = [process.execPath, bin, 'access-log', file, '--log-format', logFormat, ...window]
const json = ['--json', '--fail-on', 'never']

// Correctness first: figure for figure, bar what differs by nature (docs/access-log.md, "ClickHouse").
const byNature = ['files', 'lines', 'detectedFormat', 'formatSource', 'rejected', 'rejectedSamples', 'errors', 'peakActiveSessions']
const sectionOf = (run) => {
  if (run.status !== 0 && run.status !== 1 && run.status !== 2) throw new Error(`exit ${run.status}: ${run.stderr.slice(0, 500)}`)
  const section = JSON.parse(run.stdout).sources.accessLog
  for (const key of byNature) delete section[key]
  return section
}
const ch = sectionOf(measure([...viaClickHouse, ...json]))
const fromFile = sectionOf(measure([...viaFile, ...json]))
const differing = Object.keys({...ch, ...fromFile}).filter((k) => JSON.stringify(sortKeys(ch[k])) !== JSON.stringify(sortKeys(fromFile[k])))
console.log(
  `ClickHouse: ${ch.parsed} requests, ${ch.sessions} sessions, ${ch.routeFlips} flips in ${ch.sessionsWithFlips} sessions, ${ch.misroutedRequests} misrouted (planted ${planted}), ${ch.sessionsLost} lost`,
)
console.log(
  `file:       ${fromFile.parsed} requests, ${fromFile.sessions} sessions, ${fromFile.routeFlips} flips in ${fromFile.sessionsWithFlips} sessions, ${fromFile.misroutedRequests} misrouted, ${fromFile.sessionsLost} lost`,
)
console.log(differing.length === 0 ? 'every other figure equal' : `DIFFERENT: ${differing.join(', ')}`)
if (differing.length > 0 || ch.misroutedRequests !== planted) process.exitCode = 1

compare(
  `access-log, ${rows.toLocaleString('en-US')} rows / ${(bytes / 1e6).toFixed(0)} MB`,
  [
    {name: 'sessdoc access-log clickhouse://… (folds in the server)', argv: [...viaClickHouse, ...json]},
    {name: 'sessdoc access-log FILE (threads: idle cores)', argv: [...viaFile, ...json]},
    {name: 'sessdoc access-log FILE --threads 1', argv: [...viaFile, ...json, '--threads', '1']},
  ],
  {rounds, units: rows, unitName: 'rows'},
)
console.log('(plain fetch against @clickhouse/client: not measured; the client is not a dependency)')

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys(value[k])]),
    )
  return value
}
