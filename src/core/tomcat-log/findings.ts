import type {FindingId} from '../report/catalog.js'
import {makeFinding} from '../report/report.js'
import type {Finding} from '../report/types.js'
import type {LifecycleEvent, SignatureSummary} from './types.js'

export interface FindingsInput {
  signatures: SignatureSummary[]
  lifecycle: LifecycleEvent[]
}

const AFTER_DEPLOY_MS = 30 * 60_000
/** Signature ids listed in a finding's evidence (the most frequent first). */
const MAX_EVIDENCE_IDS = 20

/** One check per finding id: pure functions of the analysis, easy to test alone. */
export const checks: ReadonlyArray<(input: FindingsInput) => Finding[]> = [
  (input) => serializationFinding(input),
  (input) => classIncompatibleFinding(input),
  (input) => redisConnectionFinding(input),
  (input) => redisServerErrorFinding(input),
  (input) => simpleFinding(input, 'tomcat.session-replication', 'replication error'),
  (input) => simpleFinding(input, 'tomcat.session-invalidated', 'session error'),
]

export function tomcatFindings(input: FindingsInput): Finding[] {
  return checks.flatMap((check) => check(input))
}

function of(input: FindingsInput, id: FindingId): SignatureSummary[] {
  return input.signatures.filter((s) => s.finding === id)
}

function total(signatures: SignatureSummary[]): number {
  return signatures.reduce((sum, s) => sum + s.count, 0)
}

function span(signatures: SignatureSummary[]): {first: string | null; last: string | null} {
  const firsts = signatures
    .map((s) => s.firstSeen)
    .filter((t): t is string => t !== null)
    .sort()
  const lasts = signatures
    .map((s) => s.lastSeen)
    .filter((t): t is string => t !== null)
    .sort()
  return {first: firsts[0] ?? null, last: lasts.at(-1) ?? null}
}

function summaryLine(count: number, signatures: SignatureSummary[], noun: string, plural = `${noun}s`): string {
  const {first, last} = span(signatures)
  const when = first ? (first === last ? ` at ${first}` : ` between ${first} and ${last}`) : ''
  const kinds = signatures.length === 1 ? '1 signature' : `${signatures.length} signatures`
  return `${count} ${count === 1 ? noun : plural} (${kinds})${when}.`
}

function topLine(s: SignatureSummary): string {
  return `Most frequent: ${describeSignature(s)} (${s.count}×, signature ${s.id}).`
}

/** `message (root cause: Class: message)`, the root left out when the message is its own. */
export function describeSignature(s: SignatureSummary): string {
  if (!s.exception) return s.message
  if (s.rootCause === s.exception || s.rootCause === '') return `${s.message} (${s.exception})`
  return `${s.message} (root cause: ${s.rootCause})`
}

function evidence(signatures: SignatureSummary[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const {first, last} = span(signatures)
  return {
    events: total(signatures),
    signatures: signatures.slice(0, MAX_EVIDENCE_IDS).map((s) => s.id),
    signatureCount: signatures.length,
    firstSeen: first,
    lastSeen: last,
    ...extra,
  }
}

/** Class → events, for the classes named in the exceptions. */
function classCounts(signatures: SignatureSummary[]): Array<[string, number]> {
  const counts = new Map<string, number>()
  for (const s of signatures) if (s.offendingClass) counts.set(s.offendingClass, (counts.get(s.offendingClass) ?? 0) + s.count)
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
}

/** The first three classes as prose: "A", "A and B", "A, B and C". */
function classList(classes: ReadonlyArray<readonly [string, number]>): string {
  const names = classes.slice(0, 3).map(([c]) => c)
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

function serializationFinding(input: FindingsInput): Finding[] {
  const signatures = of(input, 'tomcat.serialization')
  if (signatures.length === 0) return []
  const classes = classCounts(signatures)
  const lines = [summaryLine(total(signatures), signatures, 'serialization error'), topLine(signatures[0]!)]
  if (classes.length > 0) lines.push(`Classes that are not Serializable: ${classes.map(([c, n]) => `${c} (${n})`).join(', ')}.`)
  return [
    makeFinding('tomcat.serialization', {
      detail: lines.join('\n'),
      evidence: evidence(signatures, {classes: Object.fromEntries(classes)}),
      // One action naming every class (at most 3), not the same sentence once per class.
      actions: classes.length
        ? [
            classes.length === 1
              ? `Make ${classes[0]![0]} implement java.io.Serializable (and every field it holds), or keep it out of the session / mark the field transient`
              : `Make ${classList(classes)} implement java.io.Serializable (and every field they hold), or keep them out of the session / mark the fields transient`,
          ]
        : [],
    }),
  ]
}

function classIncompatibleFinding(input: FindingsInput): Finding[] {
  const signatures = of(input, 'tomcat.class-incompatible')
  if (signatures.length === 0) return []
  const classes = classCounts(signatures)
  const lines = [summaryLine(total(signatures), signatures, 'unreadable stored session'), topLine(signatures[0]!)]
  if (classes.length > 0) lines.push(`Classes whose stored form no longer matches: ${classes.map(([c, n]) => `${c} (${n})`).join(', ')}.`)
  const deploys = input.lifecycle.filter((l) => l.kind === 'startup' || l.kind === 'deploy')
  const first = span(signatures).first
  const after = first
    ? deploys.filter((d) => d.time <= first && Date.parse(first) - Date.parse(d.time) <= AFTER_DEPLOY_MS).at(-1)
    : undefined
  if (after)
    lines.push(
      `The first one came ${minutesBetween(after.time, first!)} min after the ${after.kind} at ${after.time}: sessions written by the previous release.`,
    )
  return [
    makeFinding('tomcat.class-incompatible', {
      detail: lines.join('\n'),
      evidence: evidence(signatures, {classes: Object.fromEntries(classes), afterLifecycle: after ?? null}),
      actions: classIncompatibleActions(classes),
    }),
  ]
}

/** The JDK's own classes (java.*, javax.*, jakarta.*…) are not the app's to version: there, the JVMs differ. */
const platformClass = /^(java|javax|jakarta|sun|jdk|com\.sun)\./

function classIncompatibleActions(classes: ReadonlyArray<[string, number]>): string[] {
  const app = classes.filter(([c]) => !platformClass.test(c))
  const platform = classes.filter(([c]) => platformClass.test(c))
  const actions: string[] = []
  if (app.length > 0)
    actions.push(
      `Declare a fixed private static final long serialVersionUID in ${classList(app)} (use the value of the release that wrote the sessions)`,
    )
  if (platform.length > 0)
    actions.push(
      `${classList(platform)} ${platform.length === 1 ? 'is a' : 'are'} JDK class${platform.length === 1 ? '' : 'es'}: run the same Java version on every node that shares sessions (a session written by one JDK is not readable by another)`,
    )
  return actions
}

function redisConnectionFinding(input: FindingsInput): Finding[] {
  const signatures = of(input, 'tomcat.redis-connection')
  if (signatures.length === 0) return []
  // "Could not get a resource from the pool" caused by a refused connection is a connection failure, not a full pool.
  const refusedUnderPool = (s: SignatureSummary): boolean =>
    s.rule === 'redis-pool-exhausted' &&
    /ConnectException|Connection refused|UnknownHostException|NoRouteToHost/.test(`${s.chain.join(' ')} ${s.rootCause}`)
  const rules = new Set(signatures.map((s) => (refusedUnderPool(s) ? 'redis-connection-refused' : s.rule)))
  const actions: string[] = []
  if (rules.has('redis-pool-exhausted'))
    actions.push(
      'Pool exhausted: raise the pool size (maxTotal / max-active) or find connections not returned (close Jedis instances in finally)',
    )
  if (rules.has('redis-timeout') || rules.has('redis-query-timeout'))
    actions.push('Timeouts: check Redis latency (SLOWLOG, big keys, fork for RDB) and the client command timeout')
  if (rules.has('redis-connection-class') || rules.has('redis-unable-to-connect') || rules.has('redis-connection-refused')) {
    actions.push('Connection failures: check that Redis is up and reachable from the app hosts (sessdoc redis stats --redis URL)')
  }
  return [
    makeFinding('tomcat.redis-connection', {
      detail: [summaryLine(total(signatures), signatures, 'Redis connection error'), topLine(signatures[0]!)].join('\n'),
      evidence: evidence(signatures),
      actions,
    }),
  ]
}

const replyAdvice: Record<string, string> = {
  OOM: 'OOM: Redis is at maxmemory with noeviction: give sessions a TTL, use volatile-lru, or raise maxmemory',
  READONLY:
    'READONLY: the app writes to a replica (after a failover): connect through Sentinel/Cluster or the primary endpoint, and re-resolve DNS',
  NOAUTH: 'NOAUTH: the app sends no password: set spring.data.redis.password (or the client config) to the server password',
  WRONGPASS: 'WRONGPASS: the app password or ACL user is wrong or was rotated on the server only',
  LOADING: 'LOADING: Redis was restarted and is loading its dataset: sessions are unavailable until it finishes',
  MISCONF: 'MISCONF: Redis cannot persist (disk full or fork failing) and refuses writes: fix the RDB target, check disk space',
  CLUSTERDOWN: 'CLUSTERDOWN: the Redis Cluster has uncovered slots: check CLUSTER INFO',
  MASTERDOWN: 'MASTERDOWN: the replica lost its primary: check replication',
  BUSY: 'BUSY: a long Lua script blocks Redis: find it (SLOWLOG) and kill it',
}

function redisServerErrorFinding(input: FindingsInput): Finding[] {
  const signatures = of(input, 'tomcat.redis-server-error')
  if (signatures.length === 0) return []
  const replies = new Map<string, number>()
  for (const s of signatures) replies.set(s.redisReply ?? 'other', (replies.get(s.redisReply ?? 'other') ?? 0) + s.count)
  const sorted = [...replies.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const lines = [
    summaryLine(total(signatures), signatures, 'Redis error reply', 'Redis error replies'),
    `Replies: ${sorted.map(([r, n]) => `${r} (${n})`).join(', ')}.`,
    topLine(signatures[0]!),
  ]
  return [
    makeFinding('tomcat.redis-server-error', {
      detail: lines.join('\n'),
      evidence: evidence(signatures, {replies: Object.fromEntries(sorted)}),
      actions: sorted.map(([r]) => replyAdvice[r]).filter((a): a is string => a !== undefined),
    }),
  ]
}

function simpleFinding(input: FindingsInput, id: FindingId, noun: string): Finding[] {
  const signatures = of(input, id)
  if (signatures.length === 0) return []
  return [
    makeFinding(id, {
      detail: [summaryLine(total(signatures), signatures, noun), topLine(signatures[0]!)].join('\n'),
      evidence: evidence(signatures),
    }),
  ]
}

function minutesBetween(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 60_000)
}
