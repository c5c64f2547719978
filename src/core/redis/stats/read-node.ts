import createDebug from 'debug'
import type {Redis} from 'ioredis'
import {type ParsedInfo, parseInfo} from './info-parser.js'
import {configPairs, type NodeStats, nodeStatsFromInfo, roleOf, withConfig} from './node-stats.js'

const debug = createDebug('sessdoc:redis-stats')

export type NodeRead = {ok: true; stats: NodeStats; configBlocked: boolean} | {ok: false; address: string; message: string}

/**
 * Reads one node: INFO (the default sections: every one the checks need, on Redis 5 to 8),
 * INFO keysizes on Redis 8 when the default INFO left it out, CONFIG GET maxmemory* (managed
 * services block CONFIG: INFO's maxmemory and maxmemory_policy stand in), and ROLE when INFO
 * did not say the role. Read-only; a refused optional command never fails the node.
 */
export async function readNode(address: string, client: Pick<Redis, 'call'>): Promise<NodeRead> {
  let info: ParsedInfo
  try {
    info = parseInfo(String(await client.call('INFO')))
  } catch (error) {
    return {ok: false, address, message: `${address}: INFO refused (${messageOf(error)}); the ACL user needs +info`}
  }
  if (info.fields.get('redis_mode') === 'sentinel') {
    return {ok: false, address, message: `${address} is a Sentinel, not a data node: use --sentinel ${address} --sentinel-master NAME`}
  }
  let keySizes: ParsedInfo | undefined
  const major = Number.parseInt(info.fields.get('redis_version') ?? '', 10)
  if (!info.sections.has('keysizes') && major >= 8)
    keySizes = await optional(client, ['INFO', 'keysizes']).then((text) => (text === null ? undefined : parseInfo(String(text))))

  let stats = nodeStatsFromInfo(address, info, keySizes)
  const config = await optional(client, ['CONFIG', 'GET', 'maxmemory*'])
  let configBlocked = config === null
  if (!configBlocked) {
    const pairs = configPairs(config)
    // Redis refuses writes (MISCONF) only with stop-writes-on-bgsave-error yes AND save points set;
    // with AOF off, `save ""` means nothing is persisted at all (redis.no-persistence).
    const failedSave = stats.persistence.rdbLastBgsaveStatus === 'err'
    const names = [...(failedSave ? ['stop-writes-on-bgsave-error'] : []), ...(failedSave || !stats.persistence.aofEnabled ? ['save'] : [])]
    for (const name of names) {
      for (const [k, v] of configPairs(await optional(client, ['CONFIG', 'GET', name]))) pairs.set(k, v)
    }
    if (pairs.size === 0) configBlocked = true
    stats = withConfig(stats, pairs)
  }
  if (stats.role === 'unknown') {
    const role = await optional(client, ['ROLE'])
    if (Array.isArray(role)) stats = {...stats, role: roleOf(String(role[0]))}
  }
  return {ok: true, stats, configBlocked}
}

async function optional(client: Pick<Redis, 'call'>, [command, ...args]: [string, ...string[]]): Promise<unknown> {
  try {
    return await client.call(command, ...args)
  } catch (error) {
    debug('%s %s refused: %s', command, args.join(' '), messageOf(error))
    return null
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim()
}
