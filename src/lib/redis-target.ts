import {type RedisTarget, RedisTargetError, type RedisTargetSpec, redisTarget} from '../core/redis/connection/index.js'
import {UserError} from './errors.js'

/** The values of the shared Redis connection flags (redisFlags). */
export interface RedisFlagValues {
  redis?: string
  cluster?: boolean
  sentinel?: string
  'sentinel-master'?: string
  'tls-ca'?: string
  'connect-timeout'?: number
  db?: number
  replica?: boolean
}

/** The connection flags in the names of a target spec (and of the config file's `redis` section). */
export function redisSpecOf(flags: RedisFlagValues): RedisTargetSpec {
  return {
    url: flags.redis,
    cluster: flags.cluster,
    sentinel: flags.sentinel,
    sentinelMaster: flags['sentinel-master'],
    tlsCa: flags['tls-ca'],
    connectTimeout: flags['connect-timeout'],
    db: flags.db,
    replica: flags.replica,
  }
}

/** The target of the connection flags; flags that cannot describe one are a usage error (exit 3). */
export function redisTargetOf(spec: RedisTargetSpec): {target: RedisTarget; warnings: string[]} {
  try {
    return redisTarget(spec)
  } catch (error) {
    if (error instanceof RedisTargetError) throw new UserError(error.message, error.hint)
    throw error
  }
}

/** Straight to stderr: oclif's warn() is silent under --json, and these must reach cron logs too. */
export function warnOnStderr(warnings: string[]): void {
  for (const warning of warnings) process.stderr.write(`Warning: ${warning}\n`)
}
