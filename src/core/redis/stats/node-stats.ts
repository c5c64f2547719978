import {
  type KeySizes,
  type KeyspaceDb,
  numberField,
  type ParsedInfo,
  parseKeySizes,
  parseKeyspace,
  parseReplicaLines,
  type ReplicaLine,
  stringField,
} from './info-parser.js'

export type NodeRole = 'primary' | 'replica' | 'unknown'

/** Where maxmemory and the policy were read: CONFIG GET, or INFO when CONFIG is blocked. */
export type MaxmemorySource = 'config' | 'info' | 'unknown'

/** What one Redis node tells about itself, typed; null where the server did not say. */
export interface NodeStats {
  address: string
  role: NodeRole
  version: string | null
  /** INFO's redis_mode: standalone, cluster or sentinel. */
  serverMode: string | null
  uptimeSeconds: number | null
  memory: {
    usedBytes: number | null
    peakBytes: number | null
    rssBytes: number | null
    /** 0 means no limit. */
    maxBytes: number | null
    policy: string | null
    fragmentationRatio: number | null
    /** Replication and AOF buffers, which Redis leaves out when it compares with maxmemory. */
    notCountedForEvictBytes: number
    /** The host's memory as Redis sees it (in a container: the host's, not the limit's). */
    systemBytes: number | null
    source: MaxmemorySource
  }
  clients: {connected: number | null; blocked: number | null; maxClients: number | null; rejectedConnections: number}
  keyspaceHits: number | null
  keyspaceMisses: number | null
  evictedKeys: number
  expiredKeys: number
  replication: {
    /** Replicas the primary counts as connected. */
    connectedReplicas: number
    replicas: ReplicaLine[]
    offset: number | null
    primary: PrimaryLink | null
  }
  persistence: {
    loading: boolean
    rdbLastBgsaveStatus: string | null
    rdbLastSaveTime: number | null
    rdbChangesSinceLastSave: number | null
    aofEnabled: boolean
    aofLastWriteStatus: string | null
    aofLastBgrewriteStatus: string | null
    /** stop-writes-on-bgsave-error from CONFIG (null: not asked, or CONFIG blocked). */
    stopWritesOnError: boolean | null
    /** CONFIG `save`: '' means no snapshot schedule, and then Redis never refuses writes (null: unknown). */
    savePoints: string | null
  }
  keyspace: KeyspaceDb[]
  keySizes: KeySizes
  clusterEnabled: boolean
  /** Lines of INFO that fit no shape (a proxy or an odd fork). */
  malformedLines: number
}

/** What a replica knows of its primary. */
export interface PrimaryLink {
  address: string
  linkStatus: 'up' | 'down' | null
  lastIoSecondsAgo: number | null
  linkDownSinceSeconds: number | null
  syncInProgress: boolean
  offset: number | null
}

export function roleOf(value: string | null): NodeRole {
  if (value === 'master' || value === 'primary') return 'primary'
  if (value === 'slave' || value === 'replica') return 'replica'
  return 'unknown'
}

/** Builds a node's typed stats from its parsed INFO (and INFO keysizes when the server has it). */
export function nodeStatsFromInfo(address: string, info: ParsedInfo, keySizesInfo?: ParsedInfo): NodeStats {
  const role = roleOf(stringField(info, 'role'))
  const linkStatus = stringField(info, 'master_link_status', 'primary_link_status')
  const primaryHost = stringField(info, 'master_host', 'primary_host')
  return {
    address,
    role,
    // Valkey also reports redis_version (the Redis it is compatible with): its own version says more.
    version: stringField(info, 'valkey_version', 'redis_version'),
    serverMode: stringField(info, 'redis_mode', 'server_mode'),
    uptimeSeconds: numberField(info, 'uptime_in_seconds'),
    memory: {
      usedBytes: numberField(info, 'used_memory'),
      peakBytes: numberField(info, 'used_memory_peak'),
      rssBytes: numberField(info, 'used_memory_rss'),
      maxBytes: numberField(info, 'maxmemory'),
      policy: stringField(info, 'maxmemory_policy'),
      fragmentationRatio: numberField(info, 'mem_fragmentation_ratio'),
      notCountedForEvictBytes: numberField(info, 'mem_not_counted_for_evict') ?? 0,
      systemBytes: numberField(info, 'total_system_memory') || null,
      source: numberField(info, 'maxmemory') === null ? 'unknown' : 'info',
    },
    clients: {
      connected: numberField(info, 'connected_clients'),
      blocked: numberField(info, 'blocked_clients'),
      maxClients: numberField(info, 'maxclients'),
      rejectedConnections: numberField(info, 'rejected_connections') ?? 0,
    },
    keyspaceHits: numberField(info, 'keyspace_hits'),
    keyspaceMisses: numberField(info, 'keyspace_misses'),
    evictedKeys: numberField(info, 'evicted_keys') ?? 0,
    expiredKeys: numberField(info, 'expired_keys') ?? 0,
    replication: {
      connectedReplicas: numberField(info, 'connected_slaves', 'connected_replicas') ?? 0,
      replicas: parseReplicaLines(info),
      offset: numberField(info, 'master_repl_offset', 'slave_repl_offset'),
      primary:
        role === 'replica'
          ? {
              address: `${primaryHost ?? '?'}:${stringField(info, 'master_port', 'primary_port') ?? '?'}`,
              linkStatus: linkStatus === 'up' || linkStatus === 'down' ? linkStatus : null,
              lastIoSecondsAgo: numberField(info, 'master_last_io_seconds_ago', 'primary_last_io_seconds_ago'),
              linkDownSinceSeconds: numberField(info, 'master_link_down_since_seconds', 'primary_link_down_since_seconds'),
              syncInProgress: numberField(info, 'master_sync_in_progress', 'primary_sync_in_progress') === 1,
              offset: numberField(info, 'slave_repl_offset', 'replica_repl_offset'),
            }
          : null,
    },
    persistence: {
      loading: numberField(info, 'loading') === 1,
      rdbLastBgsaveStatus: stringField(info, 'rdb_last_bgsave_status'),
      rdbLastSaveTime: numberField(info, 'rdb_last_save_time'),
      rdbChangesSinceLastSave: numberField(info, 'rdb_changes_since_last_save'),
      aofEnabled: numberField(info, 'aof_enabled') === 1,
      aofLastWriteStatus: stringField(info, 'aof_last_write_status'),
      aofLastBgrewriteStatus: stringField(info, 'aof_last_bgrewrite_status'),
      stopWritesOnError: null,
      savePoints: null,
    },
    keyspace: parseKeyspace(info),
    keySizes: parseKeySizes(keySizesInfo ?? info),
    clusterEnabled: numberField(info, 'cluster_enabled') === 1,
    malformedLines: info.malformed + (keySizesInfo?.malformed ?? 0),
  }
}

/** `CONFIG GET maxmemory*` answers a flat [name, value, …] list (RESP2) or a map (RESP3). */
export function configPairs(reply: unknown): Map<string, string> {
  const pairs = new Map<string, string>()
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) pairs.set(String(reply[i]).toLowerCase(), String(reply[i + 1]))
  } else if (reply && typeof reply === 'object') {
    for (const [k, v] of Object.entries(reply)) pairs.set(k.toLowerCase(), String(v))
  }
  return pairs
}

/** The node with CONFIG's maxmemory and policy where CONFIG answered (they win over INFO's). */
export function withConfig(node: NodeStats, config: Map<string, string> | null): NodeStats {
  if (!config) return node
  const max = config.get('maxmemory')
  const policy = config.get('maxmemory-policy')
  const stopWrites = config.get('stop-writes-on-bgsave-error')
  const save = config.get('save')
  const maxBytes = max !== undefined && /^\d+$/.test(max) ? Number(max) : null
  const fromConfig = maxBytes !== null || policy !== undefined
  return {
    ...node,
    memory: fromConfig
      ? {...node.memory, maxBytes: maxBytes ?? node.memory.maxBytes, policy: policy ?? node.memory.policy, source: 'config'}
      : node.memory,
    persistence: {
      ...node.persistence,
      stopWritesOnError: stopWrites === undefined ? node.persistence.stopWritesOnError : stopWrites === 'yes',
      savePoints: save === undefined ? node.persistence.savePoints : save.trim(),
    },
  }
}
