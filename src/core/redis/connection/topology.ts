import createDebug from 'debug'
import type {Redis} from 'ioredis'
import type {ClusterNodeInfo, Endpoint} from './types.js'

const debug = createDebug('sessdoc:redis')

/** INFO of several sections in one round trip per section (Redis 5 takes one section per call). */
export async function infoOf(client: Redis, ...sections: string[]): Promise<Map<string, string>> {
  const fields = new Map<string, string>()
  for (const section of sections) {
    try {
      const text = String(await client.call('INFO', section))
      for (const line of text.split(/\r?\n/)) {
        const at = line.indexOf(':')
        if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1).trim())
      }
    } catch (error) {
      debug('INFO %s refused: %s', section, (error as Error).message)
    }
  }
  return fields
}

/** `slaveN:ip=…,port=…,state=online,…` lines of INFO replication. */
export function onlineReplica(info: Map<string, string>): Endpoint | undefined {
  for (const [key, value] of info) {
    if (!/^slave\d+$/.test(key)) continue
    const parts = new Map(value.split(',').map((kv) => kv.split('=') as [string, string]))
    if (parts.get('state') === 'online' && parts.get('ip') && parts.get('port'))
      return {host: parts.get('ip')!, port: Number(parts.get('port'))}
  }
  return undefined
}

/**
 * CLUSTER NODES lines: `<id> <ip:port@cport[,hostname]> <flags> <master|-> <ping> <pong> <epoch> <link> <slot>…`.
 * An empty ip (a node that does not know its own address yet) is taken from the seed.
 */
export function parseClusterNodes(text: string, seed: Endpoint): ClusterNodeInfo[] {
  const nodes: ClusterNodeInfo[] = []
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(/\s+/)
    if (parts.length < 8) continue
    const [id, addressField, flagField, primary, , , , linkState, ...slotFields] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      ...string[],
    ]
    const flags = flagField.split(',')
    if (flags.includes('noaddr') || flags.includes('handshake')) continue
    const hostPort = addressField.split('@')[0] ?? ''
    const colon = hostPort.lastIndexOf(':')
    const host = hostPort.slice(0, colon) || seed.host
    const port = hostPort.slice(colon + 1)
    const role = flags.includes('master') ? 'primary' : 'replica'
    const node: ClusterNodeInfo = {id, address: `${host}:${port}`, role, flags, linkState, slots: countSlots(slotFields)}
    if (role === 'replica' && primary !== '-') node.primaryId = primary
    nodes.push(node)
  }
  return nodes
}

function countSlots(fields: string[]): number {
  let count = 0
  for (const field of fields) {
    if (field.startsWith('[')) continue // slot being migrated/imported
    const [from, to] = field.split('-')
    count += to === undefined ? 1 : Number(to) - Number(from) + 1
  }
  return count
}

export function chooseClusterNodes(nodes: ClusterNodeInfo[], preferReplica: boolean, warnings: string[]): ClusterNodeInfo[] {
  const primaries = nodes.filter((n) => n.role === 'primary' && n.slots > 0 && !n.flags.includes('fail'))
  if (!preferReplica) return primaries
  return primaries.map((primary) => {
    const replica = nodes.find((n) => n.primaryId === primary.id && !n.flags.includes('fail') && n.linkState === 'connected')
    if (!replica) warnings.push(`--replica: primary ${primary.address} has no healthy replica; reading from the primary`)
    return replica ?? primary
  })
}

export function endpointOf(address: string): Endpoint {
  const colon = address.lastIndexOf(':')
  return {host: address.slice(0, colon), port: Number(address.slice(colon + 1))}
}
