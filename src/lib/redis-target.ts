import {defaultRedisUrl, type RedisTarget, RedisTargetError, type RedisTargetSpec, redisTarget} from '../core/redis/connection/index.js'
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
  host?: string
  port?: number
  pass?: string
}

/** The connection flags in the names of a target spec (and of the config file's `redis` section). */
export function redisSpecOf(flags: RedisFlagValues): RedisTargetSpec {
  const spec: RedisTargetSpec = {
    url: redisUrlOf(flags),
    cluster: flags.cluster,
    sentinel: flags.sentinel,
    sentinelMaster: flags['sentinel-master'],
    tlsCa: flags['tls-ca'],
    connectTimeout: flags['connect-timeout'],
    db: flags.db,
    replica: flags.replica,
  }
  if (flags.pass !== undefined) passwordFromFlag.add(spec)
  return spec
}

/** Specs whose URL holds the password of -a/--pass: their ps warning names that flag. */
const passwordFromFlag = new WeakSet<RedisTargetSpec>()

/**
 * --redis with redis-cli's --host, --port and -a/--pass over it (the password goes into the URL,
 * whence the target takes it out again with the same ps warning as a password written in --redis).
 */
export function redisUrlOf(flags: Pick<RedisFlagValues, 'redis' | 'host' | 'port' | 'pass'>): string | undefined {
  if (flags.host === undefined && flags.port === undefined && flags.pass === undefined) return flags.redis
  const base = flags.redis ?? defaultRedisUrl
  let url: URL
  try {
    url = new URL(base.includes('://') ? base : `redis://${base}`)
  } catch {
    return flags.redis // redisTarget says what is wrong with it
  }
  if (flags.host !== undefined) url.hostname = flags.host.includes(':') && !flags.host.startsWith('[') ? `[${flags.host}]` : flags.host
  if (flags.port !== undefined) url.port = String(flags.port)
  if (flags.pass !== undefined) url.password = encodeURIComponent(flags.pass)
  return url.toString()
}

/** The target of the connection flags; flags that cannot describe one are a usage error (exit 3). */
export function redisTargetOf(spec: RedisTargetSpec): {target: RedisTarget; warnings: string[]} {
  try {
    const result = redisTarget(spec)
    if (passwordFromFlag.has(spec))
      result.warnings = result.warnings.map((w) =>
        w.startsWith('the password in --redis')
          ? 'the password of -a/--pass shows in ps and the shell history: set SESSDOC_REDIS_PASSWORD (or REDISCLI_AUTH) instead'
          : w,
      )
    return result
  } catch (error) {
    if (error instanceof RedisTargetError) throw new UserError(error.message, error.hint)
    throw error
  }
}

/** Straight to stderr: oclif's warn() is silent under --json, and these must reach cron logs too. */
export function warnOnStderr(warnings: string[]): void {
  for (const warning of warnings) process.stderr.write(`Warning: ${warning}\n`)
}
