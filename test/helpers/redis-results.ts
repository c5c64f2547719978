import {analyzeRedis} from '../../src/core/redis/analyze.js'
import type {RedisTarget} from '../../src/core/redis/connection/index.js'
import {redisResult} from '../../src/core/redis/result.js'
import type {RedisScanOptions} from '../../src/core/redis/scan/index.js'
import type {SourceResult} from '../../src/core/report/types.js'

/** The `redis` result of `sessdoc redis stats`: connect, read every node, close. */
export async function statsResult(target: RedisTarget): Promise<SourceResult<'redis'>> {
  return redisResult(await analyzeRedis(target, {stats: {}}))
}

/** The `redis` result of `sessdoc redis scan`: connect, scan, close. */
export async function scanResult(target: RedisTarget, scan: Omit<RedisScanOptions, 'signal'> = {}): Promise<SourceResult<'redis'>> {
  return redisResult(await analyzeRedis(target, {scan}))
}
