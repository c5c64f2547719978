import type {ClusterNodeInfo, SentinelView} from '../connection/index.js'
import type {NodeStats} from './node-stats.js'

export type RedisMode = 'standalone' | 'cluster' | 'sentinel'
export type {SentinelView}

/** Everything the checks look at: the deployment's shape and each node's stats. */
export interface RedisStatsView {
  mode: RedisMode
  nodes: NodeStats[]
  sentinel?: SentinelView
  /** Cluster mode: every node CLUSTER NODES lists, failed ones included. */
  clusterNodes?: ClusterNodeInfo[]
}

/** Memory as Redis compares it with maxmemory: replication and AOF buffers left out. */
export function memoryUsage(node: NodeStats): number | null {
  const {usedBytes, maxBytes, notCountedForEvictBytes} = node.memory
  if (usedBytes === null || !maxBytes) return null
  return Math.max(0, usedBytes - notCountedForEvictBytes) / maxBytes
}

export function hitRate(hits: number | null, misses: number | null): number | null {
  if (hits === null || misses === null || hits + misses === 0) return null
  return hits / (hits + misses)
}

export function keysWithoutExpiry(node: NodeStats): {keys: number; withoutExpiry: number} {
  let keys = 0
  let withoutExpiry = 0
  for (const db of node.keyspace) {
    keys += db.keys
    withoutExpiry += Math.max(0, db.keys - db.expires)
  }
  return {keys, withoutExpiry}
}

/** How far a replica is behind its primary, in bytes of replication stream. */
export function bytesBehind(primaryOffset: number | null, replicaOffset: number | null): number | null {
  if (primaryOffset === null || replicaOffset === null) return null
  return Math.max(0, primaryOffset - replicaOffset)
}

/** A primary that keeps nothing on disk: no RDB save points (CONFIG said so) and AOF off. */
export function isUnpersistedPrimary(node: NodeStats): boolean {
  return node.role !== 'replica' && node.persistence.savePoints === '' && !node.persistence.aofEnabled
}
