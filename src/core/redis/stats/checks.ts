import {makeFinding} from '../../report/report.js'
import type {Finding} from '../../report/types.js'
import {formatBytes, formatCount, formatDuration, formatPercent, listOf} from '../../report/units.js'
import type {NodeStats} from './node-stats.js'
import type {RedisStatsThresholds} from './options.js'
import {bytesBehind, hitRate, isUnpersistedPrimary, keysWithoutExpiry, memoryUsage, type RedisStatsView} from './view.js'

/** One check: a pure function of the stats and the thresholds. At most one finding per id. */
export type RedisStatsCheck = (view: RedisStatsView, thresholds: RedisStatsThresholds) => Finding[]

const since = (node: NodeStats): string =>
  node.uptimeSeconds === null ? 'since the last restart' : `since the last restart ${formatDuration(node.uptimeSeconds)} ago`

export const memoryPressure: RedisStatsCheck = (view, t) => {
  const hot = view.nodes
    .map((node) => ({node, usage: memoryUsage(node)}))
    .filter((x): x is {node: NodeStats; usage: number} => x.usage !== null && x.usage >= t.memoryWarningRatio)
    .sort((a, b) => b.usage - a.usage)
  if (hot.length === 0) return []
  const critical = hot[0]!.usage >= t.memoryCriticalRatio
  const lines = hot.map(
    ({node, usage}) =>
      `${node.address}: ${formatBytes(node.memory.usedBytes)} used of maxmemory ${formatBytes(node.memory.maxBytes)} (${formatPercent(usage)}), policy ${node.memory.policy ?? 'unknown'}`,
  )
  const policies = new Set(hot.map((x) => x.node.memory.policy))
  const consequence = policies.has('noeviction')
    ? 'At 100% Redis refuses session writes with "OOM command not allowed".'
    : 'At 100% Redis evicts keys to make room: evicted sessions are users logged out.'
  return [
    makeFinding('redis.memory-pressure', {
      severity: critical ? 'critical' : 'warning',
      detail: `${lines.join('\n')}\n${consequence} (warning at ${formatPercent(t.memoryWarningRatio)}, critical at ${formatPercent(t.memoryCriticalRatio)})`,
      evidence: {
        nodes: hot.map(({node, usage}) => ({
          address: node.address,
          usedBytes: node.memory.usedBytes,
          maxBytes: node.memory.maxBytes,
          usage: round(usage),
        })),
        warningRatio: t.memoryWarningRatio,
        criticalRatio: t.memoryCriticalRatio,
      },
    }),
  ]
}

export const noMaxmemory: RedisStatsCheck = (view) => {
  const unlimited = view.nodes.filter((node) => node.memory.maxBytes === 0 && node.role !== 'replica')
  if (unlimited.length === 0) return []
  const lines = unlimited.map((node) => {
    const host = node.memory.systemBytes ? ` of ${formatBytes(node.memory.systemBytes)} host memory` : ''
    return `${node.address}: maxmemory 0 (no limit), ${formatBytes(node.memory.usedBytes)} used${host}`
  })
  return [
    makeFinding('redis.no-maxmemory', {
      detail: `${lines.join('\n')}\nWithout a limit, sessions that never expire grow until the kernel or the container runtime kills Redis, and every session goes with it.`,
      evidence: {nodes: unlimited.map((n) => ({address: n.address, usedBytes: n.memory.usedBytes, systemBytes: n.memory.systemBytes}))},
    }),
  ]
}

const policyHarm: Record<string, string> = {
  'allkeys-lru': 'evicts any key, live sessions included, once memory is full: users are logged out at random',
  'allkeys-lfu': 'evicts any key, live sessions included, once memory is full: users are logged out at random',
  'allkeys-random': 'evicts random keys, live sessions included, once memory is full: users are logged out at random',
  noeviction: 'refuses every write once memory is full ("OOM command not allowed"): new logins and session updates fail',
}

export const evictionPolicy: RedisStatsCheck = (view) => {
  // With no maxmemory the policy never acts: redis.no-maxmemory says what to set first.
  const unfit = view.nodes.filter((node) => node.memory.maxBytes !== 0 && node.memory.policy !== null && node.memory.policy in policyHarm)
  if (unfit.length === 0) return []
  const byPolicy = new Map<string, string[]>()
  for (const node of unfit) byPolicy.set(node.memory.policy!, [...(byPolicy.get(node.memory.policy!) ?? []), node.address])
  const lines = [...byPolicy].map(([policy, nodes]) => `maxmemory-policy ${policy} on ${listOf(nodes)}: ${policyHarm[policy]}.`)
  return [
    makeFinding('redis.eviction-policy', {
      detail: `${lines.join('\n')}\nA session store wants volatile-lru (or volatile-ttl): only keys with a TTL are evicted, least recently used (or soonest to expire) first.`,
      evidence: {policies: Object.fromEntries(byPolicy)},
      actions: ['CONFIG SET maxmemory-policy volatile-lru (and the same in redis.conf), with a TTL on every session key'],
    }),
  ]
}

export const evictions: RedisStatsCheck = (view, t) => {
  const evicting = view.nodes.filter((node) => node.evictedKeys > 0)
  const total = evicting.reduce((sum, node) => sum + node.evictedKeys, 0)
  if (total === 0 || total < t.minEvictedKeys) return []
  const lines = evicting.map((node) => {
    // A rate over minutes says little: only from an hour of uptime on.
    const perHour =
      node.uptimeSeconds && node.uptimeSeconds >= 3600
        ? ` (about ${formatCount(Math.round((node.evictedKeys / node.uptimeSeconds) * 3600))} an hour)`
        : ''
    return `${node.address}: ${formatCount(node.evictedKeys)} keys evicted ${since(node)}${perHour}, policy ${node.memory.policy ?? 'unknown'}`
  })
  return [
    makeFinding('redis.evictions', {
      detail: `${lines.join('\n')}\nRedis dropped keys to stay under maxmemory: every evicted session is a user who was logged out.`,
      evidence: {
        evictedKeys: total,
        nodes: evicting.map((n) => ({address: n.address, evictedKeys: n.evictedKeys, uptimeSeconds: n.uptimeSeconds})),
      },
    }),
  ]
}

export const lowHitRate: RedisStatsCheck = (view, t) => {
  const hits = sumOf(view.nodes, (n) => n.keyspaceHits)
  const misses = sumOf(view.nodes, (n) => n.keyspaceMisses)
  const rate = hitRate(hits, misses)
  if (rate === null || hits + misses < t.minLookupsForHitRate || rate >= t.lowHitRate) return []
  const uptime = Math.min(...view.nodes.map((n) => n.uptimeSeconds ?? Infinity))
  return [
    makeFinding('redis.low-hit-rate', {
      detail:
        `Keyspace hit rate ${formatPercent(rate)}: ${formatCount(hits)} hits, ${formatCount(misses)} misses ${Number.isFinite(uptime) ? `since the last restart ${formatDuration(uptime)} ago` : 'since the last restart'} (threshold ${formatPercent(t.lowHitRate)}).\n` +
        'For a session store a miss is a request whose session was not found: expired, evicted or never written.',
      evidence: {hitRate: round(rate), keyspaceHits: hits, keyspaceMisses: misses, threshold: t.lowHitRate},
    }),
  ]
}

export const keysWithoutExpiryCheck: RedisStatsCheck = (view, t) => {
  let keys = 0
  let withoutExpiry = 0
  for (const node of view.nodes) {
    const counts = keysWithoutExpiry(node)
    keys += counts.keys
    withoutExpiry += counts.withoutExpiry
  }
  if (keys === 0 || withoutExpiry < t.minKeysWithoutExpiry || withoutExpiry / keys < t.keysWithoutExpiryRatio) return []
  const volatile = view.nodes.some((n) => n.memory.policy?.startsWith('volatile-'))
  const dbs = perDb(view.nodes)
  const dbLines = Object.entries(dbs)
    .filter(([, c]) => c.withoutExpiry > 0)
    .map(([db, c]) => `${db}: ${formatCount(c.withoutExpiry)} of ${formatCount(c.keys)} keys without expiry`)
  return [
    makeFinding('redis.keys-without-expiry', {
      detail:
        `${formatCount(withoutExpiry)} of ${formatCount(keys)} keys (${formatPercent(withoutExpiry / keys)}) have no expiry (${dbLines.join('; ')}).\n` +
        (volatile
          ? 'Under a volatile-* policy Redis can never evict them: once memory is full it refuses writes as noeviction does.'
          : 'They are never freed: in a session store they are leaked sessions or index sets.'),
      evidence: {keys, withoutExpiry, ratio: round(withoutExpiry / keys), perDb: dbs},
    }),
  ]
}

export const noRedundancy: RedisStatsCheck = (view) => {
  if (view.mode === 'sentinel' && view.sentinel) {
    const {sentinel} = view
    const problems: string[] = []
    if (sentinel.replicas === 0)
      problems.push(`Sentinel watches master ${sentinel.master} but it has no replica: there is nothing to fail over to`)
    if (sentinel.quorum !== undefined && sentinel.sentinels < sentinel.quorum) {
      problems.push(
        `only ${sentinel.sentinels} Sentinel(s) watch ${sentinel.master}, fewer than the quorum of ${sentinel.quorum}: no failover can be agreed`,
      )
    }
    if (problems.length === 0) return []
    return [makeFinding('redis.no-redundancy', {detail: `${problems.join('.\n')}.`, evidence: {sentinel}})]
  }
  const lone = view.nodes.filter((node) => node.role === 'primary' && node.replication.connectedReplicas === 0)
  if (lone.length === 0) return []
  if (view.mode === 'cluster') {
    return [
      makeFinding('redis.no-redundancy', {
        title: 'Cluster primaries without a replica',
        detail:
          `${lone.length} of ${view.nodes.length} cluster primaries have no replica (${listOf(lone.map((n) => n.address))}).\n` +
          'When one fails, the sessions in its hash slots are gone, and with cluster-require-full-coverage yes the whole cluster stops serving.',
        evidence: {primariesWithoutReplica: lone.map((n) => n.address), primaries: view.nodes.length},
        actions: ['Add one replica per primary (redis-cli --cluster add-node --cluster-slave)'],
      }),
    ]
  }
  return [
    makeFinding('redis.no-redundancy', {
      detail: `${listOf(lone.map((n) => n.address))}: a primary with no replica, no Sentinel and no Cluster.\nWhen this one server fails or restarts without persistence, every session is lost at once: everybody is logged out.`,
      evidence: {nodes: lone.map((n) => n.address)},
    }),
  ]
}

export const replicationBroken: RedisStatsCheck = (view, t) => {
  const problems: Array<{address: string; problem: string; critical: boolean}> = []
  for (const node of view.nodes) {
    const link = node.replication.primary
    if (link?.linkStatus === 'down') {
      const down =
        link.linkDownSinceSeconds !== null && link.linkDownSinceSeconds >= 0 ? ` for ${formatDuration(link.linkDownSinceSeconds)}` : ''
      const sync = link.syncInProgress ? ' (a full resync is in progress)' : ''
      problems.push({address: node.address, problem: `replica of ${link.address}: link down${down}${sync}`, critical: true})
    } else if (link?.linkStatus === 'up' && link.lastIoSecondsAgo !== null && link.lastIoSecondsAgo >= t.replicaLagSeconds) {
      problems.push({
        address: node.address,
        problem: `replica of ${link.address}: nothing heard from the primary for ${formatDuration(link.lastIoSecondsAgo)}`,
        critical: false,
      })
    }
    for (const replica of node.replication.replicas) {
      const behind = bytesBehind(node.replication.offset, replica.offset)
      if (replica.state !== null && replica.state !== 'online') {
        problems.push({
          address: node.address,
          problem: `replica ${replica.address} is in state ${replica.state} (not yet a usable copy)`,
          critical: false,
        })
      } else if (replica.lagSeconds !== null && replica.lagSeconds >= t.replicaLagSeconds) {
        problems.push({
          address: node.address,
          problem: `replica ${replica.address} last acknowledged ${formatDuration(replica.lagSeconds)} ago`,
          critical: false,
        })
      } else if (behind !== null && behind >= t.replicaLagBytes) {
        problems.push({address: node.address, problem: `replica ${replica.address} is ${formatBytes(behind)} behind`, critical: false})
      }
    }
  }
  if (problems.length === 0) return []
  return [
    makeFinding('redis.replication-broken', {
      severity: problems.some((p) => p.critical) ? 'critical' : 'warning',
      detail: `${problems.map((p) => `${p.address}: ${p.problem}`).join('\n')}\nA failover now would promote a copy that lacks the newest sessions, or none at all.`,
      evidence: {
        problems: problems.map(({address, problem}) => ({address, problem})),
        lagSecondsThreshold: t.replicaLagSeconds,
        lagBytesThreshold: t.replicaLagBytes,
      },
    }),
  ]
}

export const persistenceFailing: RedisStatsCheck = (view) => {
  const problems: Array<{address: string; problem: string; critical: boolean}> = []
  for (const node of view.nodes) {
    const p = node.persistence
    if (p.rdbLastBgsaveStatus === 'err') {
      const why =
        p.stopWritesOnError === false ? 'stop-writes-on-bgsave-error is no' : p.savePoints === '' ? 'no save points are configured' : null
      problems.push({
        address: node.address,
        problem: why
          ? `the last RDB snapshot (BGSAVE) failed; writes go on (${why}), but a restart loses everything since the last good snapshot`
          : `the last RDB snapshot (BGSAVE) failed${p.stopWritesOnError ? ' and stop-writes-on-bgsave-error is yes' : ''}: Redis refuses writes with MISCONF until a snapshot succeeds`,
        critical: why === null,
      })
    }
    if (p.aofEnabled && p.aofLastWriteStatus === 'err') {
      problems.push({
        address: node.address,
        problem: 'writing the append-only file failed: Redis refuses writes until it succeeds',
        critical: true,
      })
    }
    if (p.aofEnabled && p.aofLastBgrewriteStatus === 'err') {
      problems.push({address: node.address, problem: 'the last AOF rewrite failed: the append-only file keeps growing', critical: false})
    }
  }
  if (problems.length === 0) return []
  const unchanged = view.nodes.map((n) => n.persistence.rdbChangesSinceLastSave).filter((n): n is number => n !== null)
  return [
    makeFinding('redis.persistence-failing', {
      severity: problems.some((p) => p.critical) ? 'critical' : 'warning',
      detail:
        problems.map((p) => `${p.address}: ${p.problem}`).join('\n') +
        (unchanged.length ? `\n${formatCount(Math.max(...unchanged))} changes not yet saved.` : ''),
      evidence: {problems: problems.map(({address, problem}) => ({address, problem}))},
    }),
  ]
}

/** Only CONFIG's `save` tells "no snapshot schedule": without CONFIG the check cannot tell, and says nothing. */
export const noPersistence: RedisStatsCheck = (view) => {
  const bare = view.nodes.filter(isUnpersistedPrimary)
  if (bare.length === 0) return []
  const withReplicas = bare.filter((node) => node.replication.connectedReplicas > 0)
  const replicaNote =
    withReplicas.length > 0 ? '\nIts replicas do not help: a primary that restarts empty is copied to them as it is, empty.' : ''
  return [
    makeFinding('redis.no-persistence', {
      detail: `${listOf(bare.map((n) => n.address))}: no RDB save points (save "") and AOF off.\nA restart of Redis, planned or not, starts it empty: every session is gone and every user is logged out at once.${replicaNote}`,
      evidence: {nodes: bare.map((n) => n.address)},
    }),
  ]
}

export const rejectedConnections: RedisStatsCheck = (view, t) => {
  const rejecting = view.nodes.filter((node) => node.clients.rejectedConnections > 0)
  const total = rejecting.reduce((sum, node) => sum + node.clients.rejectedConnections, 0)
  if (total === 0 || total < t.minRejectedConnections) return []
  const lines = rejecting.map((node) => {
    const {connected, maxClients, rejectedConnections: rejected} = node.clients
    return `${node.address}: ${formatCount(rejected)} connections rejected ${since(node)}; ${connected === null ? '?' : formatCount(connected)} connected of maxclients ${maxClients === null ? '?' : formatCount(maxClients)}`
  })
  return [
    makeFinding('redis.rejected-connections', {
      detail: `${lines.join('\n')}\nAn application instance that cannot connect cannot read any session.`,
      evidence: {rejectedConnections: total, nodes: rejecting.map((n) => ({address: n.address, ...n.clients}))},
    }),
  ]
}

/** Cluster nodes the others mark as failed: a primary with slots leaves its sessions unreachable. */
export const clusterNodesDown: RedisStatsCheck = (view) => {
  const failed = (view.clusterNodes ?? []).filter((n) => n.flags.includes('fail') || n.flags.includes('fail?'))
  if (failed.length === 0) return []
  const describe = (n: (typeof failed)[number]): string =>
    `${n.address} (${n.role}${n.slots > 0 ? `, ${formatCount(n.slots)} hash slots` : ''}) is marked ${n.flags.includes('fail') ? 'failed' : 'possibly failed'} by the cluster`
  const primaries = failed.filter((n) => n.role === 'primary' && n.slots > 0)
  const others = failed.filter((n) => !primaries.includes(n))
  const findings: Finding[] = []
  if (primaries.length > 0) {
    findings.push(
      makeFinding('redis.unreachable', {
        title: 'A Redis Cluster primary is down',
        detail: `${primaries.map(describe).join('\n')}\nThe sessions in its slots cannot be read until a replica takes over; with cluster-require-full-coverage yes the whole cluster refuses commands (CLUSTERDOWN).`,
        evidence: {failedPrimaries: primaries.map((n) => ({address: n.address, slots: n.slots, flags: n.flags}))},
        actions: ['Check the node and its log; if it has a replica, check that the failover happened (CLUSTER NODES)'],
      }),
    )
  }
  if (others.length > 0) {
    findings.push(
      makeFinding('redis.replication-broken', {
        severity: 'warning',
        detail: `${others.map(describe).join('\n')}\nA failed replica is one copy fewer to fail over to.`,
        evidence: {failedNodes: others.map((n) => ({address: n.address, role: n.role, flags: n.flags}))},
      }),
    )
  }
  return findings
}

export const redisStatsChecks: readonly RedisStatsCheck[] = [
  memoryPressure,
  noMaxmemory,
  evictionPolicy,
  evictions,
  lowHitRate,
  keysWithoutExpiryCheck,
  noRedundancy,
  replicationBroken,
  persistenceFailing,
  noPersistence,
  rejectedConnections,
  clusterNodesDown,
]

/** Every check; two findings of one id (replication-broken from INFO and from the cluster view) are merged. */
export function runRedisStatsChecks(view: RedisStatsView, thresholds: RedisStatsThresholds): Finding[] {
  if (view.nodes.length === 0) return []
  const byId = new Map<string, Finding>()
  for (const finding of redisStatsChecks.flatMap((check) => check(view, thresholds))) {
    const seen = byId.get(finding.id)
    byId.set(finding.id, seen ? mergeFindings(seen, finding) : finding)
  }
  return [...byId.values()]
}

function mergeFindings(a: Finding, b: Finding): Finding {
  const critical = a.severity === 'critical' || b.severity === 'critical'
  return {
    ...a,
    severity: critical ? 'critical' : a.severity === 'warning' || b.severity === 'warning' ? 'warning' : 'info',
    detail: `${a.detail}\n${b.detail}`,
    evidence: {...a.evidence, ...b.evidence},
    causes: [...new Set([...a.causes, ...b.causes])],
    actions: [...new Set([...a.actions, ...b.actions])],
  }
}

export function perDb(nodes: readonly NodeStats[]): Record<string, {keys: number; expires: number; withoutExpiry: number}> {
  const dbs: Record<string, {keys: number; expires: number; withoutExpiry: number}> = {}
  for (const node of nodes) {
    for (const db of node.keyspace) {
      const entry = (dbs[`db${db.db}`] ??= {keys: 0, expires: 0, withoutExpiry: 0})
      entry.keys += db.keys
      entry.expires += db.expires
      entry.withoutExpiry += Math.max(0, db.keys - db.expires)
    }
  }
  return dbs
}

function sumOf(nodes: readonly NodeStats[], pick: (n: NodeStats) => number | null): number {
  return nodes.reduce((sum, node) => sum + (pick(node) ?? 0), 0)
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000
}
