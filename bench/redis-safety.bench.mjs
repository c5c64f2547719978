// What a scan costs the server (issue: provably safe against production Redis): the largest single
// command sessdoc causes, read from the server's own SLOWLOG and LATENCY while it scans 1M keys,
// and whether --max-rate holds the rate it promises.
// BENCH_REDIS_KEYS=200000 for a quicker run.
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {loadSpring} from '../fixtures/redis/load.mjs'
import {measure, startBenchRedis} from './lib.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const totalKeys = Number(process.env.BENCH_REDIS_KEYS ?? 1_000_000)
const {port, admin} = await startBenchRedis()
const sessions = Math.floor(totalKeys / 2)
await loadSpring(admin, {sessions, noTtl: Math.floor(sessions / 500), large: 200, huge: 10, users: 1000})
const dbsize = await admin.dbsize()
console.log(`\n## Server cost of a scan: ${dbsize.toLocaleString('en-US')} keys, redis-server on loopback`)

const sessdoc = (extra) => ['node', join(root, 'bin/run.js'), 'redis', 'scan', '--redis', `redis://127.0.0.1:${port}`, '--json', ...extra]
const rows = []
for (const [label, extra] of [
  ['default (COUNT 1000)', []],
  ['--count 100', ['--count', '100']],
  ['--max-rate 50000', ['--max-rate', '50000']],
  ['--max-rate 200000', ['--max-rate', '200000']],
]) {
  await admin.config('SET', 'slowlog-log-slower-than', '0')
  await admin.config('SET', 'slowlog-max-len', '100000')
  await admin.config('SET', 'latency-monitor-threshold', '1')
  await admin.call('SLOWLOG', 'RESET')
  await admin.call('LATENCY', 'RESET')
  const run = measure(sessdoc(extra))
  if (run.status !== 0 && run.status !== 1 && run.status !== 2) throw new Error(`sessdoc exited ${run.status}: ${run.stderr.slice(0, 300)}`)
  const report = JSON.parse(run.stdout)
  const log = await admin.call('SLOWLOG', 'GET', '100000')
  const byCommand = new Map()
  // Only sessdoc's own connections (it names them), not this bench's admin client.
  for (const entry of log.filter((e) => String(e[5]) === 'sessdoc')) {
    const name = String(entry[3][0]).toUpperCase()
    const micros = Number(entry[2])
    const top = byCommand.get(name) ?? {count: 0, max: 0}
    top.count++
    top.max = Math.max(top.max, micros)
    byCommand.set(name, top)
  }
  const worst = [...byCommand.entries()].sort((a, b) => b[1].max - a[1].max)[0]
  const latency = await admin.call('LATENCY', 'LATEST')
  const maxEventMs = Math.max(0, ...latency.map((e) => Number(e[3])))
  const keys = report.sources.redis.keysScanned
  const promised = extra[0] === '--max-rate' ? Number(extra[1]) : null
  const rate = keys / run.seconds
  rows.push({label, seconds: run.seconds, rate, promised, worst, maxEventMs, rss: run.rssMb, commands: [...byCommand.keys()].join(' ')})
}
admin.disconnect()

console.log('| run | s | keys/s (whole process) | promised | slowest single command | LATENCY max ms | commands sent | peak RSS MB |')
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |')
for (const r of rows) {
  const holds = r.promised ? (r.rate <= r.promised * 1.05 ? ' (holds)' : ' (EXCEEDED)') : ''
  console.log(
    `| ${r.label} | ${r.seconds.toFixed(2)} | ${Math.round(r.rate).toLocaleString('en-US')}${holds} | ${r.promised ?? '–'} | ${r.worst ? `${r.worst[0]} ${(r.worst[1].max / 1000).toFixed(2)} ms` : '–'} | ${r.maxEventMs} | ${r.commands} | ${r.rss?.toFixed(0) ?? '–'} |`,
  )
}
const exceeded = rows.filter((r) => r.promised && r.rate > r.promised * 1.05)
if (exceeded.length > 0) {
  console.error(`--max-rate did not hold: ${exceeded.map((r) => r.label).join(', ')}`)
  process.exit(1)
}
