import {maskUrlPasswords} from '../../redact.js'

/** Where and how to reach Redis; built by redisTarget. */
export interface RedisTarget {
  /** redis://[user@]host:port/db or rediss://; never holds a password (it is moved to `password`). */
  url: string
  password?: string
  /** Forced; otherwise detected from INFO cluster (cluster_enabled:1). */
  cluster?: boolean
  sentinels?: Array<{host: string; port: number}>
  sentinelMaster?: string
  /** PEM file path for rediss://. */
  tlsCa?: string
  /** Connect AND per-command timeout. */
  connectTimeoutMs: number
  db?: number
  /** Read from a replica when one exists. */
  replica?: boolean
}

/** A target as the user wrote it (flags or the config file's `redis` section); every field optional. */
export interface RedisTargetSpec {
  /** redis://[user@]host:port/db, rediss://, or host:port. */
  url?: string
  cluster?: boolean
  /** host:port[,host:port] */
  sentinel?: string
  sentinelMaster?: string
  tlsCa?: string
  /** Milliseconds. */
  connectTimeout?: number
  /** Overrides the URL path. */
  db?: number
  replica?: boolean
}

export const defaultRedisUrl = 'redis://127.0.0.1:6379'
export const defaultConnectTimeoutMs = 3000

/** A spec that cannot describe a target (the command turns it into a UserError, exit 3). */
export class RedisTargetError extends Error {
  override name = 'RedisTargetError'
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message)
  }
}

/**
 * The target from a spec and the environment. A password inside the URL is moved out of it (so
 * that no message can show it) and warned about.
 */
export function redisTarget(spec: RedisTargetSpec, env: NodeJS.ProcessEnv = process.env): {target: RedisTarget; warnings: string[]} {
  const warnings: string[] = []
  const url = parseRedisUrl(spec.url ?? defaultRedisUrl)
  let password = env.SESSDOC_REDIS_PASSWORD || env.REDISCLI_AUTH || undefined
  if (url.password) {
    password = decodeURIComponent(url.password)
    url.password = ''
    warnings.push('the password in --redis shows in ps and the shell history: set SESSDOC_REDIS_PASSWORD instead')
  }
  const db = spec.db ?? dbOfPath(url)
  const target: RedisTarget = {url: url.toString(), connectTimeoutMs: spec.connectTimeout ?? defaultConnectTimeoutMs}
  if (password) target.password = password
  if (db !== undefined) target.db = db
  if (spec.cluster) target.cluster = true
  if (spec.replica) target.replica = true
  if (spec.tlsCa) target.tlsCa = spec.tlsCa
  if (spec.sentinel) {
    target.sentinels = spec.sentinel.split(',').map((part) => parseHostPort(part.trim(), 26379))
    if (!spec.sentinelMaster)
      throw new RedisTargetError(
        '--sentinel needs --sentinel-master NAME',
        'add --sentinel-master with the master name the Sentinels watch (SENTINEL masters)',
      )
    target.sentinelMaster = spec.sentinelMaster
  } else if (spec.sentinelMaster) {
    throw new RedisTargetError('--sentinel-master needs --sentinel host:port[,host:port]', 'add the Sentinel addresses with --sentinel')
  }
  if (spec.tlsCa && url.protocol !== 'rediss:') warnings.push('--tls-ca is ignored with redis://: use rediss:// for TLS')
  return {target, warnings}
}

function parseRedisUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw.includes('://') ? raw : `redis://${raw}`)
  } catch {
    throw new RedisTargetError(
      `--redis ${maskUrlPasswords(raw)} is not a URL`,
      'use redis://[user@]host:port/db or rediss://host:port for TLS',
    )
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RedisTargetError(`--redis: unsupported scheme ${url.protocol}`, 'use redis:// or rediss:// (TLS)')
  }
  return url
}

function dbOfPath(url: URL): number | undefined {
  const path = url.pathname.replace(/^\//, '')
  if (path === '') return undefined
  if (!/^\d+$/.test(path)) throw new RedisTargetError(`--redis: database "${path}" is not a number`, 'use redis://host:port/0 or --db N')
  return Number(path)
}

function parseHostPort(text: string, defaultPort: number): {host: string; port: number} {
  const match = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(text)
  const host = match?.[1]
  const port = match?.[2] ? Number(match[2]) : defaultPort
  if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new RedisTargetError(`"${text}" is not host:port`, 'write Sentinel addresses as host:port[,host:port]')
  }
  return {host, port}
}

/** The URL for messages: password masked (there is none in target.url, but be safe), user and db kept. */
export function describeTarget(target: RedisTarget): string {
  if (target.sentinels?.length) {
    return `sentinel ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')} master ${target.sentinelMaster ?? '?'}`
  }
  return maskUrlPasswords(target.url)
}
