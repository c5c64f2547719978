import type {Redis} from 'ioredis'

export interface Endpoint {
  host: string
  port: number
}

export interface RedisNode {
  /** host:port as announced (cluster) or as given. */
  address: string
  role: 'primary' | 'replica'
  /** An ioredis standalone connection to this one node (also in cluster mode). */
  client: Redis
}

export interface ClusterNodeInfo {
  id: string
  address: string
  role: 'primary' | 'replica'
  /** The primary's id for a replica. */
  primaryId?: string
  flags: string[]
  linkState: string
  /** Number of hash slots served (primaries). */
  slots: number
}

export interface SentinelView {
  /** host:port of the master the Sentinels name. */
  master: string
  masterName: string
  quorum?: number
  /** Sentinels watching the master (this one included). */
  sentinels: number
  replicas: number
}

export interface RedisConnectionOk {
  ok: true
  mode: 'standalone' | 'cluster' | 'sentinel'
  /** The nodes to read from: the server, or every cluster primary (their replicas with `replica`). */
  nodes: RedisNode[]
  /** redis_version of the first node ('unknown' when INFO is denied). */
  version: string
  /** Cluster mode: every node CLUSTER NODES lists. */
  clusterNodes?: ClusterNodeInfo[]
  sentinel?: SentinelView
  /** Nodes that could not be reached although the topology lists them (cluster). */
  nodeErrors: Array<{address: string; message: string}>
  /** Non-fatal notes (replica asked for but none found, …). */
  warnings: string[]
  /** The database every node's client has SELECTed (0 on a Cluster). */
  db: number
  close(): Promise<void>
}

export interface RedisConnectionFailure {
  ok: false
  /** bad-db: the database asked for cannot be used (out of range, SELECT denied, a Cluster): a usage error, not a finding. */
  kind: 'unreachable' | 'auth-failed' | 'tls' | 'bad-db'
  /** Says what to do next; never holds a password. */
  message: string
}

export type RedisConnection = RedisConnectionOk | RedisConnectionFailure
