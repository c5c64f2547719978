import type {Finding, InputError} from '../../report/types.js'
import type {RedisConnectionOk} from '../connection/index.js'
import {defaultScanThresholds, runScanChecks, type ScanThresholds} from './checks.js'
import {buildFigures, type RedisScanFigures} from './figures.js'
import {type FixTtl, scanNode} from './node-scan.js'
import {makeClassifier, matchPattern, type PresetName} from './presets.js'
import {type NodeProgress, ScanState} from './scan-state.js'

export type {ExpiryCheck, LayoutFigures, RedisScanFigures} from './figures.js'
export {type PresetName, presetNames} from './presets.js'

export interface RedisScanOptions {
  /** Only this layout; default: every known layout, the one with most sessions is reported as `preset`. */
  preset?: PresetName
  /** A SCAN MATCH glob whose keys are all sessions (of `preset`, default generic). */
  pattern?: string
  /** Spring Session namespace (default: any `<ns>:sessions:<id>`, usually spring:session). */
  namespace?: string
  /** SCAN COUNT per call (default 1000: about 2 ms of server time on a million keys). */
  count?: number
  /** Keys per second over all nodes (0 or absent: no limit). */
  maxRate?: number
  /** Share of sessions sized with MEMORY USAGE, 0..1 (default 1: all). */
  sampleMemory?: number
  /** Set a TTL (seconds) on sessions without one; only with apply (--yes), else a dry run listing them. */
  fixTtl?: {seconds: number; apply: boolean}
  /** Largest sessions listed (default 10). */
  topN?: number
  showSessionIds?: boolean
  signal?: AbortSignal
  /** After each SCAN call: keys scanned so far and DBSIZE of the scanned nodes. */
  onProgress?: (progress: {scanned: number; total: number}) => void
  /** How PTTL / MEMORY USAGE are read: a Lua script per chunk (auto falls back to pipelines when scripts are refused). */
  method?: 'auto' | 'lua' | 'pipeline'
  thresholds?: ScanThresholds
  /** Cursor lanes per node (a power of two); default: two from 100k keys on a node, else one. */
  lanes?: number
}

/**
 * Two lanes keep the server busy while the client reads a reply (measured ~1.5x keys/s on 1M
 * keys); a small keyspace gains nothing, and its hash table may have fewer buckets than lanes.
 * Cluster nodes get one lane: their nodes are scanned in parallel already, and from Redis 7.4 a
 * cluster node keeps a table per slot and puts the slot in the cursor's low bits, which the
 * lanes would take for their share of one table (each lane would stop after a slot or two).
 */
export function lanesFor(nodeKeys: number): number {
  return nodeKeys >= 100_000 ? 2 : 1
}

export interface RedisScanResult {
  figures: RedisScanFigures
  findings: Finding[]
  /** True when some node was not scanned to the end (error, timeout, Ctrl-C). */
  partial: boolean
  /** Nodes that failed or stopped early, with what to do. */
  errors: InputError[]
}

/** Scans every node of an open connection in parallel (cluster: each primary, or its replica). */
export async function scanRedis(connection: RedisConnectionOk, options: RedisScanOptions = {}): Promise<RedisScanResult> {
  const started = performance.now()
  const classifierOptions = {preset: options.preset, namespace: options.namespace, pattern: options.pattern}
  const sampleRate = Math.min(1, Math.max(0, options.sampleMemory ?? 1))
  const stride = sampleRate <= 0 ? 0 : Math.max(1, Math.round(1 / sampleRate))
  const topN = options.topN ?? 10
  const state = new ScanState(makeClassifier(classifierOptions), topN, stride)
  const count = options.count ?? 1000
  const match = matchPattern(classifierOptions)
  const fixTtl: FixTtl | undefined = options.fixTtl
    ? {...options.fixTtl, candidates: 0, changed: 0, failed: 0, keys: [], limit: 100_000}
    : undefined
  const nodes = connection.nodes
  const nodeSizes = await Promise.all(nodes.map((n) => n.client.dbsize().catch(() => 0)))
  const total = nodeSizes.reduce((a, b) => a + b, 0)
  const rate = options.maxRate && options.maxRate > 0 ? options.maxRate / nodes.length : 0
  const onBatch = options.onProgress ? () => options.onProgress!({scanned: state.keysScanned, total}) : undefined

  const progress = await Promise.all(
    nodes.map((node, i) =>
      scanNode(node, state, {
        count,
        lanes: connection.mode === 'cluster' ? 1 : (options.lanes ?? lanesFor(nodeSizes[i]!)),
        match,
        method: options.method ?? 'auto',
        rate,
        signal: options.signal,
        onBatch,
        fixTtl,
        version: connection.version,
      }),
    ),
  )
  await Promise.all(nodes.map((node, i) => readNodeTotals(node.client, progress[i]!, connection.db)))
  const durationMs = performance.now() - started

  const figures = buildFigures({
    state,
    db: connection.db,
    count,
    match,
    memorySampleRate: sampleRate,
    durationMs,
    topN,
    showSessionIds: options.showSessionIds ?? false,
    fixTtl,
  })
  const errors: InputError[] = progress
    .filter((p) => p.error)
    .map((p) => ({
      input: p.address,
      message: `${p.error}; the figures cover the keys scanned before it stopped: run again, or raise --connect-timeout if the server is busy`,
    }))
  for (const e of connection.nodeErrors) errors.push({input: e.address, message: `${e.message}: this node was not scanned`})
  const partial = progress.some((p) => !p.complete) || connection.nodeErrors.length > 0
  return {figures, findings: runScanChecks(figures, options.thresholds ?? defaultScanThresholds), partial, errors}
}

/** used_memory and this db's keys/expires, for the share of memory in sessions and the expiry check. */
async function readNodeTotals(client: RedisConnectionOk['nodes'][number]['client'], progress: NodeProgress, db: number): Promise<void> {
  if (!progress.complete && progress.error) return
  try {
    const memory = String(await client.call('INFO', 'memory'))
    const used = /^used_memory:(\d+)/m.exec(memory)
    if (used) progress.usedMemoryBytes = Number(used[1])
    const keyspace = String(await client.call('INFO', 'keyspace'))
    const line = new RegExp(`^db${db}:keys=(\\d+),expires=(\\d+)`, 'm').exec(keyspace)
    progress.keyspace = line ? {keys: Number(line[1]), expires: Number(line[2])} : {keys: 0, expires: 0}
  } catch {
    // INFO refused by an ACL, or the node went away: the figures that need it stay null.
  }
}
