import {connectRedis, type RedisConnectionFailure, type RedisTarget} from './connection/index.js'
import {type RedisScanOptions, type RedisScanResult, scanRedis} from './scan/index.js'
import {collectRedisStats, type RedisStatsCollection, type RedisStatsOptions} from './stats/index.js'

export interface AnalyzeRedisOptions {
  /** Read INFO / CONFIG on every node and run the stats checks (`redis stats`). */
  stats?: Omit<RedisStatsOptions, 'signal'>
  /** SCAN the session keys (`redis scan`); after the stats when both are asked, and only if a node answered INFO. */
  scan?: Omit<RedisScanOptions, 'signal'>
  /** Ctrl-C: what was read so far is kept, the rest is skipped. */
  signal?: AbortSignal
}

/** What analyzeRedis found: the failure to connect, or the stats and the scan that were asked for. */
export type RedisAnalysis = {target: RedisTarget; asked: {stats: boolean; scan: boolean}} & (
  | {ok: false; failure: RedisConnectionFailure}
  | {
      ok: true
      stats?: RedisStatsCollection
      scan?: RedisScanResult
      /** Notes from connecting (no replica found for --replica, …). */
      warnings: string[]
      /** The signal fired before the analysis ended. */
      interrupted: boolean
    }
)

/**
 * Connect once, read what was asked, close: the Redis part of `redis stats`, `redis scan` and
 * diagnose. An unreachable Redis is a result, not a throw.
 */
export async function analyzeRedis(target: RedisTarget, options: AnalyzeRedisOptions): Promise<RedisAnalysis> {
  const {signal} = options
  const asked = {stats: options.stats !== undefined, scan: options.scan !== undefined}
  const connection = await connectRedis(target, {signal})
  if (!connection.ok) return {target, asked, ok: false, failure: connection}
  try {
    // Stats first: INFO is cheap, and tells whether a scan is worth the server's time.
    const stats = options.stats ? await collectRedisStats(connection, {...options.stats, signal}) : undefined
    const scanWorthIt = !stats || (stats.figures.nodes > 0 && !signal?.aborted)
    const scan = options.scan && scanWorthIt ? await scanRedis(connection, {...options.scan, signal}) : undefined
    return {target, asked, ok: true, stats, scan, warnings: connection.warnings, interrupted: signal?.aborted === true}
  } finally {
    await connection.close()
  }
}
