import type {FindingId} from '../../report/catalog.js'
import {makeFinding} from '../../report/report.js'
import type {Finding, Severity} from '../../report/types.js'
import {type RedisScanFigures, round} from './figures.js'
import {printableKey} from './key-text.js'

export interface ScanThresholds {
  /** redis.no-ttl is critical from this share of sessions without TTL … */
  noTtlCriticalShare: number
  /** … or from this many. */
  noTtlCriticalCount: number
  /** redis.short-ttl below this effective inactivity timeout (s). */
  shortTimeoutSeconds: number
  /** redis.large-sessions is a warning from this share of sessions ≥ 10 KB (or any ≥ 100 KB). */
  largeShareWarning: number
  /** … and critical when sessions ≥ 10 KB hold at least this share of session memory. */
  largeBytesShareCritical: number
}

export const defaultScanThresholds: ScanThresholds = {
  noTtlCriticalShare: 0.1,
  noTtlCriticalCount: 10_000,
  shortTimeoutSeconds: 300,
  largeShareWarning: 0.05,
  largeBytesShareCritical: 0.5,
}

type ScanCheck = (figures: RedisScanFigures, t: ScanThresholds) => Finding[]

const count = (n: number): string => n.toLocaleString('en-US')
const percent = (share: number): string => `${(share * 100).toFixed(share < 0.01 ? 2 : 1)}%`
const kb = (bytes: number | null): string =>
  bytes === null
    ? '–'
    : bytes >= 1024 * 1024
      ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
      : bytes >= 1024
        ? `${(bytes / 1024).toFixed(1)} KB`
        : `${bytes} B`

function expirySentence(figures: RedisScanFigures): string {
  const e = figures.expiryCheck
  if (e.keysWithoutExpiry === null) return ''
  const share = e.explainedBySessions === null ? '' : ` (${percent(e.explainedBySessions)})`
  const verdict = {
    explained: 'so the session store explains the keys-without-expiry figure of INFO keyspace',
    partly: 'so the session store explains only part of the keys-without-expiry figure: other keys without expiry live in this db',
    'not-explained': 'so the keys without expiry of INFO keyspace are mostly not the session store’s',
    unknown: '',
  }[e.verdict]
  const companions = Math.max(0, e.sessionKeysWithoutTtl - figures.sessionsWithoutTtl)
  const ofStore =
    companions === 0
      ? `${count(e.sessionKeysWithoutTtl)} of them are sessions${share}`
      : `${count(e.sessionKeysWithoutTtl)} of them are the session store's${share}: ${count(Math.min(figures.sessionsWithoutTtl, e.sessionKeysWithoutTtl))} sessions and ${count(companions)} companion key${companions === 1 ? '' : 's'} (index and expiration sets, not sessions)`
  return `INFO keyspace counts ${count(e.keysWithoutExpiry)} keys without expiry in db${e.db}; ${ofStore}, ${verdict}.`
}

/**
 * The --fix-ttl command for each layout with sessions without TTL: exact when the sessions store
 * their timeout (maxInactiveInterval), else with SECONDS to fill in.
 */
function fixTtlActions(figures: RedisScanFigures): string[] {
  const actions: string[] = []
  for (const [name, layout] of Object.entries(figures.layouts)) {
    if (!layout || layout.sessionsWithoutTtl === 0) continue
    const known = layout.timeout.source === 'maxInactiveInterval' && layout.timeout.effectiveSeconds !== null
    const seconds = known ? String(layout.timeout.effectiveSeconds) : 'SECONDS'
    const db = figures.scan.db !== 0 ? ` --db ${figures.scan.db}` : ''
    const why = known ? ` (${seconds} s is the maxInactiveInterval the sessions store)` : ' (SECONDS: the session timeout, e.g. 1800)'
    actions.push(
      `Give the existing keys a TTL: sessdoc redis scan --preset ${name}${db} --fix-ttl ${seconds}${why}, with this scan's --redis, --namespace or --pattern and connection flags, lists them (a dry run); add --yes to set the TTLs`,
    )
  }
  return actions.length > 0
    ? actions
    : ['Give the existing keys a TTL: sessdoc redis scan --fix-ttl SECONDS lists them (a dry run); add --yes to set the TTLs']
}

export const noTtlCheck: ScanCheck = (figures, t) => {
  const perLayout = Object.entries(figures.layouts)
  const placeholders = perLayout.reduce((n, [, l]) => n + (l.companions.placeholder?.withoutTtl ?? 0), 0)
  if (figures.sessionsWithoutTtl === 0 && placeholders === 0) return []
  const share = figures.sessions > 0 ? figures.sessionsWithoutTtl / figures.sessions : 0
  let severity: Severity =
    figures.sessionsWithoutTtl === 0
      ? 'warning'
      : share >= t.noTtlCriticalShare || figures.sessionsWithoutTtl >= t.noTtlCriticalCount
        ? 'critical'
        : 'warning'
  if (figures.sessionsWithoutTtl === 0 && placeholders > 0) severity = 'warning'
  const lines: string[] = [
    `${count(figures.sessionsWithoutTtl)} of ${count(figures.sessions)} session keys (${percent(share)}) have no TTL and will never expire.`,
  ]
  const causes: string[] = []
  for (const [name, layout] of perLayout) {
    if (layout.sessionsWithoutTtl === 0 && !layout.companions.placeholder && !layout.companions.index?.withoutTtl) continue
    const parts = [`${name}: ${count(layout.sessionsWithoutTtl)} of ${count(layout.sessions)} sessions without TTL`]
    if (layout.timeout.noTtlNeverExpiring > 0) {
      parts.push(`${count(layout.timeout.noTtlNeverExpiring)} of them store maxInactiveInterval < 0 (configured never to expire)`)
      causes.push('Sessions given a negative maxInactiveInterval (setMaxInactiveInterval(-1), session-timeout 0 or -1) never expire')
    }
    if (layout.timeout.oldestNoTtlAccess) parts.push(`oldest last access ${layout.timeout.oldestNoTtlAccess}`)
    const index = layout.companions.index
    if (index?.withoutTtl)
      parts.push(
        `${count(index.withoutTtl)} principal index sets without TTL (Spring keeps them by design; they are not sessions but grow with users)`,
      )
    const ph = layout.companions.placeholder
    if (ph?.withoutTtl) {
      parts.push(`${count(ph.withoutTtl)} "null" placeholder keys without TTL (written before the first save and never expired)`)
      causes.push('tomcat-redis-session-manager leaves "null" placeholders without TTL when a request fails before the session is saved')
    }
    if (layout.noTtlSamples.length > 0) parts.push(`samples: ${layout.noTtlSamples.slice(0, 3).map(printableKey).join(', ')}`)
    lines.push(parts.join('; '))
  }
  const expiry = expirySentence(figures)
  if (expiry) lines.push(expiry)
  return [
    makeFinding('redis.no-ttl', {
      severity,
      detail: lines.join('\n'),
      evidence: {
        sessions: figures.sessions,
        sessionsWithoutTtl: figures.sessionsWithoutTtl,
        share: round(share),
        placeholdersWithoutTtl: placeholders,
        perLayout: Object.fromEntries(
          perLayout.map(([name, l]) => [name, {sessions: l.sessions, sessionsWithoutTtl: l.sessionsWithoutTtl, samples: l.noTtlSamples}]),
        ),
        expiryCheck: figures.expiryCheck,
      },
      causes,
      actions: ['Fix the store configuration so that every session gets a TTL', ...fixTtlActions(figures)],
    }),
  ]
}

export const largeSessionsCheck: ScanCheck = (figures, t) => {
  const totals = {sized: 0, atLeast1KB: 0, atLeast10KB: 0, atLeast100KB: 0}
  let sizedBytes = 0
  let bytesInLarge = 0
  for (const layout of Object.values(figures.layouts)) {
    totals.sized += layout.sizeBytes.sized
    totals.atLeast1KB += layout.sizeBytes.atLeast1KB
    totals.atLeast10KB += layout.sizeBytes.atLeast10KB
    totals.atLeast100KB += layout.sizeBytes.atLeast100KB
    sizedBytes += layout.sizeBytes.sizedBytes
    bytesInLarge += layout.sizeBytes.bytesInAtLeast10KB
  }
  if (totals.atLeast1KB === 0 || totals.sized === 0) return []
  const largeShare = totals.atLeast10KB / totals.sized
  const largeBytesShare = sizedBytes > 0 ? bytesInLarge / sizedBytes : 0
  const severity: Severity =
    largeBytesShare >= t.largeBytesShareCritical
      ? 'critical'
      : totals.atLeast100KB > 0 || largeShare >= t.largeShareWarning
        ? 'warning'
        : 'info'
  const s = figures.sizeBytes
  return [
    makeFinding('redis.large-sessions', {
      severity,
      detail:
        `${count(totals.atLeast1KB)} of ${count(totals.sized)} sessions sized are 1 KB or more, ${count(totals.atLeast10KB)} are 10 KB or more, ${count(totals.atLeast100KB)} are 100 KB or more ` +
        `(p50 ${kb(s.p50)}, p95 ${kb(s.p95)}, p99 ${kb(s.p99)}, max ${kb(s.max)}); sessions of 10 KB and more hold ${percent(largeBytesShare)} of the session memory.` +
        (figures.largestSessions.length > 0
          ? `\nLargest: ${figures.largestSessions
              .slice(0, 3)
              .map((l) => `${printableKey(l.key)} ${kb(l.bytes)}`)
              .join(', ')}.`
          : ''),
      evidence: {...totals, largeBytesShare: round(largeBytesShare), sizeBytes: s, largestSessions: figures.largestSessions},
      causes: severity === 'info' ? ['Java-serialized session attributes are rarely under 1 KB'] : [],
    }),
  ]
}

export const shortTtlCheck: ScanCheck = (figures, t) => {
  const short = Object.entries(figures.layouts).filter(
    ([, l]) =>
      l.sessions > 0 &&
      l.timeout.effectiveSeconds !== null &&
      l.timeout.effectiveSeconds > 0 &&
      l.timeout.effectiveSeconds < t.shortTimeoutSeconds,
  )
  if (short.length === 0) return []
  return [
    makeFinding('redis.short-ttl', {
      detail: short
        .map(([name, l]) =>
          l.timeout.source === 'maxInactiveInterval'
            ? `${name}: sessions store maxInactiveInterval ${l.timeout.effectiveSeconds} s (under ${t.shortTimeoutSeconds} s): users idle that long are logged out.`
            : `${name}: no session TTL is above ${l.timeout.effectiveSeconds} s (under ${t.shortTimeoutSeconds} s): the inactivity timeout is that short.`,
        )
        .join('\n'),
      evidence: Object.fromEntries(short.map(([name, l]) => [name, l.timeout])),
    }),
  ]
}

export const scanChecks: ScanCheck[] = [noTtlCheck, largeSessionsCheck, shortTtlCheck]

/** The finding ids the scan checks raise (a check added above adds its id here): what a scan checked. */
export const scanFindingIds: readonly FindingId[] = ['redis.no-ttl', 'redis.large-sessions', 'redis.short-ttl']

export function runScanChecks(figures: RedisScanFigures, thresholds: ScanThresholds = defaultScanThresholds): Finding[] {
  return scanChecks.flatMap((check) => check(figures, thresholds))
}
