import type {Redis, RedisOptions} from 'ioredis'
import {clientOptions} from './client.js'
import {ConnectFailure, firstLine, unexpectedFailure} from './errors.js'
import {OpenClients} from './open-clients.js'
import {askSentinels} from './sentinel.js'
import {describeTarget, type RedisTarget} from './target.js'
import {chooseClusterNodes, endpointOf, infoOf, onlineReplica, parseClusterNodes} from './topology.js'
import type {Endpoint, RedisConnection, RedisConnectionOk, RedisNode, SentinelView} from './types.js'

/**
 * Connects to the target and discovers its topology. Never throws for a server problem: a closed
 * port, a wrong password, a TLS mismatch come back as {ok: false} within about connectTimeoutMs.
 */
export async function connectRedis(target: RedisTarget, options: {signal?: AbortSignal} = {}): Promise<RedisConnection> {
  const clients = new OpenClients(target, options.signal)
  try {
    return await discover(target, clients, options.signal)
  } catch (error) {
    await clients.closeAll()
    return unexpectedFailure(error, target)
  }
}

/** What every mode shares once the seed node answered INFO. */
interface Seed {
  target: RedisTarget
  clients: OpenClients
  base: RedisOptions
  endpoint: Endpoint
  client: Redis
  info: Map<string, string>
  version: string
  db: number
}

async function discover(target: RedisTarget, clients: OpenClients, signal: AbortSignal | undefined): Promise<RedisConnectionOk> {
  const url = new URL(target.url)
  const base = clientOptions(target, url)
  let sentinel: SentinelView | undefined
  let endpoint: Endpoint = {host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(url.port || 6379)}
  if (target.sentinels?.length) {
    const asked = await askSentinels(target, base, signal)
    sentinel = asked.view
    endpoint = asked.master
  }
  const client = await clients.open({...base, ...endpoint})
  const info = await infoOf(client, 'server', 'cluster', 'replication')
  const seed: Seed = {target, clients, base, endpoint, client, info, version: info.get('redis_version') ?? 'unknown', db: target.db ?? 0}
  const clusterEnabled = target.cluster === true || info.get('cluster_enabled') === '1'
  if (clusterEnabled && !sentinel) return connectCluster(seed)
  return connectStandalone(seed, sentinel)
}

/** Every primary that serves slots (or its healthy replica with `replica`), each through its own client. */
async function connectCluster(seed: Seed): Promise<RedisConnectionOk> {
  const {target, clients, db} = seed
  if (db !== 0)
    throw new ConnectFailure(
      'bad-db',
      `${describeTarget(target)} is a Redis Cluster, which has only db 0, and db ${db} was asked for; drop --db (or the /${db} at the end of --redis)`,
    )
  const warnings: string[] = []
  const nodeErrors: RedisConnectionOk['nodeErrors'] = []
  const clusterNodes = parseClusterNodes(String(await seed.client.call('CLUSTER', 'NODES')), seed.endpoint)
  const chosen = chooseClusterNodes(clusterNodes, target.replica === true, warnings)
  const seedAddress = `${seed.endpoint.host}:${seed.endpoint.port}`
  const nodes = await Promise.all(
    chosen.map(async (node): Promise<RedisNode | undefined> => {
      try {
        const client =
          node.address === seedAddress && node.role === 'primary'
            ? seed.client
            : await clients.open({...seed.base, ...endpointOf(node.address)})
        if (node.role === 'replica') await client.call('READONLY')
        return {address: node.address, role: node.role, client}
      } catch (error) {
        nodeErrors.push({address: node.address, message: error instanceof Error ? error.message : String(error)})
        return undefined
      }
    }),
  )
  const reachable = nodes.filter((n): n is RedisNode => n !== undefined)
  if (!chosen.some((n) => n.address === seedAddress && n.role === 'primary')) await clients.drop(seed.client)
  if (reachable.length === 0) {
    const first = nodeErrors[0]
    throw new ConnectFailure(
      first && /auth/i.test(first.message) ? 'auth-failed' : 'unreachable',
      `no node of the cluster at ${describeTarget(target)} answered: ${first?.message ?? 'CLUSTER NODES listed no primary'}`,
    )
  }
  warnings.unshift(...clients.warnings)
  const close = (): Promise<void> => clients.closeAll()
  return {ok: true, mode: 'cluster', nodes: reachable, version: seed.version, clusterNodes, nodeErrors, warnings, db, close}
}

/** The seed node (the master the Sentinels named), or with `replica` its first online replica; the database SELECTed. */
async function connectStandalone(seed: Seed, sentinel: SentinelView | undefined): Promise<RedisConnectionOk> {
  const {target, clients, info} = seed
  const warnings: string[] = []
  let node: RedisNode = {
    address: `${seed.endpoint.host}:${seed.endpoint.port}`,
    role: info.get('role') === 'slave' ? 'replica' : 'primary',
    client: seed.client,
  }
  if (target.replica && node.role === 'primary') {
    const replica = onlineReplica(info)
    if (!replica) {
      warnings.push('--replica: this primary has no online replica; reading from the primary')
    } else {
      try {
        const client = await clients.open({...seed.base, ...replica})
        node = {address: `${replica.host}:${replica.port}`, role: 'replica', client}
        await clients.drop(seed.client)
      } catch (error) {
        warnings.push(
          `--replica: replica ${replica.host}:${replica.port} did not answer (${error instanceof Error ? error.message : String(error)}); reading from the primary`,
        )
      }
    }
  }
  await selectDb(node, seed.db)
  warnings.unshift(...clients.warnings)
  const close = (): Promise<void> => clients.closeAll()
  const mode = sentinel ? 'sentinel' : 'standalone'
  const connection: RedisConnectionOk = {ok: true, mode, nodes: [node], version: seed.version, nodeErrors: [], warnings, db: seed.db, close}
  if (sentinel) connection.sentinel = sentinel
  return connection
}

/**
 * SELECT, awaited: a database the server does not have (or that the ACL denies) is a bad-db
 * failure, never a silent db 0 (where --fix-ttl would write).
 */
async function selectDb(node: RedisNode, db: number): Promise<void> {
  if (db === 0) return
  try {
    await node.client.select(db)
  } catch (error) {
    const reply = firstLine((error as Error).message)
    if (!/out of range|invalid DB index/i.test(reply))
      throw new ConnectFailure(
        'bad-db',
        `${node.address}: cannot SELECT db ${db} (${reply}); grant +select to the ACL user, or use the db it may read with --db`,
      )
    const databases = await databaseCount(node.client)
    const has =
      databases === null
        ? 'the server has fewer databases (CONFIG GET databases is refused; the default is 16, 0-15)'
        : `the server has ${databases} databases (0-${databases - 1})`
    throw new ConnectFailure(
      'bad-db',
      `${node.address}: db ${db} is out of range: ${has}; give one of them with --db N or redis://host:port/N`,
    )
  }
}

async function databaseCount(client: Redis): Promise<number | null> {
  try {
    const reply = (await client.call('CONFIG', 'GET', 'databases')) as string[]
    const count = Number(reply[1])
    return Number.isInteger(count) && count > 0 ? count : null
  } catch {
    return null
  }
}
