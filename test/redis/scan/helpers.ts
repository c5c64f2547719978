import type {Cluster, Redis} from 'ioredis'
import {connectRedis, type RedisConnectionOk, type RedisTarget} from '../../../src/core/redis/connection/index.js'

export function target(url: string, extra: Partial<RedisTarget> = {}): RedisTarget {
  return {url, connectTimeoutMs: 1000, ...extra}
}

export async function connect(url: string, extra: Partial<RedisTarget> = {}): Promise<RedisConnectionOk> {
  const connection = await connectRedis(target(url, extra))
  if (!connection.ok) throw new Error(connection.message)
  return connection
}

/**
 * A stand-in for a Redis client over a Cluster, for the fixture loaders: each pipelined command is
 * sent on its own through the cluster client (cluster pipelines need one slot per pipeline).
 */
export function clusterLoader(cluster: Cluster): Redis {
  const pipeline = () => {
    const calls: Array<() => Promise<unknown>> = []
    const proxy: Record<string, unknown> = new Proxy(
      {},
      {
        get(_target, name: string) {
          if (name === 'exec') return async () => (await Promise.all(calls.map((c) => c()))).map((v) => [null, v])
          return (...args: unknown[]) => {
            calls.push(() => (cluster as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!(...args))
            return proxy
          }
        },
      },
    )
    return proxy
  }
  return new Proxy(cluster, {
    get(target, name: string) {
      if (name === 'pipeline') return pipeline
      const value = (target as unknown as Record<string, unknown>)[name]
      return typeof value === 'function' ? value.bind(target) : value
    },
  }) as unknown as Redis
}
