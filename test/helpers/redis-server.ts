import {type ChildProcess, execFile} from 'node:child_process'
import {mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {Redis} from 'ioredis'
import {freePort, startServerProcess} from './server-process.js'

export {freePort} from './server-process.js'

const run = promisify(execFile)

export interface TestRedis {
  port: number
  host: string
  url: string
  dir: string
  process: ChildProcess
  /** A plain client for arranging data (not sessdoc's). */
  client(options?: {password?: string; username?: string}): Redis
  stop(): Promise<void>
}

/**
 * Starts a real redis-server on a free loopback port (its files in a temp dir). Extra arguments are
 * passed as they are (e.g. ['--requirepass', 's3cret', '--maxmemory', '10mb']).
 */
export async function startRedis(extraArgs: string[] = [], options: {password?: string} = {}): Promise<TestRedis> {
  const port = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'sessdoc-redis-'))
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    // A snapshot schedule that never fires during a test, so a test Redis is not redis.no-persistence.
    '--save',
    '3600 1',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    ...extraArgs,
  ]
  const host = '127.0.0.1'
  const client = (o: {password?: string; username?: string} = {}): Redis =>
    new Redis({
      host,
      port,
      password: o.password ?? options.password,
      username: o.username,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
    })
  const server = await startServerProcess({
    command: 'redis-server',
    args,
    dir,
    port,
    ready: () => answersPing(port, options.password),
    timeoutMs: 10_000,
    pollMs: 50,
  })
  return {port, host, url: `redis://${host}:${port}`, dir, process: server.process, client, stop: server.stop}
}

async function answersPing(port: number, password: string | undefined): Promise<boolean> {
  const probe = new Redis({
    host: '127.0.0.1',
    port,
    password,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
  })
  probe.on('error', () => {})
  try {
    await probe.connect()
    await probe.ping()
    return true
  } finally {
    probe.disconnect()
  }
}

export interface TestCluster {
  nodes: TestRedis[]
  stop(): Promise<void>
}

/** A Redis Cluster of `primaries` primaries, each with `replicas` replicas, slots spread by redis-cli. */
export async function startCluster(primaries = 3, replicas = 0): Promise<TestCluster> {
  const nodes: TestRedis[] = []
  for (let i = 0; i < primaries * (1 + replicas); i++) {
    nodes.push(await startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000']))
  }
  await run('redis-cli', [
    '--cluster',
    'create',
    ...nodes.map((n) => `127.0.0.1:${n.port}`),
    '--cluster-replicas',
    String(replicas),
    '--cluster-yes',
  ])
  const deadline = Date.now() + 15_000
  for (const node of nodes) {
    const c = node.client()
    await c.connect()
    try {
      while ((await c.cluster('INFO')).includes('cluster_state:ok') === false) {
        if (Date.now() > deadline) throw new Error('cluster did not reach cluster_state:ok')
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      c.disconnect()
    }
  }
  return {
    nodes,
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()))
    },
  }
}
