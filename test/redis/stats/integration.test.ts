import {spawn} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Redis} from 'ioredis'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {connectRedis, type RedisTarget} from '../../../src/core/redis/connection/index.js'
import {redisStatsResult} from '../../../src/core/redis/result.js'
import {collectRedisStats, type RedisStatsFigures} from '../../../src/core/redis/stats/index.js'
import type {Finding, SourceResult} from '../../../src/core/report/types.js'
import {statsResult} from '../../helpers/redis-results.js'
import {freePort, startCluster, startRedis, type TestCluster, type TestRedis} from '../../helpers/redis-server.js'
import {figuresOf} from '../../helpers/sections.js'

const target = (url: string, extra: Partial<RedisTarget> = {}): RedisTarget => ({url, connectTimeoutMs: 2000, ...extra})
const ids = (result: SourceResult): string[] => result.findings.map((f) => `${f.id}:${f.severity}`).sort()
const figures = (result: SourceResult<'redis'>): RedisStatsFigures => {
  const stats = figuresOf(result).stats
  if (!stats) throw new Error('no stats figures in the Redis section')
  return stats
}
const finding = (result: SourceResult, id: string): Finding => {
  const found = result.findings.find((f) => f.id === id)
  if (!found) throw new Error(`no ${id} among ${ids(result).join(', ')}`)
  return found
}

async function withClient<T>(server: TestRedis, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = server.client()
  await client.connect()
  try {
    return await use(client)
  } finally {
    client.disconnect()
  }
}

async function waitFor(what: string, condition: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const infoField = async (client: Redis, section: string, field: string): Promise<string | undefined> =>
  new RegExp(`^${field}:(.*)$`, 'm').exec(await client.info(section))?.[1]?.trim()

/** Writes `count` values of `bytes` bytes, no TTL, pipelined. */
async function fill(client: Redis, count: number, bytes: number, prefix = 'spring:session:sessions:'): Promise<void> {
  const value = 'x'.repeat(bytes)
  for (let start = 0; start < count; start += 500) {
    const pipeline = client.pipeline()
    for (let i = start; i < Math.min(count, start + 500); i++) pipeline.set(`${prefix}${i}`, value)
    await pipeline.exec()
  }
}

describe('redis stats against real servers', () => {
  const servers: TestRedis[] = []
  const start = async (args: string[] = [], options: {password?: string} = {}): Promise<TestRedis> => {
    const server = await startRedis(args, options)
    servers.push(server)
    return server
  }
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()))
  })

  it('a fresh lone server: no maxmemory, no redundancy, figures of CONTRACT.md', async () => {
    const server = await start()
    const result = await statsResult(target(server.url))
    expect(result.section.status).toBe('analyzed')
    expect(ids(result)).toEqual(['redis.no-maxmemory:warning', 'redis.no-redundancy:warning'])
    const f = figures(result)
    expect(f).toMatchObject({
      mode: 'standalone',
      nodes: 1,
      evictedKeys: 0,
      replicas: 0,
      hitRate: null,
      memory: {maxBytes: 0, policy: 'noeviction', source: 'config'},
    })
    expect(f.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(f.memory.usedBytes).toBeGreaterThan(0)
    expect(f.nodeStats).toHaveLength(1)
    expect(f.nodeStats[0]!.address).toBe(`127.0.0.1:${server.port}`)
    expect(result.section.errors).toBeUndefined()
  })

  it('evictions forced past a small maxmemory under allkeys-lru: evictions, policy and critical pressure', async () => {
    const server = await start(['--maxmemory', '4mb', '--maxmemory-policy', 'allkeys-lru'])
    await withClient(server, (c) => fill(c, 1200, 8 * 1024))
    const result = await statsResult(target(server.url))
    expect(ids(result)).toEqual([
      'redis.eviction-policy:warning',
      'redis.evictions:warning',
      'redis.keys-without-expiry:warning',
      'redis.memory-pressure:critical',
      'redis.no-redundancy:warning',
    ])
    const evicted = await withClient(server, async (c) => Number(await infoField(c, 'stats', 'evicted_keys')))
    expect(evicted).toBeGreaterThan(0)
    // INFO read after our run: at least as many as we reported
    expect(figures(result).evictedKeys).toBeGreaterThan(0)
    expect(figures(result).evictedKeys).toBeLessThanOrEqual(evicted)
    expect(finding(result, 'redis.eviction-policy').detail).toMatch(/allkeys-lru .* logged out at random/)
  })

  it('memory at ~85% of maxmemory under volatile-lru: a warning only; noeviction is an unfit policy', async () => {
    const server = await start(['--maxmemory-policy', 'volatile-lru'])
    await withClient(server, async (c) => {
      await fill(c, 400, 4 * 1024)
      const used = Number(await infoField(c, 'memory', 'used_memory'))
      await c.config('SET', 'maxmemory', String(Math.round(used / 0.86)))
    })
    const result = await statsResult(target(server.url))
    expect(ids(result)).toEqual(['redis.keys-without-expiry:warning', 'redis.memory-pressure:warning', 'redis.no-redundancy:warning'])
    expect(figures(result).memory.usage).toBeGreaterThan(0.8)
    expect(figures(result).memory.usage).toBeLessThan(0.95)
    await withClient(server, (c) => c.config('SET', 'maxmemory-policy', 'noeviction'))
    const again = await statsResult(target(server.url))
    expect(finding(again, 'redis.eviction-policy').detail).toMatch(/noeviction.*OOM command not allowed/)
  })

  it('misses and keys without TTL: low hit rate and keys without expiry, counted exactly', async () => {
    const server = await start(['--maxmemory', '64mb', '--maxmemory-policy', 'volatile-lru'])
    await withClient(server, async (c) => {
      await fill(c, 150, 10)
      const pipeline = c.pipeline()
      for (let i = 0; i < 50; i++) pipeline.set(`spring:session:sessions:ttl${i}`, 'v', 'EX', 1800)
      for (let i = 0; i < 1000; i++) pipeline.get(`spring:session:sessions:missing${i}`)
      for (let i = 0; i < 200; i++) pipeline.get(`spring:session:sessions:${i % 150}`)
      await pipeline.exec()
    })
    const result = await statsResult(target(server.url))
    expect(ids(result)).toEqual(['redis.keys-without-expiry:warning', 'redis.low-hit-rate:warning', 'redis.no-redundancy:warning'])
    const f = figures(result)
    expect(f.keyspace).toEqual({db0: {keys: 200, expires: 50, withoutExpiry: 150}})
    expect(f.keyspaceHits).toBe(200)
    expect(f.keyspaceMisses).toBe(1000)
    expect(f.hitRate).toBeCloseTo(200 / 1200, 4)
    expect(finding(result, 'redis.keys-without-expiry').evidence).toMatchObject({keys: 200, withoutExpiry: 150})
  })

  it('CONFIG blocked (rename-command CONFIG ""): maxmemory and policy come from INFO, with a note', async () => {
    const server = await start(['--rename-command', 'CONFIG', '""', '--maxmemory', '32mb', '--maxmemory-policy', 'allkeys-lfu'])
    const result = await statsResult(target(server.url))
    expect(figures(result).memory).toMatchObject({maxBytes: 32 * 1024 * 1024, policy: 'allkeys-lfu', source: 'info'})
    expect(ids(result)).toEqual(['redis.eviction-policy:warning', 'redis.no-redundancy:warning'])
    expect(result.section.errors?.map((e) => e.message)).toEqual([expect.stringMatching(/CONFIG GET is refused .* read from INFO instead/)])
    expect(result.section.partial).toBeUndefined()
  })

  it('the smallest ACL of docs/redis-stats.md reads everything; without +config|get INFO stands in', async () => {
    const server = await start(['--maxmemory', '16mb', '--maxmemory-policy', 'volatile-lru'])
    await withClient(server, async (c) => {
      await c.call(
        'ACL',
        'SETUSER',
        'audit',
        'on',
        '>auditpw',
        '+ping',
        '+info',
        '+config|get',
        '+role',
        '+cluster|nodes',
        '+client|setname',
      )
      await c.call('ACL', 'SETUSER', 'audit-noconfig', 'on', '>auditpw', '+ping', '+info', '+role', '+client|setname')
    })
    const url = (user: string): string => `redis://${user}@127.0.0.1:${server.port}`
    const full = await statsResult(target(url('audit'), {password: 'auditpw'}))
    expect(full.section.errors).toBeUndefined()
    expect(figures(full).memory).toMatchObject({maxBytes: 16 * 1024 * 1024, policy: 'volatile-lru', source: 'config'})
    const noConfig = await statsResult(target(url('audit-noconfig'), {password: 'auditpw'}))
    expect(figures(noConfig).memory).toMatchObject({maxBytes: 16 * 1024 * 1024, policy: 'volatile-lru', source: 'info'})
    expect(ids(noConfig)).toEqual(ids(full))
  })

  it('rejected connections at maxclients', async () => {
    const server = await start()
    await withClient(server, async (held) => {
      await held.config('SET', 'maxclients', '1')
      const second = server.client()
      second.on('error', () => {})
      await expect(second.connect().then(() => second.ping())).rejects.toThrow()
      second.disconnect()
      expect(await infoField(held, 'stats', 'rejected_connections')).toBe('1')
      await held.config('SET', 'maxclients', '50')
    })
    const result = await statsResult(target(server.url))
    expect(finding(result, 'redis.rejected-connections').evidence.rejectedConnections).toBe(1)
    expect(finding(result, 'redis.rejected-connections').detail).toMatch(/1 connections rejected .* maxclients 50/)
    expect(figures(result).clients).toMatchObject({maxClients: 50, rejectedConnections: 1})
  })

  it('a failing BGSAVE (its directory removed) with save points: critical, and writes really are refused (MISCONF)', async () => {
    const server = await start(['--save', '3600 1'])
    await rm(server.dir, {recursive: true, force: true})
    await withClient(server, async (c) => {
      await c.bgsave()
      await waitFor('the BGSAVE to fail', async () => (await infoField(c, 'persistence', 'rdb_last_bgsave_status')) === 'err')
      await expect(c.set('spring:session:sessions:x', 'v')).rejects.toThrow(/MISCONF/)
    })
    const result = await statsResult(target(server.url))
    // Redis answers MISCONF even to PING then: whether or not the connection gets through, the
    // finding is persistence, never "unreachable".
    expect(ids(result)).not.toContain('redis.unreachable:critical')
    const failing = finding(result, 'redis.persistence-failing')
    expect(failing.severity).toBe('critical')
    expect(failing.detail).toMatch(/stop-writes-on-bgsave-error is yes.*MISCONF/s)
    if (result.section.status === 'analyzed') expect(figures(result).persistence.rdbLastBgsaveStatus).toBe('err')
  })

  it('a failing BGSAVE without save points is a warning: writes go on', async () => {
    const server = await start(['--save', ''])
    await rm(server.dir, {recursive: true, force: true})
    await withClient(server, async (c) => {
      await c.bgsave()
      await waitFor('the BGSAVE to fail', async () => (await infoField(c, 'persistence', 'rdb_last_bgsave_status')) === 'err')
      await c.set('k', 'v')
    })
    const failing = finding(await statsResult(target(server.url)), 'redis.persistence-failing')
    expect(failing.severity).toBe('warning')
    expect(failing.detail).toMatch(/no save points are configured/)
  })

  it('neither save points nor AOF: redis.no-persistence, and the persistence row says none; AOF or a schedule clears it', async () => {
    const [bare, aof, scheduled] = await Promise.all([start(['--save', '']), start(['--save', '', '--appendonly', 'yes']), start()])
    const result = await statsResult(target(bare.url))
    const noPersistence = finding(result, 'redis.no-persistence')
    expect(noPersistence.severity).toBe('warning')
    expect(noPersistence.evidence).toEqual({nodes: [`127.0.0.1:${bare.port}`]})
    if (result.section.status === 'analyzed') expect(figures(result).persistence.unpersistedPrimaries).toEqual([`127.0.0.1:${bare.port}`])
    for (const server of [aof, scheduled]) expect(ids(await statsResult(target(server.url)))).not.toContain('redis.no-persistence:warning')
  })

  it('a replica: healthy link, then broken when its primary stops', async () => {
    const primary = await start(['--maxmemory', '64mb', '--maxmemory-policy', 'volatile-lru', '--repl-diskless-sync-delay', '0'])
    const replica = await start([
      '--replicaof',
      '127.0.0.1',
      String(primary.port),
      '--maxmemory',
      '64mb',
      '--maxmemory-policy',
      'volatile-lru',
    ])
    await withClient(replica, (c) =>
      waitFor('the replica link', async () => (await infoField(c, 'replication', 'master_link_status')) === 'up'),
    )
    await withClient(primary, (c) =>
      waitFor('the primary to see it online', async () => (await c.info('replication')).includes('state=online')),
    )

    const onPrimary = await statsResult(target(primary.url))
    expect(ids(onPrimary)).toEqual([])
    expect(figures(onPrimary).replicas).toBe(1)
    expect(figures(onPrimary).nodeStats[0]!.replicaLinks).toEqual([
      expect.objectContaining({address: `127.0.0.1:${replica.port}`, state: 'online'}),
    ])

    const onReplica = await statsResult(target(replica.url))
    expect(ids(onReplica)).toEqual([])
    expect(figures(onReplica).nodeStats[0]).toMatchObject({
      role: 'replica',
      primaryLink: {address: `127.0.0.1:${primary.port}`, status: 'up'},
    })

    await primary.stop()
    servers.splice(servers.indexOf(primary), 1)
    await withClient(replica, (c) =>
      waitFor('the link to drop', async () => (await infoField(c, 'replication', 'master_link_status')) === 'down'),
    )
    const broken = await statsResult(target(replica.url))
    expect(ids(broken)).toEqual(['redis.replication-broken:critical'])
    expect(finding(broken, 'redis.replication-broken').detail).toContain(`replica of 127.0.0.1:${primary.port}: link down`)
  })

  it('interrupted before the nodes are read: an error section that says so, no finding', async () => {
    const server = await start()
    const connection = await connectRedis(target(server.url))
    if (!connection.ok) throw new Error(connection.message)
    try {
      const collection = await collectRedisStats(connection, {signal: AbortSignal.abort()})
      expect(collection.partial).toBe(true)
      expect(collection.findings).toEqual([])
      expect(redisStatsResult(collection).section).toEqual({status: 'error', reason: `127.0.0.1:${server.port}: not read (interrupted)`})
    } finally {
      await connection.close()
    }
  })

  it('unreachable and refused credentials are critical findings in an error section', async () => {
    const port = await freePort()
    const down = await statsResult(target(`redis://127.0.0.1:${port}`, {connectTimeoutMs: 500}))
    expect(down.section.status).toBe('error')
    expect(down.section.reason).toMatch(/cannot connect/)
    expect(ids(down)).toEqual(['redis.unreachable:critical'])

    const secured = await start(['--requirepass', 'right'], {password: 'right'})
    const refused = await statsResult(target(secured.url, {password: 'wrong'}))
    expect(refused.section.status).toBe('error')
    expect(ids(refused)).toEqual(['redis.auth-failed:critical'])
    expect(JSON.stringify(refused)).not.toContain('wrong')
  })
})

describe('redis stats on a 3-primary cluster', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster(3)
  })
  afterAll(async () => {
    await cluster?.stop()
  })

  it('reads every node: one row each, summed figures, primaries without replica named', async () => {
    const first = cluster.nodes[0]!
    const result = await statsResult(target(first.url))
    const f = figures(result)
    expect(f.mode).toBe('cluster')
    expect(f.nodes).toBe(3)
    expect(f.nodeStats.map((n) => n.address).sort()).toEqual(cluster.nodes.map((n) => `127.0.0.1:${n.port}`).sort())
    expect(f.nodeStats.every((n) => n.role === 'primary')).toBe(true)
    expect(f.memory.usedBytes).toBe(f.nodeStats.reduce((sum, n) => sum + n.usedBytes!, 0))
    const redundancy = finding(result, 'redis.no-redundancy')
    expect(redundancy.title).toBe('Cluster primaries without a replica')
    expect(redundancy.detail).toMatch(/^3 of 3 cluster primaries have no replica/)
    expect(ids(result)).toEqual(['redis.no-maxmemory:warning', 'redis.no-redundancy:warning'])
    expect(f.cluster).toEqual({primaries: 3, replicas: 0, failed: []})
  })

  it('a primary that dies: the others mark it failed, and its sessions are reported unreachable', async () => {
    const [first, , victim] = cluster.nodes as [TestRedis, TestRedis, TestRedis]
    await victim.stop()
    cluster.nodes.splice(cluster.nodes.indexOf(victim), 1) // stop() twice would wait for an exit that already happened
    await withClient(first, (c) =>
      waitFor('the cluster to mark the node failed', async () => /master,fail /.test(String(await c.call('CLUSTER', 'NODES')))),
    )
    const result = await statsResult(target(first.url))
    const down = finding(result, 'redis.unreachable')
    expect(down.severity).toBe('critical')
    expect(down.title).toBe('A Redis Cluster primary is down')
    expect(down.detail).toContain(`127.0.0.1:${victim.port} (primary`)
    expect(figures(result).nodes).toBe(2)
    expect(figures(result).cluster?.failed).toEqual([`127.0.0.1:${victim.port}`])
  })
})

describe('redis stats through Sentinel', () => {
  let primary: TestRedis
  let sentinel: {port: number; stop(): Promise<void>}
  beforeAll(async () => {
    primary = await startRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'volatile-lru'])
    sentinel = await startSentinel(primary.port)
  })
  afterAll(async () => {
    await Promise.all([sentinel?.stop(), primary?.stop()])
  })

  it('reads the master Sentinel names and the Sentinel view: a master without replica has nothing to fail over to', async () => {
    const result = await statsResult(
      target('redis://127.0.0.1', {sentinels: [{host: '127.0.0.1', port: sentinel.port}], sentinelMaster: 'sessions'}),
    )
    const f = figures(result)
    expect(f.mode).toBe('sentinel')
    expect(f.sentinel).toMatchObject({master: `127.0.0.1:${primary.port}`, quorum: 1, sentinels: 1, replicas: 0})
    expect(ids(result)).toEqual(['redis.no-redundancy:warning'])
    expect(finding(result, 'redis.no-redundancy').detail).toMatch(/nothing to fail over to/)
  })

  it('--redis pointed at the Sentinel itself: an error that says to use --sentinel', async () => {
    const result = await statsResult(target(`redis://127.0.0.1:${sentinel.port}`))
    expect(result.section.status).toBe('error')
    expect(result.section.reason).toBe(
      `127.0.0.1:${sentinel.port} is a Sentinel, not a data node: use --sentinel 127.0.0.1:${sentinel.port} --sentinel-master NAME`,
    )
  })
})

/** A Sentinel watching `sessions` at the given port (quorum 1), on a free port, in a temp dir. */
async function startSentinel(masterPort: number): Promise<{port: number; stop(): Promise<void>}> {
  const port = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'sessdoc-sentinel-'))
  const conf = join(dir, 'sentinel.conf')
  await writeFile(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor sessions 127.0.0.1 ${masterPort} 1\n`)
  const child = spawn('redis-server', [conf, '--sentinel', '--loglevel', 'warning'], {stdio: 'ignore'})
  process.once('exit', () => child.kill('SIGKILL'))
  await waitFor('the Sentinel', async () => {
    const probe = new Redis({port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0})
    probe.on('error', () => {})
    try {
      await probe.connect()
      const reply = (await probe.call('SENTINEL', 'get-master-addr-by-name', 'sessions')) as string[] | null
      return reply !== null
    } catch {
      return false
    } finally {
      probe.disconnect()
    }
  })
  return {
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGKILL')
        await exited
      }
      await rm(dir, {recursive: true, force: true})
    },
  }
}
