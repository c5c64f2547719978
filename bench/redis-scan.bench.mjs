import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Redis} from 'ioredis'
import {loadSpring} from '../fixtures/redis/load.mjs'
import {compare, measure, median, startBenchRedis} from './lib.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')

if (process.argv[2] === '--plain-loop') {
  await plainLoop(Number(process.argv[3]))
  process.exit(0)
}

/** The baseline: what one would write by hand with ioredis. */
async function plainLoop(port) {
  const client = new Redis({port, host: '127.0.0.1', protocol: 2})
  let cursor = '0'
  let keys = 0
  let noTtl = 0
  let bytes = 0
  do {
    const [next, batch] = await client.scan(cursor, 'COUNT', 1000)
    cursor = next
    const pipeline = client.pipeline()
    for (const key of batch) {
      pipeline.pttl(key)
      pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')
    }
    const results = await pipeline.exec()
    for (let i = 0; i < results.length; i += 2) {
      if (results[i][1] === -1) noTtl++
      bytes += Number(results[i + 1][1] ?? 0)
    }
    keys += batch.length
  } while (cursor !== '0')
  console.log(JSON.stringify({keys, noTtl, bytes}))
  client.disconnect()
}

const totalKeys = Number(process.env.BENCH_REDIS_KEYS ?? 1_000_000)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const {port, admin} = await startBenchRedis()
const sessions = Math.floor(totalKeys / 2)
const planted = {noTtl: Math.max(1, Math.floor(sessions / 500)), large: 200, huge: 10}
let started = Date.now()
const truth = await loadSpring(admin, {sessions, noTtl: planted.noTtl, large: planted.large, huge: planted.huge, users: 1000})
const dbsize = await admin.dbsize()
console.log(
  `loaded ${dbsize.toLocaleString('en-US')} keys (${sessions.toLocaleString('en-US')} Spring sessions, ${truth.sessionsWithoutTtl} without TTL, ${planted.large + planted.huge} ≥ 10 KB) in ${((Date.now() - started) / 1000).toFixed(1)} s; redis-server ${(await admin.info('server')).match(/redis_version:(\S+)/)[1]}`,
)

const cpuByContender = new Map()
const commandStats = new Map()
// compare() runs contenders synchronously (spawnSync), so the server CPU is read around each run
// from a second process: `redis-cli INFO cpu` is cheap and does not block the event loop here.
const cpuNow = () => {
  const r = measure(['redis-cli', '-p', String(port), 'INFO', 'cpu'])
  const user = Number(r.stdout.match(/used_cpu_user:([\d.]+)/)[1])
  const sys = Number(r.stdout.match(/used_cpu_sys:([\d.]+)/)[1])
  return user + sys
}
const withServerCpu = (name, argv, check) => ({
  name,
  run() {
    measure(['redis-cli', '-p', String(port), 'CONFIG', 'RESETSTAT'])
    const before = cpuNow()
    const result = measure(argv)
    const cpu = cpuNow() - before
    if (!cpuByContender.has(name)) cpuByContender.set(name, [])
    cpuByContender.get(name).push(cpu)
    commandStats.set(name, measure(['redis-cli', '-p', String(port), 'INFO', 'commandstats']).stdout)
    if (check && result.status === 0) check(result.stdout)
    return result
  },
})

const redisCliCheck = (stdout) => {
  if (Number(stdout.trim()) < dbsize * 0.99) throw new Error(`redis-cli --scan listed only ${stdout.trim()} keys`)
}
const sessdocScanRates = []
const sessdocCheck = (stdout) => {
  const report = JSON.parse(stdout)
  const redis = report.sources.redis
  sessdocScanRates.push(redis.scan.keysPerSecond)
  if (redis.sessions !== sessions || redis.sessionsWithoutTtl !== truth.sessionsWithoutTtl || redis.partial) {
    throw new Error(
      `sessdoc miscounted: sessions ${redis.sessions}/${sessions}, without TTL ${redis.sessionsWithoutTtl}/${truth.sessionsWithoutTtl}`,
    )
  }
}
const sessdoc = ['node', join(root, 'bin/run.js'), 'redis', 'scan', '--redis', `redis://127.0.0.1:${port}`, '--json', '--fail-on', 'never']
started = Date.now()
const rows = compare(
  `redis scan: ${dbsize.toLocaleString('en-US')} keys, Spring layout, loopback`,
  [
    withServerCpu('plain ioredis SCAN + pipelined PTTL + MEMORY USAGE', [
      'node',
      fileURLToPath(import.meta.url),
      '--plain-loop',
      String(port),
    ]),
    withServerCpu('sessdoc redis scan (TTL + size)', sessdoc, sessdocCheck),
    withServerCpu('redis-cli --scan | wc -l (names only)', ['sh', '-c', `redis-cli -p ${port} --scan | wc -l`], redisCliCheck),
  ],
  {rounds, units: dbsize, unitName: 'keys'},
)
console.log('\n| contender | server used_cpu s (median) |')
console.log('| --- | --- |')
for (const r of rows) console.log(`| ${r.name} | ${median(cpuByContender.get(r.name)).toFixed(2)} |`)
for (const [name, stats] of commandStats) {
  console.log(`\n${name}: server time per call (INFO commandstats, last run)`)
  for (const line of stats.split('\n').filter((l) => /^cmdstat_(scan|evalsha|hmget|getrange|pttl|memory)/.test(l)))
    console.log(`  ${line.trim().replace(/,rejected_calls=0,failed_calls=0/, '')}`)
}
console.log(
  `\nsessdoc's own scan rate (scan.keysPerSecond: the scan alone, without Node, CLI start-up and connecting): median ${median(sessdocScanRates).toLocaleString('en-US')} keys/s`,
)
const ratio = rows[0].seconds / rows[1].seconds
console.log(
  `\nsessdoc vs the plain TTL + MEMORY USAGE loop: ${ratio.toFixed(2)}x (target ≥ 2x); total bench ${((Date.now() - started) / 1000).toFixed(0)} s`,
)
await admin.quit()
process.exit(0)
