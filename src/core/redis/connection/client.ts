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

/** Opens one client and proves it with PING; the failure is classified from every error seen. */
export async function openClient(options: RedisOptions, target: RedisTarget, signal: AbortSignal | undefined): Promise<Redis> {
  const address = `${options.host}:${options.port}`
  if (signal?.aborted) throw new ConnectFailure('unreachable', `${address}: interrupted before connecting`)
  // Loaded on first use: ioredis takes ~100 ms to load, which every command without Redis would pay at start-up.
  const {Redis} = await import('ioredis')
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
