import {findingCatalog, findingIds} from '../../report/catalog.js'
import {makeFinding} from '../../report/report.js'
import type {Finding, InputError, SourceResult} from '../../report/types.js'
import {
  connectionFailureFinding,
  connectRedis,
  type RedisConnectionFailure,
  type RedisConnectionOk,
  type RedisTarget,
} from '../connection.js'
import {scanFindingIds} from '../scan/checks.js'
import {runRedisStatsChecks} from './checks.js'
import {type RedisStatsFigures, redisStatsFigures} from './figures.js'
import type {NodeStats} from './node-stats.js'
import {type RedisStatsOptions, resolveThresholds} from './options.js'
import {readNode} from './read-node.js'
import type {RedisStatsView} from './view.js'

export interface RedisStatsCollection {
  figures: RedisStatsFigures
  findings: Finding[]
  /** True when a node could not be read or the run was interrupted. */
  partial: boolean
  /** Nodes that did not answer, notes about blocked commands. */
  errors: InputError[]
}

/** Reads every node of an open connection and runs the checks. Never closes the connection. */
export async function collectRedisStats(connection: RedisConnectionOk, options: RedisStatsOptions = {}): Promise<RedisStatsCollection> {
  const errors: InputError[] = connection.nodeErrors.map((e) => ({input: e.address, message: `${e.address}: ${e.message}`}))
  for (const warning of connection.warnings) errors.push({input: 'redis', message: warning})
  let interrupted = false
  const reads = await Promise.all(
    connection.nodes.map(async (node) => {
      if (options.signal?.aborted) {
        interrupted = true
        errors.push({input: node.address, message: `${node.address}: not read (interrupted)`})
        return undefined
      }
      return readNode(node.address, node.client)
    }),
  )
  const nodes: NodeStats[] = []
  let blocked = 0
  for (const read of reads) {
    if (!read) continue
    if (!read.ok) {
      errors.push({input: read.address, message: read.message})
      continue
    }
    // The connection module knows the role even where INFO replication is denied.
    const known = connection.nodes.find((n) => n.address === read.stats.address)
    nodes.push(read.stats.role === 'unknown' && known ? {...read.stats, role: known.role} : read.stats)
    if (read.configBlocked) blocked++
  }
  if (blocked > 0) {
    const unknown = nodes.filter((n) => n.memory.maxBytes === null).map((n) => n.address)
    errors.push({
      input: 'redis',
      message:
        unknown.length > 0
          ? `CONFIG GET is refused and INFO has no maxmemory on ${unknown.join(', ')}: the memory checks could not run there; grant +config|get to the ACL user`
          : `CONFIG GET is refused (managed service or ACL) on ${blocked} node(s): maxmemory and the policy were read from INFO instead`,
    })
  }
  const view: RedisStatsView = {mode: connection.mode, nodes}
  if (connection.sentinel) view.sentinel = connection.sentinel
  if (connection.clusterNodes) view.clusterNodes = connection.clusterNodes
  return {
    figures: redisStatsFigures(view),
    findings: runRedisStatsChecks(view, resolveThresholds(options.thresholds)),
    partial: interrupted || nodes.length < connection.nodes.length + connection.nodeErrors.length,
    errors,
  }
}

/** Connect, collect, close: the `redis` section of `sessdoc redis stats` and of diagnose. */
export async function runRedisStats(target: RedisTarget, options: RedisStatsOptions = {}): Promise<SourceResult> {
  const connection = await connectRedis(target, options.signal ? {signal: options.signal} : {})
  if (!connection.ok) return redisConnectionFailureResult(connection, target)
  try {
    return redisStatsResult(await collectRedisStats(connection, options))
  } finally {
    await connection.close()
  }
}

/** Every Redis finding but the scan's: the stats checks, and the connection and MISCONF findings of connecting. */
const statsFindingIds = findingIds.filter((id) => findingCatalog[id].source === 'redis' && !scanFindingIds.includes(id))

/** The `redis` section of a collection: analyzed with the figures, or error when no node could be read. */
export function redisStatsResult({figures, findings, partial, errors}: RedisStatsCollection): SourceResult {
  if (figures.nodes === 0) {
    const reason = errors.map((e) => e.message).join('; ') || 'no node answered INFO'
    return {key: 'redis', section: {status: 'error', reason}, findings}
  }
  const section: SourceResult['section'] = {status: 'analyzed', ...figures, checked: statsFindingIds}
  if (partial) section.partial = true
  if (errors.length > 0) section.errors = errors
  return {key: 'redis', section, findings}
}

/**
 * The `redis` section when connectRedis failed: status error and a critical finding. A primary whose
 * snapshots fail answers MISCONF even to PING: it is up, and persistence-failing is the finding.
 */
export function redisConnectionFailureResult(
  failure: {kind: RedisConnectionFailure['kind']; message: string},
  target: RedisTarget,
): SourceResult {
  // A db that cannot be used is the user's mistake: the section says so, the report is UNKNOWN (exit 3).
  if (failure.kind === 'bad-db') return {key: 'redis', section: {status: 'error', reason: failure.message}, findings: []}
  const finding = /MISCONF/.test(failure.message) ? misconfFinding(failure.message) : connectionFailureFinding(failure, target)
  return {key: 'redis', section: {status: 'error', reason: failure.message}, findings: [finding]}
}

function misconfFinding(message: string): Finding {
  return makeFinding('redis.persistence-failing', {
    severity: 'critical',
    detail: `Redis answers MISCONF to every write and even to PING: its last RDB snapshot failed and stop-writes-on-bgsave-error is yes, so no session can be saved (the other figures could not be read).\n${message}`,
    evidence: {reply: 'MISCONF'},
  })
}

export type {RedisNodeRow, RedisStatsFigures} from './figures.js'
export {defaultRedisStatsThresholds, type RedisStatsOptions, type RedisStatsThresholds, resolveThresholds} from './options.js'
