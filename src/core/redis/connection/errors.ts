import type {RedisOptions} from 'ioredis'
import {maskUrlPasswords} from '../../redact.js'
import {makeFinding} from '../../report/report.js'
import type {Finding} from '../../report/types.js'
import {describeTarget, type RedisTarget} from './target.js'
import type {RedisConnectionFailure} from './types.js'

export type FailureKind = RedisConnectionFailure['kind']

/** Thrown inside connectRedis; connectRedis turns it into {ok: false}. */
export class ConnectFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message)
  }
}

const authPattern =
  /NOAUTH|WRONGPASS|invalid password|invalid username-password|AUTH.*without any password|Authentication required|NOPERM.*auth/i
const tlsPattern = /SSL|TLS|EPROTO|certificate|CERT_|self.signed|wrong version number|ERR_TLS/i

/** What went wrong opening one client, from every error it emitted, with what to do next. */
export function classify(
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
  const notRedis = notRedisReply(text)
  if (notRedis)
    return new ConnectFailure('unreachable', `${where}: this is not a Redis server (${notRedis}); check the host and port of --redis`)
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

/**
 * ioredis's parser on a reply that is no RESP ("Unknown RESP type 72 "H". Please report this."):
 * what the server seems to be instead, from the first bytes it sent.
 */
export function notRedisReply(text: string): string | undefined {
  const match = /Unknown RESP type (\d+)(?: "([^"]*)")?|Protocol error, got "([^"]*)" as reply type byte/.exec(text)
  if (!match) return undefined
  const first = match[2] ?? match[3] ?? (match[1] ? String.fromCharCode(Number(match[1])) : '')
  if (first === 'H' || first === '<') return 'it answered like HTTP'
  if (first === '\u0015' || first === '\u0016') return 'it answered with TLS: use rediss://'
  if (first === 'S') return 'it answered like SSH'
  return `its reply does not start like Redis's (${JSON.stringify(first)})`
}

/** Any other error while connecting: unreachable, its message without the password. */
export function unexpectedFailure(error: unknown, target: RedisTarget): RedisConnectionFailure {
  if (error instanceof ConnectFailure) return {ok: false, kind: error.kind, message: error.message}
  let text = error instanceof Error ? error.message : String(error)
  if (target.password) text = text.split(target.password).join('***')
  return {ok: false, kind: 'unreachable', message: `${describeTarget(target)}: ${firstLine(text)}`}
}

function pickMessage(errors: Error[], pattern: RegExp): string {
  return errors.map((e) => e.message).find((m) => pattern.test(m)) ?? lastMessage(errors)
}

function lastMessage(errors: Error[]): string {
  const meaningful = errors.filter((e) => e.message !== 'Connection is closed.')
  return (meaningful[0] ?? errors[errors.length - 1])?.message ?? 'unknown error'
}

/** The first line of a server reply or error, passwords in URLs masked. */
export function firstLine(text: string): string {
  return maskUrlPasswords(text.split('\n')[0] ?? '').trim()
}

/** The finding for a failed connection: redis.auth-failed, else redis.unreachable (TLS included); critical. */
export function connectionFailureFinding(failure: {kind: FailureKind; message: string}, target: RedisTarget): Finding {
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
