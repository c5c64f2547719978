import {readFileSync} from 'node:fs'
import {isIP} from 'node:net'
import createDebug from 'debug'
import type {Redis, RedisOptions} from 'ioredis'
import {ConnectFailure, classify} from './errors.js'
import type {RedisTarget} from './target.js'

const debug = createDebug('sessdoc:redis')

/**
 * ioredis options for a one-shot CLI: fail fast (short timeouts, no offline queue, no reconnect
 * loop) and speak RESP2, which Redis 5, 6 and 7 all understand.
 */
export function clientOptions(target: RedisTarget, url: URL): RedisOptions {
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
  if (url.protocol === 'rediss:') {
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

/**
 * The note when a password was given to a server that asks for none (redis-cli's `-a` out of habit):
 * sessdoc's own line, in place of ioredis's raw "[WARN] Redis server does not require a password".
 */
export const passwordWarning = 'the server requires no password, but one was given: it is not needed (the connection went ahead without it)'

/** The server's reply to AUTH when it has no password to check (Redis 5: "no password is set"; 6+: "without any password configured"). */
const noPasswordSet = /no password is set|without any password configured/i

/**
 * Opens one client and proves it with PING; the failure is classified from every error seen.
 * A password is sent by sessdoc (AUTH after connecting), not by ioredis, whose handshake prints its
 * own warning on the console when the server needs none: `onWarning` gets passwordWarning instead.
 */
export async function openClient(
  options: RedisOptions,
  target: RedisTarget,
  signal: AbortSignal | undefined,
  onWarning: (warning: string) => void = () => {},
): Promise<Redis> {
  const address = `${options.host}:${options.port}`
  if (signal?.aborted) throw new ConnectFailure('unreachable', `${address}: interrupted before connecting`)
  // Loaded on first use: ioredis takes ~100 ms to load, which every command without Redis would pay at start-up.
  const {Redis} = await import('ioredis')
  const {password, username, ...rest} = options
  const client = new Redis(password === undefined ? options : rest)
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
        if (password !== undefined && (await authenticate(client, username, password)) === 'not-needed') onWarning(passwordWarning)
        await client.ping()
      })(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs)
        timer.unref()
      }),
    ])
  } catch (error) {
    client.disconnect()
    if (error instanceof ConnectFailure) throw error
    throw classify(address, options, [...errors, error as Error], target, signal)
  } finally {
    if (timer) clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
  client.call('CLIENT', 'SETNAME', 'sessdoc').catch(() => {})
  return client
}

/** AUTH [user] password; 'not-needed' when the server has no password to check. */
async function authenticate(client: Redis, username: string | undefined, password: string): Promise<'ok' | 'not-needed'> {
  try {
    await (username === undefined ? client.auth(password) : client.auth(username, password))
    return 'ok'
  } catch (error) {
    const message = (error as Error).message
    if (noPasswordSet.test(message)) return 'not-needed'
    if (username !== undefined && /wrong number of arguments for 'auth'/i.test(message))
      throw new ConnectFailure(
        'auth-failed',
        `${client.options.host}:${client.options.port} as ${username}: this Redis (before 6) has no ACL users and takes a password alone; drop the user from --redis`,
      )
    throw error
  }
}

/** QUIT with a short grace, then drop the socket and wait for it to end: no handle survives. */
export async function closeClient(client: Redis): Promise<void> {
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
