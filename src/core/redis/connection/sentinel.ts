import type {Redis, RedisOptions} from 'ioredis'
import {closeClient, openClient} from './client.js'
import {ConnectFailure} from './errors.js'
import type {RedisTarget} from './target.js'
import type {Endpoint, SentinelView} from './types.js'

/** Asks each Sentinel in turn for the master (or, with `replica`, a healthy replica) and its view. */
export async function askSentinels(
  target: RedisTarget,
  base: RedisOptions,
  signal: AbortSignal | undefined,
): Promise<{master: Endpoint; view: SentinelView}> {
  const name = target.sentinelMaster ?? ''
  const failures: string[] = []
  // Sentinels usually have no password (or their own): try without the data password first.
  const {password: _password, username: _username, ...sentinelOptions} = base
  for (const address of target.sentinels ?? []) {
    let client: Redis | undefined
    try {
      client = await openClient({...sentinelOptions, ...address}, target, signal).catch(async (error: unknown) => {
        if (error instanceof ConnectFailure && error.kind === 'auth-failed' && base.password)
          return openClient({...sentinelOptions, password: base.password, ...address}, target, signal)
        throw error
      })
      const reply = (await client.call('SENTINEL', 'get-master-addr-by-name', name)) as [string, string] | null
      if (!reply) {
        failures.push(`${address.host}:${address.port} does not know a master named ${name}`)
        continue
      }
      const master = {host: reply[0], port: Number(reply[1])}
      const fields = flatToMap((await client.call('SENTINEL', 'master', name)) as string[])
      const view: SentinelView = {
        master: `${master.host}:${master.port}`,
        masterName: name,
        sentinels: Number(fields.get('num-other-sentinels') ?? 0) + 1,
        replicas: Number(fields.get('num-slaves') ?? 0),
      }
      if (fields.has('quorum')) view.quorum = Number(fields.get('quorum'))
      if (target.replica) {
        const replicas = ((await client.call('SENTINEL', 'replicas', name)) as string[][]).map(flatToMap)
        const healthy = replicas.find(
          (r) => !/s_down|o_down|disconnected/.test(r.get('flags') ?? '') && r.get('master-link-status') === 'ok',
        )
        if (healthy) return {master: {host: healthy.get('ip')!, port: Number(healthy.get('port'))}, view}
      }
      return {master, view}
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error))
    } finally {
      if (client) await closeClient(client)
    }
  }
  throw new ConnectFailure(
    'unreachable',
    `no Sentinel answered for master ${name}: ${failures.join('; ')}; check --sentinel and --sentinel-master`,
  )
}

function flatToMap(flat: string[]): Map<string, string> {
  const map = new Map<string, string>()
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(String(flat[i]), String(flat[i + 1]))
  return map
}
