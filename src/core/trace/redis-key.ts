import type {Redis} from 'ioredis'
import {type RedactOptions, redactSessionId} from '../redact.js'
import {connectRedis, type RedisTarget} from '../redis/connection/index.js'
import {decodeStoredNumber} from '../redis/scan/java-values.js'
import {metadataFields, type PresetName} from '../redis/scan/presets.js'
import type {TraceRedisKey} from './types.js'

export interface RedisKeyOptions {
  /** Spring Session namespace (default spring:session). */
  namespace?: string
  /** Only this layout; default: each layout's key is tried in turn. */
  preset?: PresetName
  redact: RedactOptions
  signal?: AbortSignal
}

/** The keys a session id has in each layout sessdoc reads (presets.ts), most common first. */
export function candidateKeys(
  base: string,
  route: string | null,
  options: Pick<RedisKeyOptions, 'namespace' | 'preset'>,
): Array<{key: string; preset: PresetName; idStart: number}> {
  const full = route ? `${base}.${route}` : base
  const ns = options.namespace ?? 'spring:session'
  const all: Array<{key: string; preset: PresetName; idStart: number}> = [
    {key: `${ns}:sessions:${base}`, preset: 'spring-session', idStart: ns.length + 10},
    {key: `redisson:tomcat_session:${full}`, preset: 'redisson-tomcat', idStart: 24},
    {key: `redisson:tomcat_session:${base}`, preset: 'redisson-tomcat', idStart: 24},
    {key: full, preset: 'tomcat-redis-session-manager', idStart: 0},
    {key: base, preset: 'tomcat-redis-session-manager', idStart: 0},
  ]
  const unique = all.filter((c, i) => all.findIndex((d) => d.key === c.key) === i)
  return options.preset ? unique.filter((c) => c.preset === options.preset) : unique
}

export type RedisKeyRead = {ok: true; key: TraceRedisKey | null} | {ok: false; message: string}

/**
 * The session's key now, read-only: EXISTS, PTTL, MEMORY USAGE and, for Spring Session and
 * Redisson, the lastAccessedTime and maxInactiveInterval fields. Null when no layout's key exists.
 */
export async function readSessionKey(
  target: RedisTarget,
  base: string,
  route: string | null,
  options: RedisKeyOptions,
): Promise<RedisKeyRead> {
  const connection = await connectRedis(target, {signal: options.signal})
  if (!connection.ok) return {ok: false, message: connection.message}
  try {
    const candidates = candidateKeys(base, route, options)
    for (const node of connection.nodes) {
      for (const c of candidates) {
        const found = await readKey(node.client, c.key).catch(() => null)
        if (found === null) continue
        const redacted = `${c.key.slice(0, c.idStart)}${redactSessionId(c.key.slice(c.idStart), options.redact)}`
        const fields = metadataFields[c.preset]
        let lastAccessed: number | undefined
        let interval: number | undefined
        if (fields) {
          const [i, l] = await node.client.hmgetBuffer(c.key, fields.maxInactiveInterval, fields.lastAccessedTime).catch(() => [null, null])
          interval = decodeStoredNumber(i)
          lastAccessed = decodeStoredNumber(l)
        }
        return {
          ok: true,
          key: {
            key: redacted,
            exists: true,
            ttlSeconds: found.pttl >= 0 ? Math.round(found.pttl / 1000) : null,
            bytes: found.bytes,
            lastAccessedTime: lastAccessed === undefined ? null : new Date(lastAccessed).toISOString(),
            maxInactiveIntervalSeconds: interval ?? null,
            preset: c.preset,
          },
        }
      }
    }
    return {ok: true, key: null}
  } finally {
    await connection.close()
  }
}

async function readKey(client: Redis, key: string): Promise<{pttl: number; bytes: number | null} | null> {
  const pttl = await client.pttl(key)
  if (pttl === -2) return null
  const bytes = (await client.call('MEMORY', 'USAGE', key, 'SAMPLES', '64').catch(() => null)) as number | null
  return {pttl, bytes: typeof bytes === 'number' ? bytes : null}
}
