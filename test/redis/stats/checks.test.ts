import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {
  clusterNodesDown,
  evictionPolicy,
  keysWithoutExpiryCheck,
  lowHitRate,
  memoryPressure,
  noMaxmemory,
  noRedundancy,
  persistenceFailing,
  rejectedConnections,
  replicationBroken,
  runRedisStatsChecks,
} from '../../../src/core/redis/stats/checks.js'
import {redisStatsFigures} from '../../../src/core/redis/stats/figures.js'
import type {NodeStats} from '../../../src/core/redis/stats/node-stats.js'
import {defaultRedisStatsThresholds, resolveThresholds} from '../../../src/core/redis/stats/options.js'
import {memoryUsage, type RedisStatsView} from '../../../src/core/redis/stats/view.js'
import {type InfoFixture, infoFixtures, nodeFromFixture} from './fixtures.js'

const t = defaultRedisStatsThresholds
const standalone = (...nodes: NodeStats[]): RedisStatsView => ({mode: 'standalone', nodes})
const ids = (view: RedisStatsView, thresholds = t): string[] =>
  runRedisStatsChecks(view, thresholds)
    .map((f) => `${f.id}:${f.severity}`)
    .sort()

/** A node from the healthy 7.0 fixture with a few figures changed. */
function node(change: (n: NodeStats) => void = () => {}): NodeStats {
  const n = structuredClone(nodeFromFixture('redis-7.0.15-healthy-primary.info'))
  change(n)
  return n
}

describe('the checks on each captured INFO (the planted truth)', () => {
  it.each<[InfoFixture, RedisStatsView['mode'], string[]]>([
    [
      'redis-5.0.14-primary.info',
      'standalone',
      ['redis.eviction-policy:warning', 'redis.evictions:warning', 'redis.memory-pressure:warning'],
    ],
    ['redis-5.0.14-replica-link-down.info', 'standalone', ['redis.eviction-policy:warning', 'redis.replication-broken:critical']],
    [
      'redis-6.2.14-lone-primary.info',
      'standalone',
      [
        'redis.keys-without-expiry:warning',
        'redis.low-hit-rate:warning',
        'redis.no-maxmemory:warning',
        'redis.no-redundancy:warning',
        'redis.persistence-failing:critical',
        'redis.rejected-connections:warning',
      ],
    ],
    ['redis-7.0.15-healthy-primary.info', 'standalone', []],
    [
      'redis-7.2.4-cluster-primary.info',
      'cluster',
      ['redis.evictions:warning', 'redis.memory-pressure:critical', 'redis.replication-broken:warning'],
    ],
    ['redis-8.2.1-standalone.info', 'standalone', ['redis.no-redundancy:warning']],
  ])('%s (%s) → %j', (fixture, mode, expected) => {
    expect(ids({mode, nodes: [nodeFromFixture(fixture)]})).toEqual(expected)
  })

  it('covers every fixture', () => {
    expect(infoFixtures).toHaveLength(6)
  })
})

describe('redis.memory-pressure', () => {
  const at = (ratio: number): NodeStats => node((n) => (n.memory.usedBytes = Math.ceil(ratio * n.memory.maxBytes!)))
  it.each([
    [0.79, null],
    [0.8, 'warning'],
    [0.949, 'warning'],
    [0.95, 'critical'],
    [1.02, 'critical'],
  ])('at %d of maxmemory: %s', (ratio, severity) => {
    const found = memoryPressure(standalone(at(ratio)), t)
    expect(found[0]?.severity ?? null).toBe(severity)
  })
  it('leaves replication buffers out, as Redis does', () => {
    const n = at(0.81)
    n.memory.notCountedForEvictBytes = 0.05 * n.memory.maxBytes!
    expect(memoryPressure(standalone(n), t)).toEqual([])
  })
  it('names every node over the line in a cluster, the fullest first, and follows overridden thresholds', () => {
    const view: RedisStatsView = {
      mode: 'cluster',
      nodes: [at(0.5), at(0.85), at(0.97)].map((n, i) => ({...n, address: `10.0.0.${i}:7000`})),
    }
    const [finding] = memoryPressure(view, t)
    expect(finding!.severity).toBe('critical')
    expect((finding!.evidence.nodes as Array<{address: string}>).map((n) => n.address)).toEqual(['10.0.0.2:7000', '10.0.0.1:7000'])
    expect(memoryPressure(view, resolveThresholds({memoryWarningRatio: 0.99, memoryCriticalRatio: 0.995}))).toEqual([])
  })
  it('warns of OOM errors under noeviction', () => {
    const n = at(0.9)
    n.memory.policy = 'noeviction'
    expect(memoryPressure(standalone(n), t)[0]!.detail).toMatch(/OOM command not allowed/)
  })
})

describe('redis.no-maxmemory and redis.eviction-policy', () => {
  it.each([
    ['allkeys-lru', true],
    ['allkeys-lfu', true],
    ['allkeys-random', true],
    ['noeviction', true],
    ['volatile-lru', false],
    ['volatile-ttl', false],
    ['volatile-lfu', false],
    ['volatile-random', false],
  ])('policy %s is unfit: %s', (policy, unfit) => {
    expect(evictionPolicy(standalone(node((n) => (n.memory.policy = policy))), t)).toHaveLength(unfit ? 1 : 0)
  })
  it('leaves the policy to no-maxmemory when there is no limit', () => {
    const n = node((x) => {
      x.memory.maxBytes = 0
      x.memory.policy = 'allkeys-lru'
    })
    expect(evictionPolicy(standalone(n), t)).toEqual([])
    expect(noMaxmemory(standalone(n), t)).toHaveLength(1)
    expect(noMaxmemory(standalone(n), t)[0]!.detail).toContain('of 7.7 GiB host memory')
  })
  it('does not blame a replica for its primary having no limit, nor an unknown limit', () => {
    expect(
      noMaxmemory(
        standalone(nodeFromFixture('redis-6.2.14-lone-primary.info'), {
          ...nodeFromFixture('redis-6.2.14-lone-primary.info'),
          role: 'replica',
        }),
        t,
      )[0]!.evidence.nodes,
    ).toHaveLength(1)
    expect(noMaxmemory(standalone(node((n) => (n.memory.maxBytes = null))), t)).toEqual([])
  })
})

describe('redis.low-hit-rate and redis.keys-without-expiry', () => {
  const lookups = (hits: number, misses: number): NodeStats =>
    node((n) => {
      n.keyspaceHits = hits
      n.keyspaceMisses = misses
    })
  it.each([
    [790, 210, true],
    [800, 200, false],
    [79, 21, false], // too few lookups to say
    [0, 0, false],
  ])('%d hits, %d misses → %s', (hits, misses, fires) => {
    expect(lowHitRate(standalone(lookups(hits, misses)), t)).toHaveLength(fires ? 1 : 0)
  })
  it('sums keys over dbs and nodes and counts expires', () => {
    const n = node(
      (x) =>
        (x.keyspace = [
          {db: 0, keys: 900, expires: 810, avgTtlMs: 0},
          {db: 1, keys: 100, expires: 89, avgTtlMs: 0},
        ]),
    )
    const [finding] = keysWithoutExpiryCheck(standalone(n), t)
    expect(finding!.evidence).toMatchObject({keys: 1000, withoutExpiry: 101})
    expect(keysWithoutExpiryCheck(standalone(node((x) => (x.keyspace = [{db: 0, keys: 1000, expires: 901, avgTtlMs: 0}]))), t)).toEqual([])
    expect(keysWithoutExpiryCheck(standalone(node((x) => (x.keyspace = [{db: 0, keys: 99, expires: 0, avgTtlMs: 0}]))), t)).toEqual([])
  })
  it('says volatile-* cannot evict keys without expiry', () => {
    const n = node((x) => (x.keyspace = [{db: 0, keys: 1000, expires: 0, avgTtlMs: 0}]))
    expect(keysWithoutExpiryCheck(standalone(n), t)[0]!.detail).toMatch(/can never evict them/)
  })
})

describe('redis.no-redundancy', () => {
  const lone = node((n) => {
    n.replication.connectedReplicas = 0
    n.replication.replicas = []
  })
  it('fires for a lone primary, not for a replica or a primary with a replica', () => {
    expect(noRedundancy(standalone(lone), t)).toHaveLength(1)
    expect(noRedundancy(standalone(node()), t)).toEqual([])
    expect(noRedundancy(standalone(nodeFromFixture('redis-5.0.14-replica-link-down.info')), t)).toEqual([])
  })
  it('names the cluster primaries without replica', () => {
    const [finding] = noRedundancy({mode: 'cluster', nodes: [lone, {...lone, address: 'b:7001'}, node()]}, t)
    expect(finding!.title).toBe('Cluster primaries without a replica')
    expect(finding!.detail).toMatch(/^2 of 3 cluster primaries/)
  })
  it('reads the Sentinel view: no replica to promote, or fewer Sentinels than the quorum', () => {
    const sentinel = {master: '10.0.0.1:6379', masterName: 'sessions', quorum: 2, sentinels: 3, replicas: 1}
    expect(noRedundancy({mode: 'sentinel', nodes: [lone], sentinel}, t)).toEqual([])
    expect(noRedundancy({mode: 'sentinel', nodes: [lone], sentinel: {...sentinel, replicas: 0}}, t)[0]!.detail).toMatch(
      /nothing to fail over to/,
    )
    expect(noRedundancy({mode: 'sentinel', nodes: [lone], sentinel: {...sentinel, sentinels: 1}}, t)[0]!.detail).toMatch(
      /fewer than the quorum of 2/,
    )
  })
})

describe('redis.replication-broken', () => {
  it('is critical for a link down, a warning for lag, state or bytes behind', () => {
    expect(replicationBroken(standalone(nodeFromFixture('redis-5.0.14-replica-link-down.info')), t)[0]!.detail).toMatch(
      /link down for 87 s/,
    )
    const lagging = node((n) => (n.replication.replicas[0]!.lagSeconds = 12))
    expect(replicationBroken(standalone(lagging), t)[0]!.severity).toBe('warning')
    const behind = node((n) => (n.replication.replicas[0]!.offset = n.replication.offset! - 17 * 1024 * 1024))
    expect(replicationBroken(standalone(behind), t)[0]!.detail).toMatch(/17\.0 MiB behind/)
    expect(replicationBroken(standalone(node()), t)).toEqual([])
  })
})

describe('redis.persistence-failing and redis.rejected-connections', () => {
  const failing = (change: (n: NodeStats) => void): NodeStats => node(change)
  it('a failed BGSAVE is critical unless writes go on (stop-writes-on-bgsave-error no)', () => {
    expect(persistenceFailing(standalone(failing((n) => (n.persistence.rdbLastBgsaveStatus = 'err'))), t)[0]!.severity).toBe('critical')
    const goesOn = failing((n) => {
      n.persistence.rdbLastBgsaveStatus = 'err'
      n.persistence.stopWritesOnError = false
    })
    expect(persistenceFailing(standalone(goesOn), t)[0]!.severity).toBe('warning')
    expect(persistenceFailing(standalone(failing((n) => (n.persistence.aofLastWriteStatus = 'err'))), t)[0]!.severity).toBe('critical')
    expect(persistenceFailing(standalone(node()), t)).toEqual([])
  })
  it('rejected connections name maxclients', () => {
    const [finding] = rejectedConnections(standalone(nodeFromFixture('redis-6.2.14-lone-primary.info')), t)
    expect(finding!.detail).toMatch(/37 connections rejected since the last restart 24\.0 h ago; 9,998 connected of maxclients 10,000/)
  })
})

describe('cluster nodes marked failed', () => {
  const clusterNode = (address: string, role: 'primary' | 'replica', flags: string[], slots: number) => ({
    id: address,
    address,
    role,
    flags,
    linkState: 'connected',
    slots,
  })
  it('a failed primary with slots is critical (unreachable sessions), a failed replica a replication warning; both merge with INFO findings', () => {
    const view: RedisStatsView = {
      mode: 'cluster',
      nodes: [node((n) => (n.replication.replicas[0]!.state = 'wait_bgsave'))],
      clusterNodes: [
        clusterNode('10.0.2.1:7000', 'primary', ['myself', 'master'], 5461),
        clusterNode('10.0.2.2:7000', 'primary', ['master', 'fail'], 5462),
        clusterNode('10.0.2.4:7003', 'replica', ['slave', 'fail?'], 0),
      ],
    }
    expect(clusterNodesDown(view, t).map((f) => `${f.id}:${f.severity}`)).toEqual([
      'redis.unreachable:critical',
      'redis.replication-broken:warning',
    ])
    const all = runRedisStatsChecks(view, t)
    const broken = all.filter((f) => f.id === 'redis.replication-broken')
    expect(broken).toHaveLength(1)
    expect(broken[0]!.detail.split('\n').filter((l) => /^10\.0\.\d+\.\d+:\d+[: ]/.test(l))).toEqual([
      '10.0.0.11:6379: replica 10.0.1.21:6379 is in state wait_bgsave (not yet a usable copy)',
      '10.0.2.4:7003 (replica) is marked possibly failed by the cluster',
    ])
    expect(all.find((f) => f.id === 'redis.unreachable')!.detail).toMatch(
      /^10\.0\.2\.2:7000 \(primary, 5,462 hash slots\) is marked failed/,
    )
    expect(redisStatsFigures(view).cluster).toEqual({primaries: 2, replicas: 1, failed: ['10.0.2.2:7000', '10.0.2.4:7003']})
  })
})

describe('figures', () => {
  it('follow CONTRACT.md names and sum a cluster', () => {
    const a = nodeFromFixture('redis-7.2.4-cluster-primary.info', '10.0.2.1:7000')
    const b = nodeFromFixture('redis-7.0.15-healthy-primary.info', '10.0.2.2:7000')
    const figures = redisStatsFigures({mode: 'cluster', nodes: [a, b]})
    expect(figures).toMatchObject({
      mode: 'cluster',
      nodes: 2,
      version: '7.0.15 (mixed: 7.0.15, 7.2.4)',
      uptimeSeconds: 5400,
      memory: {
        usedBytes: 4144544808 + 715827882,
        maxBytes: 4294967296 + 2147483648,
        policy: 'volatile-ttl, volatile-lru',
        fragmentationRatio: 1.1,
      },
      evictedKeys: 1204,
      replicas: 3,
      keyspace: {db0: {keys: 1212334 + 80412, expires: 1212334 + 80400, withoutExpiry: 12}},
    })
    expect(figures.hitRate).toBeCloseTo((3012331 + 412331223) / (3012331 + 88122 + 412331223 + 3123441), 4)
    expect(figures.nodeStats.map((r) => r.address)).toEqual(['10.0.2.1:7000', '10.0.2.2:7000'])
    expect(figures.nodeStats[0]!.replicaLinks[1]).toEqual({
      address: '10.0.2.32:7004',
      state: 'wait_bgsave',
      lagSeconds: 0,
      behindBytes: null,
    })
  })
  it('say null where nothing is known (no lookups, unknown limit)', () => {
    const n = nodeFromFixture('redis-5.0.14-replica-link-down.info')
    const figures = redisStatsFigures(standalone(n))
    expect(figures.hitRate).toBeNull()
    expect(figures.replicas).toBeNull()
    expect(figures.persistence.rdbLastSaveTime).toBe('2026-11-28T17:48:20.000Z')
  })
})

describe('the checks on arbitrary stats (property)', () => {
  const arbitraryNode = fc.record({
    used: fc.option(fc.nat({max: 2 ** 40}), {nil: null}),
    max: fc.option(fc.nat({max: 2 ** 40}), {nil: null}),
    policy: fc.option(
      fc.constantFrom('allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-ttl', 'noeviction', 'something-new'),
      {nil: null},
    ),
    hits: fc.option(fc.nat(), {nil: null}),
    misses: fc.option(fc.nat(), {nil: null}),
    evicted: fc.nat(),
    rejected: fc.nat(),
    keys: fc.nat({max: 10_000_000}),
    expires: fc.nat({max: 10_000_000}),
    role: fc.constantFrom('primary', 'replica', 'unknown') as fc.Arbitrary<NodeStats['role']>,
    replicas: fc.nat({max: 5}),
  })
  it('never throw, raise redis.* ids of the catalog at most once each, and fire memory-pressure exactly at the thresholds', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryNode, {minLength: 1, maxLength: 6}),
        fc.constantFrom('standalone', 'cluster', 'sentinel') as fc.Arbitrary<RedisStatsView['mode']>,
        (specs, mode) => {
          const nodes = specs.map((spec, i) =>
            node((n) => {
              n.address = `10.0.0.${i}:6379`
              n.role = spec.role
              n.memory.usedBytes = spec.used
              n.memory.maxBytes = spec.max
              n.memory.policy = spec.policy
              n.keyspaceHits = spec.hits
              n.keyspaceMisses = spec.misses
              n.evictedKeys = spec.evicted
              n.clients.rejectedConnections = spec.rejected
              n.keyspace = [{db: 0, keys: spec.keys, expires: Math.min(spec.keys, spec.expires), avgTtlMs: 0}]
              n.replication.connectedReplicas = spec.replicas
            }),
          )
          const findings = runRedisStatsChecks({mode, nodes}, t)
          const found = findings.map((f) => f.id)
          expect(new Set(found).size).toBe(found.length)
          for (const f of findings) expect(f.id.startsWith('redis.')).toBe(true)
          const worst = Math.max(0, ...nodes.map((n) => memoryUsage(n) ?? 0))
          const pressure = findings.find((f) => f.id === 'redis.memory-pressure')
          expect(pressure?.severity ?? null).toBe(
            worst >= t.memoryCriticalRatio ? 'critical' : worst >= t.memoryWarningRatio ? 'warning' : null,
          )
          redisStatsFigures({mode, nodes})
        },
      ),
    )
  })
})
