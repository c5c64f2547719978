import {perDb} from './checks.js'
import type {KeySizes} from './info-parser.js'
import type {MaxmemorySource, NodeStats} from './node-stats.js'
import {
  bytesBehind,
  hitRate,
  isUnpersistedPrimary,
  keysWithoutExpiry,
  memoryUsage,
  type RedisMode,
  type RedisStatsView,
  type SentinelView,
} from './view.js'

/** One row per node: the per-node table of a cluster, and the one node of a standalone Redis. */
export interface RedisNodeRow {
  address: string
  role: NodeStats['role']
  version: string | null
  uptimeSeconds: number | null
  usedBytes: number | null
  maxBytes: number | null
  /** used / maxmemory as Redis counts it (null without a limit). */
  memoryUsage: number | null
  policy: string | null
  fragmentationRatio: number | null
  hitRate: number | null
  evictedKeys: number
  expiredKeys: number
  keys: number
  withoutExpiry: number
  connectedClients: number | null
  rejectedConnections: number
  replicas: number
  /** A replica's link to its primary. */
  primaryLink: {address: string; status: 'up' | 'down' | null; lastIoSecondsAgo: number | null; downSinceSeconds: number | null} | null
  /** A primary's replicas as it sees them. */
  replicaLinks: Array<{address: string; state: string | null; lagSeconds: number | null; behindBytes: number | null}>
  rdbLastBgsaveStatus: string | null
  aofEnabled: boolean
}

/** The stats half of `sources.redis` (CONTRACT.md); the scan half is added by redis scan. */
export interface RedisStatsFigures {
  mode: RedisMode
  nodes: number
  version: string | null
  uptimeSeconds: number | null
  memory: {
    usedBytes: number | null
    peakBytes: number | null
    maxBytes: number | null
    policy: string | null
    fragmentationRatio: number | null
    /** used / maxmemory of the fullest node. */
    usage: number | null
    /** CONFIG GET, or INFO when CONFIG is blocked (managed services). */
    source: MaxmemorySource
  }
  hitRate: number | null
  keyspaceHits: number
  keyspaceMisses: number
  evictedKeys: number
  expiredKeys: number
  replicas: number | null
  keyspace: Record<string, {keys: number; expires: number; withoutExpiry: number}>
  clients: {connected: number; blocked: number; maxClients: number | null; rejectedConnections: number}
  persistence: {
    rdbLastBgsaveStatus: string | null
    rdbLastSaveTime: string | null
    rdbChangesSinceLastSave: number | null
    aofEnabled: boolean
    aofLastWriteStatus: string | null
    /** Primaries with neither save points nor AOF (known only where CONFIG answered). */
    unpersistedPrimaries?: string[]
  }
  sentinel?: SentinelView
  /** Cluster mode: the topology CLUSTER NODES shows, failed nodes by address. */
  cluster?: {primaries: number; replicas: number; failed: string[]}
  /** Redis 8 INFO keysizes, summed over nodes: per db, per kind, buckets from a power of two. */
  keySizes?: KeySizes
  nodeStats: RedisNodeRow[]
}

export function redisStatsFigures(view: RedisStatsView): RedisStatsFigures {
  const {nodes} = view
  const hits = sum(nodes.map((n) => n.keyspaceHits))
  const misses = sum(nodes.map((n) => n.keyspaceMisses))
  const primaries = nodes.filter((n) => n.role === 'primary')
  const usages = nodes.map(memoryUsage).filter((u): u is number => u !== null)
  const failedSave = nodes.find((n) => n.persistence.rdbLastBgsaveStatus === 'err')
  const saveTimes = nodes.map((n) => n.persistence.rdbLastSaveTime).filter((t): t is number => t !== null && t > 0)
  const figures: RedisStatsFigures = {
    mode: view.mode,
    nodes: nodes.length,
    version: versionOf(nodes),
    uptimeSeconds: minOf(nodes.map((n) => n.uptimeSeconds)),
    memory: {
      usedBytes: nullableSum(nodes.map((n) => n.memory.usedBytes)),
      peakBytes: nullableSum(nodes.map((n) => n.memory.peakBytes)),
      maxBytes: maxBytesOf(nodes),
      policy: distinct(nodes.map((n) => n.memory.policy)),
      fragmentationRatio: maxOf(nodes.map((n) => n.memory.fragmentationRatio)),
      usage: usages.length ? round(Math.max(...usages)) : null,
      source: nodes.every((n) => n.memory.source === 'config')
        ? 'config'
        : nodes.some((n) => n.memory.source === 'info')
          ? 'info'
          : 'unknown',
    },
    hitRate: roundOrNull(hitRate(hits, misses)),
    keyspaceHits: hits,
    keyspaceMisses: misses,
    evictedKeys: sum(nodes.map((n) => n.evictedKeys)),
    expiredKeys: sum(nodes.map((n) => n.expiredKeys)),
    replicas: view.sentinel ? view.sentinel.replicas : primaries.length ? sum(primaries.map((n) => n.replication.connectedReplicas)) : null,
    keyspace: perDb(nodes),
    clients: {
      connected: sum(nodes.map((n) => n.clients.connected)),
      blocked: sum(nodes.map((n) => n.clients.blocked)),
      maxClients: minOf(nodes.map((n) => n.clients.maxClients)),
      rejectedConnections: sum(nodes.map((n) => n.clients.rejectedConnections)),
    },
    persistence: {
      rdbLastBgsaveStatus: failedSave ? 'err' : distinct(nodes.map((n) => n.persistence.rdbLastBgsaveStatus)),
      rdbLastSaveTime: saveTimes.length ? new Date(Math.min(...saveTimes) * 1000).toISOString() : null,
      rdbChangesSinceLastSave: maxOf(nodes.map((n) => n.persistence.rdbChangesSinceLastSave)),
      aofEnabled: nodes.some((n) => n.persistence.aofEnabled),
      aofLastWriteStatus: nodes.some((n) => n.persistence.aofLastWriteStatus === 'err')
        ? 'err'
        : distinct(nodes.map((n) => n.persistence.aofLastWriteStatus)),
      ...unpersisted(nodes),
    },
    nodeStats: nodes.map(nodeRow),
  }
  if (view.sentinel) figures.sentinel = view.sentinel
  if (view.clusterNodes) {
    figures.cluster = {
      primaries: view.clusterNodes.filter((n) => n.role === 'primary' && n.slots > 0).length,
      replicas: view.clusterNodes.filter((n) => n.role === 'replica').length,
      failed: view.clusterNodes.filter((n) => n.flags.includes('fail') || n.flags.includes('fail?')).map((n) => n.address),
    }
  }
  const keySizes = mergeKeySizes(nodes)
  if (keySizes) figures.keySizes = keySizes
  return figures
}

export function nodeRow(node: NodeStats): RedisNodeRow {
  const {keys, withoutExpiry} = keysWithoutExpiry(node)
  const link = node.replication.primary
  const usage = memoryUsage(node)
  return {
    address: node.address,
    role: node.role,
    version: node.version,
    uptimeSeconds: node.uptimeSeconds,
    usedBytes: node.memory.usedBytes,
    maxBytes: node.memory.maxBytes,
    memoryUsage: usage === null ? null : round(usage),
    policy: node.memory.policy,
    fragmentationRatio: node.memory.fragmentationRatio,
    hitRate: roundOrNull(hitRate(node.keyspaceHits, node.keyspaceMisses)),
    evictedKeys: node.evictedKeys,
    expiredKeys: node.expiredKeys,
    keys,
    withoutExpiry,
    connectedClients: node.clients.connected,
    rejectedConnections: node.clients.rejectedConnections,
    replicas: node.replication.connectedReplicas,
    primaryLink: link
      ? {
          address: link.address,
          status: link.linkStatus,
          lastIoSecondsAgo: link.lastIoSecondsAgo,
          downSinceSeconds: link.linkDownSinceSeconds,
        }
      : null,
    replicaLinks: node.replication.replicas.map((r) => ({
      address: r.address,
      state: r.state,
      lagSeconds: r.lagSeconds,
      // A replica still syncing reports offset 0: "behind" means nothing until it is online.
      behindBytes: r.state === 'online' || r.state === null ? bytesBehind(node.replication.offset, r.offset) : null,
    })),
    rdbLastBgsaveStatus: node.persistence.rdbLastBgsaveStatus,
    aofEnabled: node.persistence.aofEnabled,
  }
}

/** The oldest version when nodes differ (the one whose limits apply), with a note. */
function versionOf(nodes: readonly NodeStats[]): string | null {
  const versions = [...new Set(nodes.map((n) => n.version).filter((v): v is string => v !== null))]
  if (versions.length === 0) return null
  versions.sort(compareVersions)
  return versions.length === 1 ? versions[0]! : `${versions[0]} (mixed: ${versions.join(', ')})`
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0)
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/** Sum of limits when every node has one; 0 when none has; null when some have and some not. */
function maxBytesOf(nodes: readonly NodeStats[]): number | null {
  const limits = nodes.map((n) => n.memory.maxBytes)
  if (limits.length === 0 || limits.some((l) => l === null)) return null
  if (limits.every((l) => l === 0)) return 0
  if (limits.some((l) => l === 0)) return null
  return sum(limits)
}

function mergeKeySizes(nodes: readonly NodeStats[]): KeySizes | undefined {
  const merged: KeySizes = {}
  let any = false
  for (const node of nodes) {
    for (const [db, kinds] of Object.entries(node.keySizes)) {
      for (const [kind, buckets] of Object.entries(kinds)) {
        any = true
        const target = ((merged[db] ??= {})[kind] ??= [])
        for (const bucket of buckets) {
          const existing = target.find((b) => b.from === bucket.from)
          if (existing) existing.count += bucket.count
          else target.push({...bucket})
        }
        target.sort((a, b) => a.from - b.from)
      }
    }
  }
  return any ? merged : undefined
}

function distinct(values: ReadonlyArray<string | null>): string | null {
  const set = [...new Set(values.filter((v): v is string => v !== null))]
  return set.length === 0 ? null : set.join(', ')
}

function sum(values: ReadonlyArray<number | null>): number {
  return values.reduce<number>((acc, v) => acc + (v ?? 0), 0)
}

function nullableSum(values: ReadonlyArray<number | null>): number | null {
  return values.every((v) => v === null) ? null : sum(values)
}

function minOf(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null)
  return present.length ? Math.min(...present) : null
}

function maxOf(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null)
  return present.length ? Math.max(...present) : null
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000
}

function roundOrNull(n: number | null): number | null {
  return n === null ? null : round(n)
}

function unpersisted(nodes: readonly NodeStats[]): {unpersistedPrimaries?: string[]} {
  const bare = nodes.filter(isUnpersistedPrimary)
  return bare.length ? {unpersistedPrimaries: bare.map((n) => n.address)} : {}
}
