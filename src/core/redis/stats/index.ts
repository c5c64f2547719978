import type {Finding, InputError} from '../../report/types.js'
import type {RedisConnectionOk} from '../connection/index.js'
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

export type {RedisNodeRow, RedisStatsFigures} from './figures.js'
export {defaultRedisStatsThresholds, type RedisStatsOptions, type RedisStatsThresholds, resolveThresholds} from './options.js'
