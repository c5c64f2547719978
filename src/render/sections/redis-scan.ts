import type {LayoutFigures, RedisScanFigures} from '../../core/report/types.js'
import {formatBytes, formatCount, formatPercent, formatTimeout} from '../../core/report/units.js'
import type {Block} from '../blocks.js'
import {sanitizeTerminal} from '../escape.js'

const n = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : formatCount(value))
const bytes = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : formatBytes(value))
const percent = (share: number | null | undefined): string => (share === null || share === undefined ? '–' : formatPercent(share))
/** Key names are chosen by whoever writes to Redis: no control character, not even a newline, goes out raw. */
const keyText = (key: string): string => sanitizeTerminal(key).replace(/[\t\n]/g, (c) => `\\x0${c.charCodeAt(0).toString(16)}`)
const keyList = (keys: readonly string[]): string => keys.map(keyText).join(', ')
const seconds = (s: number | null): string => (s === null ? '–' : formatTimeout(s))

/** The scan part of the Redis section (redis scan, diagnose): tables first, then notes. */
export function redisScanBlocks(f: RedisScanFigures): Block[] {
  const notes: string[] = []
  const tables: Block[] = []
  const scan = f.scan
  const memory = f.sessionMemory
  tables.push({
    kind: 'table',
    head: ['Scan', 'Value'],
    rows: [
      ['Layout found', f.preset ?? 'none'],
      ['Keys scanned', n(f.keysScanned)],
      ['Sessions', n(f.sessions)],
      ['Sessions without TTL', n(f.sessionsWithoutTtl)],
      [
        'Session memory',
        memory
          ? `${bytes(memory.totalBytes)}${memory.estimated ? ' (estimated from a sample)' : ''}${memory.shareOfUsedMemory !== null ? `, ${percent(memory.shareOfUsedMemory)} of used_memory` : ''}`
          : '–',
      ],
      ...(scan
        ? [
            [
              'Method',
              `SCAN COUNT ${scan.count}${scan.match ? ` MATCH ${scan.match}` : ''}, ${scan.probe} probe${lanesNote(f.scanNodes)}, ${n(scan.keysPerSecond)} keys/s, ${(scan.durationMs / 1000).toFixed(1)} s`,
            ],
          ]
        : []),
    ],
  })
  const layouts = Object.entries(f.layouts ?? {}) as Array<[string, LayoutFigures]>
  if (layouts.length > 0) {
    tables.push({
      kind: 'table',
      title: 'Sessions by layout',
      head: ['Layout', 'Sessions', 'No TTL', 'p50', 'p95', 'p99', 'Max', '≥1 KB', '≥10 KB', '≥100 KB', 'Timeout'],
      rows: layouts.map(([name, l]) => [
        name,
        n(l.sessions),
        n(l.sessionsWithoutTtl),
        bytes(l.sizeBytes.p50),
        bytes(l.sizeBytes.p95),
        bytes(l.sizeBytes.p99),
        bytes(l.sizeBytes.max),
        n(l.sizeBytes.atLeast1KB),
        n(l.sizeBytes.atLeast10KB),
        n(l.sizeBytes.atLeast100KB),
        l.timeout.effectiveSeconds === null
          ? '–'
          : `${seconds(l.timeout.effectiveSeconds)} (${l.timeout.source === 'ttl' ? 'from TTLs' : 'maxInactiveInterval'})`,
      ]),
    })
    const companionRows: string[][] = []
    for (const [name, l] of layouts) {
      for (const [role, c] of Object.entries(l.companions)) companionRows.push([name, role, n(c.keys), n(c.withoutTtl)])
    }
    if (companionRows.length > 0)
      tables.push({kind: 'table', title: 'Companion keys', head: ['Layout', 'Kind', 'Keys', 'Without TTL'], rows: companionRows})
    for (const [name, l] of layouts) {
      if (l.noTtlSamples.length > 0) notes.push(`${name}: sessions without TTL, e.g. ${keyList(l.noTtlSamples.slice(0, 5))}`)
      if (l.timeout.noTtlNeverExpiring > 0)
        notes.push(
          `${name}: ${n(l.timeout.noTtlNeverExpiring)} sessions without TTL store maxInactiveInterval < 0 (never expire by configuration)`,
        )
    }
  }
  if (f.ttlHistogram && (f.sessions ?? 0) > 0) {
    const max = Math.max(1, ...f.ttlHistogram.map((b) => b.count))
    tables.push({
      kind: 'table',
      title: 'Session TTLs',
      head: ['TTL', 'Sessions', ''],
      rows: f.ttlHistogram.map((b) => [b.label, n(b.count), '█'.repeat(Math.round((b.count / max) * 30))]),
    })
  }
  if (f.largestSessions && f.largestSessions.length > 0) {
    tables.push({
      kind: 'table',
      title: 'Largest sessions',
      head: ['Key', 'Bytes'],
      rows: f.largestSessions.map((s) => [keyText(s.key), bytes(s.bytes)]),
    })
  }
  const e = f.expiryCheck
  if (e?.keysWithoutExpiry) {
    notes.push(
      `INFO keyspace db${e.db}: ${n(e.keysWithoutExpiry)} keys without expiry; ${storeKeys(e.sessionKeysWithoutTtl, f.sessionsWithoutTtl)} (${percent(e.explainedBySessions)}): ${
        {
          explained: 'the session store explains them',
          partly: 'the session store explains part of them',
          'not-explained': 'mostly not the session store’s',
          unknown: '',
        }[e.verdict]
      }.`,
    )
  }
  if (f.fixTtl) {
    const fix = f.fixTtl
    notes.push(
      fix.dryRun
        ? `--fix-ttl ${fix.seconds} (dry run): ${n(fix.candidates)} sessions without TTL would get a TTL; run again with --yes to set it.`
        : `--fix-ttl ${fix.seconds}: ${n(fix.changed)} of ${n(fix.candidates)} sessions got a TTL${fix.failed ? `, ${n(fix.failed)} failed` : ''}.`,
    )
    if (fix.keys.length > 0)
      notes.push(
        `${fix.dryRun ? 'Would change' : 'Changed'}: ${keyList(fix.keys.slice(0, 20))}${fix.keys.length > 20 || fix.keysTruncated ? ', … (all in the JSON report)' : ''}`,
      )
  }
  if (f.scanNodes && f.scanNodes.length > 1) {
    tables.push({
      kind: 'table',
      title: 'Nodes scanned',
      head: ['Node', 'Role', 'Keys', 'Sessions', 'No TTL', 'Complete'],
      rows: f.scanNodes.map((node) => [
        node.address,
        node.role,
        n(node.keysScanned),
        n(node.sessions),
        n(node.sessionsWithoutTtl),
        node.complete ? 'yes' : 'no',
      ]),
    })
  }
  return [...tables, ...notes.map((text): Block => ({kind: 'note', text}))]
}

/** ", 2 cursor lanes" when a node was walked in more than one. */
function lanesNote(nodes: ReadonlyArray<{lanes?: number}> | undefined): string {
  const most = Math.max(1, ...(nodes ?? []).map((node) => node.lanes ?? 1))
  return most > 1 ? `, ${most} cursor lanes` : ''
}

/** Keys of the session store without TTL, sessions told apart from their companions (Spring's index and expiration sets). */
function storeKeys(keys: number, sessions: number): string {
  const companions = Math.max(0, keys - sessions)
  const n = (v: number): string => v.toLocaleString('en-US')
  if (companions === 0) return `${n(keys)} are sessions`
  return `${n(keys)} are the session store's: ${n(Math.min(sessions, keys))} sessions, ${n(companions)} companion key${companions === 1 ? '' : 's'} (index and expiration sets)`
}
