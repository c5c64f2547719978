// sessdoc redis stats, end to end through the binary (process start, connect, discovery, INFO +
// CONFIG GET + checks, render), on a standalone server and on a 3-primary cluster, in bench-owned
// redis-servers on free ports, against what one types by hand: redis-cli INFO and CONFIG GET
// maxmemory* on each node, and sessdoc --version as the floor of Node + oclif start-up: the
// difference to it is what connecting, reading and rendering cost. BENCH_ROUNDS to change the rounds (default 7).
import {execFileSync} from 'node:child_process'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Redis} from 'ioredis'
import {compare, startBenchRedis} from './lib.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const bin = join(here, '..', 'bin', 'run.js')
const rounds = Number(process.env.BENCH_ROUNDS ?? 7)

async function server(extra = []) {
  const {port, admin} = await startBenchRedis(extra)
  admin.disconnect()
  return port
}

const byHand = (ports) =>
  ports.map((p) => `redis-cli -p ${p} INFO >/dev/null && redis-cli -p ${p} CONFIG GET 'maxmemory*' >/dev/null`).join(' && ')

const single = await server(['--maxmemory', '64mb', '--maxmemory-policy', 'volatile-lru'])
compare(
  'redis stats, standalone',
  [
    {
      name: 'sessdoc redis stats --json',
      argv: [process.execPath, bin, 'redis', 'stats', '--redis', `redis://127.0.0.1:${single}`, '--json'],
      okStatus: [0, 1, 2],
    },
    {name: 'redis-cli INFO + CONFIG GET', argv: byHand([single])},
    {name: 'sessdoc --version (start-up floor)', argv: [process.execPath, bin, '--version']},
  ],
  {rounds, units: 1, unitName: 'runs'},
)

const clusterPorts = []
for (let i = 0; i < 3; i++)
  clusterPorts.push(await server(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000']))
execFileSync(
  'redis-cli',
  ['--cluster', 'create', ...clusterPorts.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
  {stdio: 'ignore'},
)
const seed = new Redis({port: clusterPorts[0], host: '127.0.0.1'})
while (!(await seed.cluster('INFO')).includes('cluster_state:ok')) await new Promise((resolve) => setTimeout(resolve, 100))
seed.disconnect()
compare(
  'redis stats, 3-primary cluster',
  [
    {
      name: 'sessdoc redis stats --json',
      argv: [process.execPath, bin, 'redis', 'stats', '--redis', `redis://127.0.0.1:${clusterPorts[0]}`, '--json'],
      okStatus: [0, 1, 2],
    },
    {name: 'redis-cli INFO + CONFIG GET x3', argv: byHand(clusterPorts)},
    {name: 'sessdoc --version (start-up floor)', argv: [process.execPath, bin, '--version']},
  ],
  {rounds, units: 1, unitName: 'runs'},
)
process.exit(0)
