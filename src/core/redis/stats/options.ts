/**
 * Every threshold of the Redis stats checks, named, in one place: `diagnose --config` can override
 * any of them; the defaults are what a session store should meet.
 */
export interface RedisStatsThresholds {
  /** used / maxmemory at which memory-pressure is a warning. */
  memoryWarningRatio: number
  /** used / maxmemory at which memory-pressure is critical. */
  memoryCriticalRatio: number
  /** Hit rate below which low-hit-rate fires. */
  lowHitRate: number
  /** Fewer lookups than this since the restart say nothing about the hit rate. */
  minLookupsForHitRate: number
  /** Share of keys without expiry at which keys-without-expiry fires. */
  keysWithoutExpiryRatio: number
  /** …and only when at least this many keys have no expiry. */
  minKeysWithoutExpiry: number
  /** evicted_keys at or above which evictions fire. */
  minEvictedKeys: number
  /** rejected_connections at or above which rejected-connections fires. */
  minRejectedConnections: number
  /** Seconds since a replica last acknowledged (it does every second) that count as lagging. */
  replicaLagSeconds: number
  /** Bytes of replication stream a replica may be behind its primary before it counts as lagging. */
  replicaLagBytes: number
}

export const defaultRedisStatsThresholds: Readonly<RedisStatsThresholds> = Object.freeze({
  memoryWarningRatio: 0.8,
  memoryCriticalRatio: 0.95,
  lowHitRate: 0.8,
  minLookupsForHitRate: 1000,
  keysWithoutExpiryRatio: 0.1,
  minKeysWithoutExpiry: 100,
  minEvictedKeys: 1,
  minRejectedConnections: 1,
  replicaLagSeconds: 10,
  replicaLagBytes: 16 * 1024 * 1024,
})

export interface RedisStatsOptions {
  thresholds?: Partial<RedisStatsThresholds>
  /** Ctrl-C: nodes not read yet are skipped and the section is partial. */
  signal?: AbortSignal
}

export function resolveThresholds(overrides: Partial<RedisStatsThresholds> = {}): RedisStatsThresholds {
  const merged = {...defaultRedisStatsThresholds}
  for (const [key, value] of Object.entries(overrides) as Array<[keyof RedisStatsThresholds, number | undefined]>) {
    if (key in defaultRedisStatsThresholds && typeof value === 'number' && Number.isFinite(value)) merged[key] = value
  }
  return merged
}
