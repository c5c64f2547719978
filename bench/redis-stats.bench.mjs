// sessdoc redis stats, end to end through the binary (process start, connect, discovery, INFO +
// CONFIG GET + checks, render), on a standalone server and on a 3-primary cluster, in bench-owned
// redis-servers on free ports, against what one types by hand: redis-cli INFO and CONFIG GET
// maxmemory* on each node, and sessdoc --version as the floor of Node + oclif start-up: the
// difference to it is what connecting, reading and rendering cost. BENCH_ROUNDS to change the rounds (default 7).
import {execFileSync, spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Redis} from 'ioredis'
import {compare} from './lib.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const bin = join(here, '..', 'bin', 'run.js')
const rounds = Number(process.env.BENCH_ROUNDS ?? 7)

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

const started = []
process.on('exit', () => {
  for (const {child, dir} of started) {
    child.kill('SIGKILL')
    rmSync(dir, {recursive: true, force: true})
  }
})

async function server(extra = []) {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sessdoc-bench-stats-'))
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning', ...extra],
    {stdio: 'ignore'},
  )
  started.push({child, dir})
  const probe = new Redis({port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0})
  probe.on('error', () => {})
  for (let attempt = 0; ; attempt++) {
    try {
      await probe.connect()
      break
    } catch (error) {
      if (attempt > 100) throw error
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  probe.disconnect()
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
