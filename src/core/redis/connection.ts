import {readFileSync} from 'node:fs'
import {isIP} from 'node:net'
import createDebug from 'debug'
import {Redis, type RedisOptions} from 'ioredis'
import {maskUrlPasswords} from '../redact.js'
import {makeFinding} from '../report/report.js'
import type {Finding} from '../report/types.js'

const debug = createDebug('sessdoc:redis')

/** Where and how to reach Redis; built from the shared --redis flags by redisTargetFromFlags. */
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

export interface RedisTargetFlags {
  redis?: string
  cluster?: boolean
  sentinel?: string
  'sentinel-master'?: string
  'tls-ca'?: string
  'connect-timeout'?: number
  db?: number
  replica?: boolean
}

export const defaultRedisUrl = 'redis://127.0.0.1:6379'
export const defaultConnectTimeoutMs = 3000

/** Thrown for flags that cannot describe a target (the command turns it into a UserError, exit 3). */
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
 * The target from the shared connection flags and the environment. A password inside the URL is
 * moved out of it (so that no message can show it) and warned about.
 */
export function redisTargetFromFlags(
  flags: RedisTargetFlags,
  env: NodeJS.ProcessEnv = process.env,
): {target: RedisTarget; warnings: string[]} {
  const warnings: string[] = []
  const raw = flags.redis ?? defaultRedisUrl
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
  let password = env.SESSDOC_REDIS_PASSWORD || env.REDISCLI_AUTH || undefined
  if (url.password) {
    password = decodeURIComponent(url.password)
    url.password = ''
    warnings.push('the password in --redis shows in ps and the shell history: set SESSDOC_REDIS_PASSWORD instead')
  }
  let db = flags.db
  const path = url.pathname.replace(/^\//, '')
  if (db === undefined && path !== '') {
    if (!/^\d+$/.test(path)) throw new RedisTargetError(`--redis: database "${path}" is not a number`, 'use redis://host:port/0 or --db N')
    db = Number(path)
  }
  const target: RedisTarget = {url: url.toString(), connectTimeoutMs: flags['connect-timeout'] ?? defaultConnectTimeoutMs}
  if (password) target.password = password
  if (db !== undefined) target.db = db
  if (flags.cluster) target.cluster = true
  if (flags.replica) target.replica = true
  if (flags['tls-ca']) target.tlsCa = flags['tls-ca']
  if (flags.sentinel) {
    target.sentinels = flags.sentinel.split(',').map((part) => parseHostPort(part.trim(), 26379))
    if (!flags['sentinel-master'])
      throw new RedisTargetError(
        '--sentinel needs --sentinel-master NAME',
        'add --sentinel-master with the master name the Sentinels watch (SENTINEL masters)',
      )
    target.sentinelMaster = flags['sentinel-master']
  } else if (flags['sentinel-master']) {
    throw new RedisTargetError('--sentinel-master needs --sentinel host:port[,host:port]', 'add the Sentinel addresses with --sentinel')
  }
  if (flags['tls-ca'] && url.protocol !== 'rediss:') warnings.push('--tls-ca is ignored with redis://: use rediss:// for TLS')
  return {target, warnings}
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

export interface RedisNode {
  /** host:port as announced (cluster) or as given. */
  address: string
  role: 'primary' | 'replica'
  /** An ioredis standalone connection to this one node (also in cluster mode). */
  client: Redis
}

export interface ClusterNodeInfo {
  id: string
  address: string
  role: 'primary' | 'replica'
  /** The primary's id for a replica. */
  primaryId?: string
  flags: string[]
  linkState: string
  /** Number of hash slots served (primaries). */
  slots: number
}

export interface SentinelView {
  /** host:port of the master the Sentinels name. */
  master: string
  masterName: string
  quorum?: number
  /** Sentinels watching the master (this one included). */
  sentinels: number
  replicas: number
}

export interface RedisConnectionOk {
  ok: true
  mode: 'standalone' | 'cluster' | 'sentinel'
  /** The nodes to read from: the server, or every cluster primary (their replicas with `replica`). */
  nodes: RedisNode[]
  /** redis_version of the first node ('unknown' when INFO is denied). */
  version: string
  /** Cluster mode: every node CLUSTER NODES lists. */
  clusterNodes?: ClusterNodeInfo[]
  sentinel?: SentinelView
  /** Nodes that could not be reached although the topology lists them (cluster). */
  nodeErrors: Array<{address: string; message: string}>
  /** Non-fatal notes (replica asked for but none found, …). */
  warnings: string[]
  /** The database every node's client has SELECTed (0 on a Cluster). */
  db: number
  close(): Promise<void>
}

export interface RedisConnectionFailure {
  ok: false
  /** bad-db: the database asked for cannot be used (out of range, SELECT denied, a Cluster): a usage error, not a finding. */
  kind: 'unreachable' | 'auth-failed' | 'tls' | 'bad-db'
  /** Says what to do next; never holds a password. */
  message: string
}

export type RedisConnection = RedisConnectionOk | RedisConnectionFailure

interface Endpoint {
  host: string
  port: number
}

class ConnectFailure extends Error {
  constructor(
    readonly kind: RedisConnectionFailure['kind'],
    message: string,
  ) {
    super(message)
  }
}

/**
 * Connects to the target and discovers its topology. Never throws for a server problem: a closed
 * port, a wrong password, a TLS mismatch come back as {ok: false} within about connectTimeoutMs.
 */
export async function connectRedis(target: RedisTarget, options: {signal?: AbortSignal} = {}): Promise<RedisConnection> {
  const opened: Redis[] = []
  const closeAll = async (): Promise<void> => {
    await Promise.all(opened.splice(0).map((client) => closeClient(client)))
  }
  try {
    const result = await discover(target, opened, options.signal)
    return result
  } catch (error) {
    await closeAll()
    if (error instanceof ConnectFailure) return {ok: false, kind: error.kind, message: error.message}
    return {ok: false, kind: 'unreachable', message: `${describeTarget(target)}: ${safeMessage(error, target)}`}
  }
}

async function discover(target: RedisTarget, opened: Redis[], signal: AbortSignal | undefined): Promise<RedisConnectionOk> {
  const url = new URL(target.url)
  const tls = url.protocol === 'rediss:'
  const connectOptions = baseOptions(target, url, tls)
  const open = async (endpoint: Endpoint, extra: Partial<RedisOptions> = {}): Promise<Redis> => {
    const client = await openClient({...connectOptions, ...endpoint, ...extra}, target, signal)
    opened.push(client)
    return client
  }
  const warnings: string[] = []
  const nodeErrors: RedisConnectionOk['nodeErrors'] = []
  const close = async (): Promise<void> => {
    await Promise.all(opened.splice(0).map((client) => closeClient(client)))
  }

  let mode: RedisConnectionOk['mode'] = 'standalone'
  let sentinel: SentinelView | undefined
  let seedEndpoint: Endpoint = {host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(url.port || 6379)}

  if (target.sentinels?.length) {
    mode = 'sentinel'
    const asked = await askSentinels(target, connectOptions, signal)
    sentinel = asked.view
    seedEndpoint = asked.master
  }

  const seed = await open(seedEndpoint)
  const info = await infoOf(seed, 'server', 'cluster', 'replication')
  const version = info.get('redis_version') ?? 'unknown'
  const clusterEnabled = target.cluster === true || info.get('cluster_enabled') === '1'
  const db = target.db ?? 0

  if (clusterEnabled && mode === 'standalone') {
    mode = 'cluster'
    if (db !== 0)
      throw new ConnectFailure(
        'bad-db',
        `${describeTarget(target)} is a Redis Cluster, which has only db 0, and db ${db} was asked for; drop --db (or the /${db} at the end of --redis)`,
      )
    const clusterNodes = parseClusterNodes(String(await seed.call('CLUSTER', 'NODES')), seedEndpoint)
    const chosen = chooseClusterNodes(clusterNodes, target.replica === true, warnings)
    const seedAddress = `${seedEndpoint.host}:${seedEndpoint.port}`
    const nodes = await Promise.all(
      chosen.map(async (node): Promise<RedisNode | undefined> => {
        try {
          const client = node.address === seedAddress && node.role === 'primary' ? seed : await open(endpointOf(node.address))
          if (node.role === 'replica') await client.call('READONLY')
          return {address: node.address, role: node.role, client}
        } catch (error) {
          nodeErrors.push({address: node.address, message: error instanceof Error ? error.message : String(error)})
          return undefined
        }
      }),
    )
    const reachable = nodes.filter((n): n is RedisNode => n !== undefined)
    if (!chosen.some((n) => n.address === seedAddress && n.role === 'primary')) {
      opened.splice(opened.indexOf(seed), 1)
      await closeClient(seed)
    }
    if (reachable.length === 0) {
      const first = nodeErrors[0]
      throw new ConnectFailure(
        first && /auth/i.test(first.message) ? 'auth-failed' : 'unreachable',
        `no node of the cluster at ${describeTarget(target)} answered: ${first?.message ?? 'CLUSTER NODES listed no primary'}`,
      )
    }
    return {ok: true, mode, nodes: reachable, version, clusterNodes, nodeErrors, warnings, db, close}
  }

  let node: RedisNode = {
    address: `${seedEndpoint.host}:${seedEndpoint.port}`,
    role: info.get('role') === 'slave' ? 'replica' : 'primary',
    client: seed,
  }
  if (target.replica && node.role === 'primary') {
    const replica = onlineReplica(info)
    if (!replica) {
      warnings.push('--replica: this primary has no online replica; reading from the primary')
    } else {
      try {
        const client = await open(replica)
        node = {address: `${replica.host}:${replica.port}`, role: 'replica', client}
        opened.splice(opened.indexOf(seed), 1)
        await closeClient(seed)
      } catch (error) {
        warnings.push(
          `--replica: replica ${replica.host}:${replica.port} did not answer (${error instanceof Error ? error.message : String(error)}); reading from the primary`,
        )
      }
    }
  }
  await selectDb(node, db)
  const ok: RedisConnectionOk = {ok: true, mode, nodes: [node], version, nodeErrors, warnings, db, close}
  if (sentinel) ok.sentinel = sentinel
  return ok
}

function baseOptions(target: RedisTarget, url: URL, tls: boolean): RedisOptions {
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: target.connectTimeoutMs,
    commandTimeout: target.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    autoResendUnfulfilledCommands: false,
    retryStrategy: () => null,
    reconnectOnError: null,
    // ioredis keeps a 2 s timer after disconnecting a socket that already failed: the CLI would
    // linger that long after a refused connection.
    disconnectTimeout: 300,
    protocol: 2,
    disableClientInfo: true,
  }
  if (url.username) options.username = decodeURIComponent(url.username)
  if (target.password) options.password = target.password
  // No `db` option: ioredis sends that SELECT on its own and only emits its failure as an 'error'
  // event, so the client would go on in db 0. selectDb awaits it instead.
  if (tls) {
    // SNI takes host names only: an IP address there is ignored and Node warns (DEP0123).
    const sni = isIP(url.hostname.replace(/^\[|\]$/g, '')) ? {} : {servername: url.hostname}
    options.tls = target.tlsCa ? {ca: readCa(target.tlsCa), ...sni} : sni
  }
  return options
}

function readCa(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (error) {
    throw new ConnectFailure(
      'tls',
      `cannot read --tls-ca ${path}: ${(error as Error).message}; give the CA certificate (PEM) that signed the server's certificate`,
    )
  }
}

/** Opens one client and proves it with PING; the failure is classified from every error seen. */
async function openClient(options: RedisOptions, target: RedisTarget, signal: AbortSignal | undefined): Promise<Redis> {
  const address = `${options.host}:${options.port}`
  if (signal?.aborted) throw new ConnectFailure('unreachable', `${address}: interrupted before connecting`)
  const client = new Redis(options)
  const errors: Error[] = []
  client.on('error', (error: Error) => {
    errors.push(error)
    debug('%s: %s', address, error.message)
  })
  const deadlineMs = target.connectTimeoutMs * 2 + 200
  let timer: NodeJS.Timeout | undefined
  const onAbort = (): void => client.disconnect()
  signal?.addEventListener('abort', onAbort, {once: true})
  try {
    await Promise.race([
      (async () => {
        await client.connect()
        await client.ping()
      })(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs)
        timer.unref()
      }),
    ])
  } catch (error) {
    client.disconnect()
    throw classify(address, options, [...errors, error as Error], target, signal)
  } finally {
    if (timer) clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
  client.call('CLIENT', 'SETNAME', 'sessdoc').catch(() => {})
  return client
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

const authPattern =
  /NOAUTH|WRONGPASS|invalid password|invalid username-password|AUTH.*without any password|Authentication required|NOPERM.*auth/i
const tlsPattern = /SSL|TLS|EPROTO|certificate|CERT_|self.signed|wrong version number|ERR_TLS/i

function classify(
  address: string,
  options: RedisOptions,
  errors: Error[],
  target: RedisTarget,
  signal: AbortSignal | undefined,
): ConnectFailure {
  const messages = errors.map((e) => `${(e as {code?: string}).code ?? ''} ${e.message}`)
  const text = messages.join(' | ')
  const where = `${address}${options.username ? ` as ${options.username}` : ''}`
  if (signal?.aborted) return new ConnectFailure('unreachable', `${where}: interrupted while connecting`)
  if (authPattern.test(text)) {
    const reason = errors.map((e) => e.message).find((m) => authPattern.test(m)) ?? 'authentication failed'
    return new ConnectFailure(
      'auth-failed',
      `${where}: Redis refused the credentials (${firstLine(reason)}); set the password in SESSDOC_REDIS_PASSWORD (or REDISCLI_AUTH) and the ACL user in --redis redis://user@host:port`,
    )
  }
  if (options.tls) {
    if (tlsPattern.test(text)) {
      return new ConnectFailure(
        'tls',
        `${where}: TLS handshake failed (${firstLine(pickMessage(errors, tlsPattern))}); check that the server listens with TLS on this port (else use redis://) and that --tls-ca names the CA that signed its certificate`,
      )
    }
    return new ConnectFailure(
      'tls',
      `${where}: no TLS answer within ${target.connectTimeoutMs} ms (${firstLine(lastMessage(errors))}); if this port speaks plain Redis use redis:// instead of rediss://, else check the host, port and --connect-timeout`,
    )
  }
  const refused = /ECONNREFUSED/.test(text)
  const timedOut = /ETIMEDOUT|no answer within|timed out/i.test(text)
  const notFound = /ENOTFOUND|EAI_AGAIN/.test(text)
  const hint = refused
    ? 'nothing listens there: check that Redis runs and the host and port of --redis'
    : notFound
      ? 'the host name does not resolve: check --redis'
      : timedOut
        ? `no answer within ${target.connectTimeoutMs} ms: check the firewall, the address, or raise --connect-timeout`
        : 'the server closed the connection: if it requires TLS use rediss://, else check the address and the server log'
  return new ConnectFailure('unreachable', `${where}: cannot connect (${firstLine(lastMessage(errors))}); ${hint}`)
}

function pickMessage(errors: Error[], pattern: RegExp): string {
  return errors.map((e) => e.message).find((m) => pattern.test(m)) ?? lastMessage(errors)
}

function lastMessage(errors: Error[]): string {
  const meaningful = errors.filter((e) => e.message !== 'Connection is closed.')
  return (meaningful[0] ?? errors[errors.length - 1])?.message ?? 'unknown error'
}

function firstLine(text: string): string {
  return maskUrlPasswords(text.split('\n')[0] ?? '').trim()
}

function safeMessage(error: unknown, target: RedisTarget): string {
  let text = error instanceof Error ? error.message : String(error)
  if (target.password) text = text.split(target.password).join('***')
  return firstLine(text)
}

/** INFO of several sections in one round trip per section (Redis 5 takes one section per call). */
async function infoOf(client: Redis, ...sections: string[]): Promise<Map<string, string>> {
  const fields = new Map<string, string>()
  for (const section of sections) {
    try {
      const text = String(await client.call('INFO', section))
      for (const line of text.split(/\r?\n/)) {
        const at = line.indexOf(':')
        if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1).trim())
      }
    } catch (error) {
      debug('INFO %s refused: %s', section, (error as Error).message)
    }
  }
  return fields
}

/** `slaveN:ip=…,port=…,state=online,…` lines of INFO replication. */
function onlineReplica(info: Map<string, string>): Endpoint | undefined {
  for (const [key, value] of info) {
    if (!/^slave\d+$/.test(key)) continue
    const parts = new Map(value.split(',').map((kv) => kv.split('=') as [string, string]))
    if (parts.get('state') === 'online' && parts.get('ip') && parts.get('port'))
      return {host: parts.get('ip')!, port: Number(parts.get('port'))}
  }
  return undefined
}

/**
 * CLUSTER NODES lines: `<id> <ip:port@cport[,hostname]> <flags> <master|-> <ping> <pong> <epoch> <link> <slot>…`.
 * An empty ip (a node that does not know its own address yet) is taken from the seed.
 */
export function parseClusterNodes(text: string, seed: Endpoint): ClusterNodeInfo[] {
  const nodes: ClusterNodeInfo[] = []
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(/\s+/)
    if (parts.length < 8) continue
    const [id, addressField, flagField, primary, , , , linkState, ...slotFields] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      ...string[],
    ]
    const flags = flagField.split(',')
    if (flags.includes('noaddr') || flags.includes('handshake')) continue
    const hostPort = addressField.split('@')[0] ?? ''
    const colon = hostPort.lastIndexOf(':')
    const host = hostPort.slice(0, colon) || seed.host
    const port = hostPort.slice(colon + 1)
    const role = flags.includes('master') ? 'primary' : 'replica'
    const node: ClusterNodeInfo = {id, address: `${host}:${port}`, role, flags, linkState, slots: countSlots(slotFields)}
    if (role === 'replica' && primary !== '-') node.primaryId = primary
    nodes.push(node)
  }
  return nodes
}

function countSlots(fields: string[]): number {
  let count = 0
  for (const field of fields) {
    if (field.startsWith('[')) continue // slot being migrated/imported
    const [from, to] = field.split('-')
    count += to === undefined ? 1 : Number(to) - Number(from) + 1
  }
  return count
}

function chooseClusterNodes(nodes: ClusterNodeInfo[], preferReplica: boolean, warnings: string[]): ClusterNodeInfo[] {
  const primaries = nodes.filter((n) => n.role === 'primary' && n.slots > 0 && !n.flags.includes('fail'))
  if (!preferReplica) return primaries
  return primaries.map((primary) => {
    const replica = nodes.find((n) => n.primaryId === primary.id && !n.flags.includes('fail') && n.linkState === 'connected')
    if (!replica) warnings.push(`--replica: primary ${primary.address} has no healthy replica; reading from the primary`)
    return replica ?? primary
  })
}

function endpointOf(address: string): Endpoint {
  const colon = address.lastIndexOf(':')
  return {host: address.slice(0, colon), port: Number(address.slice(colon + 1))}
}

async function askSentinels(
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

/** QUIT with a short grace, then drop the socket and wait for it to end: no handle survives. */
async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'end') return
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()))
  if (client.status === 'ready')
    await withGrace(
      client.quit().then(
        () => undefined,
        () => undefined,
      ),
      300,
    )
  client.disconnect()
  await withGrace(ended, 300)
}

async function withGrace(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    promise,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms)
      timer.unref()
    }),
  ])
  if (timer) clearTimeout(timer)
}

/** The finding for a failed connection: redis.auth-failed, else redis.unreachable (TLS included); critical. */
export function connectionFailureFinding(failure: {kind: RedisConnectionFailure['kind']; message: string}, target: RedisTarget): Finding {
  const where = describeTarget(target)
  if (failure.kind === 'auth-failed') {
    return makeFinding('redis.auth-failed', {detail: failure.message, severity: 'critical', evidence: {target: where}})
  }
  return makeFinding('redis.unreachable', {
    detail: failure.message,
    severity: 'critical',
    evidence: {target: where, kind: failure.kind},
    causes: failure.kind === 'tls' ? ['TLS mismatch: rediss:// against a plain port, or a certificate the CA does not vouch for'] : [],
  })
}
