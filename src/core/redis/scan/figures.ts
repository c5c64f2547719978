import {redactSessionId} from '../../redact.js'
import type {SizeSketch} from './aggregates.js'
import {SizeSketch as Sketch, TopN, TtlHistogram} from './aggregates.js'
import type {FixTtl} from './node-scan.js'
import type {KeyClass, PresetName} from './presets.js'
import type {LayoutStats, NodeProgress, ScanState, SizedKey} from './scan-state.js'

export interface SizeFigures {
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
}

export interface LayoutFigures {
  sessions: number
  sessionsWithoutTtl: number
  /** Redacted keys of sessions without TTL (up to 10). */
  noTtlSamples: string[]
  /** Keys beside the sessions: expires keys, expirations and index sets (Spring), "null" placeholders (tomcat-redis-session-manager). */
  companions: Record<string, {keys: number; withoutTtl: number}>
  ttlHistogram: Array<{le: number | null; label: string; count: number}>
  sizeBytes: SizeFigures & {
    sized: number
    sizedBytes: number
    atLeast1KB: number
    atLeast10KB: number
    atLeast100KB: number
    bytesInAtLeast10KB: number
  }
  /** Bytes in sessions (MEMORY USAGE; scaled up when only a share was sized). */
  totalBytes: number
  largestSessions: Array<{key: string; bytes: number}>
  namespaces: string[]
  /** The inactivity timeout configured, as stored in the sessions (Spring, Redisson) or as seen in TTLs. */
  timeout: {
    effectiveSeconds: number | null
    source: 'maxInactiveInterval' | 'ttl' | null
    maxInactiveInterval: Record<string, number>
    metadataRead: number
    noTtlNeverExpiring: number
    oldestNoTtlAccess: string | null
  }
}

export interface ExpiryCheck {
  db: number
  /** keys − expires of INFO keyspace for the scanned db, summed over the scanned nodes (null when INFO was refused). */
  keysWithoutExpiry: number | null
  /** Keys the scan saw with no TTL: sessions, companions and others. */
  scannedWithoutTtl: number
  sessionKeysWithoutTtl: number
  /** Share of keysWithoutExpiry that are session keys (sessions and companions) without TTL. */
  explainedBySessions: number | null
  verdict: 'explained' | 'partly' | 'not-explained' | 'unknown'
}

/** The scan half of CONTRACT.md `sources.redis`; names disjoint from the stats half. */
export interface RedisScanFigures {
  keysScanned: number
  sessions: number
  sessionsWithoutTtl: number
  ttlHistogram: Array<{le: number | null; label: string; count: number}>
  sizeBytes: SizeFigures
  largestSessions: Array<{key: string; bytes: number; preset: PresetName}>
  /** The layout holding most sessions (null: no session keys found). */
  preset: PresetName | null
  layouts: Partial<Record<PresetName, LayoutFigures>>
  sessionMemory: {totalBytes: number; estimated: boolean; usedMemoryBytes: number | null; shareOfUsedMemory: number | null}
  expiryCheck: ExpiryCheck
  scanNodes: NodeProgress[]
  scan: {
    db: number
    count: number
    match: string | null
    probe: 'lua' | 'pipeline' | 'mixed'
    memorySampleRate: number
    duplicates: number
    /** 'exact', or 'partial' when the keyspace outgrew the dedupe table (repeats after that are counted twice). */
    dedupe: 'exact' | 'partial'
    vanished: number
    unclassified: number
    keysWithoutTtl: number
    durationMs: number
    keysPerSecond: number
  }
  fixTtl?: {seconds: number; dryRun: boolean; candidates: number; changed: number; failed: number; keys: string[]; keysTruncated: boolean}
}

export function redactKey(key: string, cls: KeyClass | undefined, showSessionIds: boolean): string {
  if (showSessionIds || !cls || cls.idStart === undefined || cls.idEnd === undefined) return key
  return key.slice(0, cls.idStart) + redactSessionId(key.slice(cls.idStart, cls.idEnd), {routeSeparator: ''}) + key.slice(cls.idEnd)
}

function sizeFigures(sketch: SizeSketch): SizeFigures {
  return sketch.percentiles()
}

function effectiveTimeout(preset: PresetName, stats: LayoutStats): LayoutFigures['timeout'] {
  const intervals = Object.fromEntries([...stats.intervals].sort((a, b) => b[1] - a[1]).map(([s, n]) => [String(s), n]))
  let effectiveSeconds: number | null = null
  let source: LayoutFigures['timeout']['source'] = null
  const positive = [...stats.intervals].filter(([s]) => s > 0).sort((a, b) => b[1] - a[1])
  if (positive.length > 0) {
    effectiveSeconds = positive[0]![0]
    source = 'maxInactiveInterval'
  } else if (stats.maxSessionTtlMs > 0) {
    // Spring's session hash lives maxInactiveInterval + 300 s.
    const slack = preset === 'spring-session' ? 300 : 0
    effectiveSeconds = Math.max(1, Math.ceil(stats.maxSessionTtlMs / 1000) - slack)
    source = 'ttl'
  }
  return {
    effectiveSeconds,
    source,
    maxInactiveInterval: intervals,
    metadataRead: stats.metadataRead,
    noTtlNeverExpiring: stats.noTtlNeverExpiring,
    oldestNoTtlAccess: stats.oldestNoTtlAccessMs === undefined ? null : new Date(stats.oldestNoTtlAccessMs).toISOString(),
  }
}

function layoutFigures(preset: PresetName, stats: LayoutStats, sampleRate: number, showSessionIds: boolean): LayoutFigures {
  return {
    sessions: stats.sessions,
    sessionsWithoutTtl: stats.sessionsWithoutTtl,
    noTtlSamples: stats.noTtlSamples.map((s) => redactKey(s.key, s.cls, showSessionIds)),
    companions: Object.fromEntries(stats.companions),
    ttlHistogram: stats.ttl.toJSON(),
    sizeBytes: {
      ...sizeFigures(stats.sizes),
      sized: stats.sizes.count,
      sizedBytes: stats.sizes.total,
      atLeast1KB: stats.sizes.atLeast1KB,
      atLeast10KB: stats.sizes.atLeast10KB,
      atLeast100KB: stats.sizes.atLeast100KB,
      bytesInAtLeast10KB: stats.sizes.bytesInAtLeast10KB,
    },
    totalBytes: Math.round(sampleRate > 0 ? stats.sizes.total / sampleRate : 0),
    largestSessions: stats.top.sorted().map((s) => ({key: redactKey(s.key, s.cls, showSessionIds), bytes: s.bytes})),
    namespaces: [...stats.namespaces],
    timeout: effectiveTimeout(preset, stats),
  }
}

export interface FigureInputs {
  state: ScanState
  db: number
  count: number
  match: string | undefined
  memorySampleRate: number
  durationMs: number
  topN: number
  showSessionIds: boolean
  fixTtl?: FixTtl
}

export function buildFigures(input: FigureInputs): RedisScanFigures {
  const {state, showSessionIds, memorySampleRate: rate} = input
  const ttl = new TtlHistogram()
  const sizes = new Sketch()
  const top = new TopN<SizedKey>(input.topN)
  const layouts: RedisScanFigures['layouts'] = {}
  let sessions = 0
  let sessionsWithoutTtl = 0
  let companionsWithoutTtl = 0
  let preset: PresetName | null = null
  let presetSessions = -1
  for (const [name, stats] of state.layouts) {
    ttl.merge(stats.ttl)
    sizes.merge(stats.sizes)
    top.merge(stats.top)
    sessions += stats.sessions
    sessionsWithoutTtl += stats.sessionsWithoutTtl
    for (const c of stats.companions.values()) companionsWithoutTtl += c.withoutTtl
    layouts[name] = layoutFigures(name, stats, rate, showSessionIds)
    if (stats.sessions > presetSessions) {
      preset = name
      presetSessions = stats.sessions
    }
  }
  const usedMemory = sumOrNull(state.nodes.map((n) => n.usedMemoryBytes))
  const totalBytes = Math.round(rate > 0 ? sizes.total / rate : 0)
  const probes = new Set(state.nodes.map((n) => n.probe))
  const figures: RedisScanFigures = {
    keysScanned: state.keysScanned,
    sessions,
    sessionsWithoutTtl,
    ttlHistogram: ttl.toJSON(),
    sizeBytes: sizeFigures(sizes),
    largestSessions: top.sorted().map((s) => ({key: redactKey(s.key, s.cls, showSessionIds), bytes: s.bytes, preset: s.cls.preset})),
    preset,
    layouts,
    sessionMemory: {
      totalBytes,
      estimated: rate < 1,
      usedMemoryBytes: usedMemory,
      shareOfUsedMemory: usedMemory && rate > 0 ? round(totalBytes / usedMemory) : null,
    },
    expiryCheck: expiryCheck(state, input.db, sessionsWithoutTtl + companionsWithoutTtl),
    scanNodes: state.nodes,
    scan: {
      db: input.db,
      count: input.count,
      match: input.match ?? null,
      probe: probes.size > 1 ? 'mixed' : (probes.values().next().value ?? 'pipeline'),
      memorySampleRate: rate,
      duplicates: state.duplicates,
      dedupe: state.seen.saturated ? 'partial' : 'exact',
      vanished: state.vanished,
      unclassified: state.unclassified,
      keysWithoutTtl: state.keysWithoutTtl,
      durationMs: Math.round(input.durationMs),
      keysPerSecond: input.durationMs > 0 ? Math.round((state.keysScanned / input.durationMs) * 1000) : 0,
    },
  }
  if (input.fixTtl) {
    const f = input.fixTtl
    figures.fixTtl = {
      seconds: f.seconds,
      dryRun: !f.apply,
      candidates: f.candidates,
      changed: f.changed,
      failed: f.failed,
      keys: f.keys.map((k) => redactKey(k.key, k.cls, showSessionIds)),
      keysTruncated: (f.apply ? f.changed : f.candidates) > f.keys.length,
    }
  }
  return figures
}

function expiryCheck(state: ScanState, db: number, sessionKeysWithoutTtl: number): ExpiryCheck {
  const keyspaces = state.nodes.map((n) => n.keyspace)
  const known = keyspaces.every((k) => k !== undefined) && keyspaces.length > 0
  const keysWithoutExpiry = known ? keyspaces.reduce((sum, k) => sum + Math.max(0, k!.keys - k!.expires), 0) : null
  let explainedBySessions: number | null = null
  let verdict: ExpiryCheck['verdict'] = 'unknown'
  if (keysWithoutExpiry !== null) {
    explainedBySessions = keysWithoutExpiry === 0 ? 1 : round(Math.min(1, sessionKeysWithoutTtl / keysWithoutExpiry))
    verdict = explainedBySessions >= 0.9 ? 'explained' : explainedBySessions >= 0.1 ? 'partly' : 'not-explained'
  }
  return {db, keysWithoutExpiry, scannedWithoutTtl: state.keysWithoutTtl, sessionKeysWithoutTtl, explainedBySessions, verdict}
}

function sumOrNull(values: Array<number | undefined>): number | null {
  if (values.length === 0 || values.some((v) => v === undefined)) return null
  return values.reduce<number>((a, b) => a + (b ?? 0), 0)
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
