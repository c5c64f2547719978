import type {KeySizeBucket, RedisNodeRow, RedisStatsFigures} from '../../core/report/types.js'
import {formatBytes, formatCount, formatDuration, formatPercent} from '../../core/report/units.js'
import type {Block} from '../blocks.js'

type Table = Extract<Block, {kind: 'table'}>

/** The stats part of the Redis section (redis stats, diagnose). */
export function redisStatsBlocks(s: RedisStatsFigures): Block[] {
  const tables: Table[] = [{kind: 'table', head: ['Figure', 'Value'], rows: summaryRows(s)}]
  const keyspace = Object.entries(s.keyspace ?? {})
  if (keyspace.length > 0) {
    tables.push({
      kind: 'table',
      title: 'Keyspace',
      head: ['Database', 'Keys', 'With expiry', 'Without expiry'],
      rows: keyspace.map(([db, c]) => [
        db,
        formatCount(c.keys),
        formatCount(c.expires),
        `${formatCount(c.withoutExpiry)}${c.keys ? ` (${formatPercent(c.withoutExpiry / c.keys)})` : ''}`,
      ]),
    })
  }
  const links = replicationRows(s.nodeStats)
  if (links.length > 0) tables.push({kind: 'table', title: 'Replication', head: ['Node', 'Peer', 'Link', 'Lag'], rows: links})
  if (s.nodeStats.length > 1) tables.push(nodesTable(s.nodeStats))
  for (const [db, kinds] of Object.entries(s.keySizes ?? {})) {
    const rows = Object.entries(kinds)
      .filter(([, buckets]) => buckets.length > 0)
      .map(([kind, buckets]) => [kind.replace('_', ' '), histogramText(kind, buckets)])
    if (rows.length > 0)
      tables.push({kind: 'table', title: `Key sizes (${db}, INFO keysizes)`, head: ['Kind', 'Keys from … (power-of-two buckets)'], rows})
  }
  return tables
}

/** One row per node; the policy column only when nodes differ (else the summary says it). */
function nodesTable(nodes: readonly RedisNodeRow[]): Table {
  const policies = new Set(nodes.map((n) => n.policy)).size > 1
  const cells = (n: RedisNodeRow): Array<string | null> => [
    n.address,
    n.role,
    formatBytes(n.usedBytes),
    maxText(n.maxBytes),
    n.memoryUsage === null ? '–' : formatPercent(n.memoryUsage),
    policies ? (n.policy ?? '–') : null,
    n.hitRate === null ? '–' : formatPercent(n.hitRate),
    formatCount(n.evictedKeys),
    formatCount(n.keys),
    formatCount(n.withoutExpiry),
    formatCount(n.replicas),
  ]
  const head = ['Node', 'Role', 'Used', 'Max', 'Usage', policies ? 'Policy' : null, 'Hit rate', 'Evicted', 'Keys', 'No TTL', 'Replicas']
  const present = (row: Array<string | null>): string[] => row.filter((c): c is string => c !== null)
  return {kind: 'table', title: 'Nodes', head: present(head), rows: nodes.map((n) => present(cells(n)))}
}

function summaryRows(s: RedisStatsFigures): string[][] {
  const m = s.memory
  const rows: string[][] = [
    ['Mode', `${s.mode}, ${s.nodes} node${s.nodes === 1 ? '' : 's'}`],
    ['Version', s.version ?? 'unknown'],
    ['Uptime', formatDuration(s.uptimeSeconds)],
    ['Memory used', `${formatBytes(m.usedBytes)}${m.peakBytes !== null ? ` (peak ${formatBytes(m.peakBytes)})` : ''}`],
    [
      'Maxmemory',
      `${maxText(m.maxBytes)}${m.usage !== null ? ` (${formatPercent(m.usage)} used)` : ''}${m.source === 'info' ? ', from INFO (CONFIG refused)' : ''}`,
    ],
    ['Eviction policy', m.policy ?? 'unknown'],
    ['Fragmentation ratio', m.fragmentationRatio === null ? 'unknown' : m.fragmentationRatio.toFixed(2)],
    [
      'Hit rate',
      s.hitRate === null
        ? 'no lookups yet'
        : `${formatPercent(s.hitRate)} (${formatCount(s.keyspaceHits)} hits, ${formatCount(s.keyspaceMisses)} misses)`,
    ],
    ['Evicted keys', formatCount(s.evictedKeys)],
    ['Expired keys', formatCount(s.expiredKeys)],
    [
      'Clients',
      `${formatCount(s.clients.connected)} connected, ${formatCount(s.clients.blocked)} blocked, ${formatCount(s.clients.rejectedConnections)} rejected` +
        (s.clients.maxClients !== null ? `, maxclients ${formatCount(s.clients.maxClients)}` : ''),
    ],
    ['Replicas', s.replicas === null ? 'unknown' : formatCount(s.replicas)],
    ['Persistence', persistenceText(s.persistence)],
  ]
  if (s.cluster) {
    const failed = s.cluster.failed.length ? `, ${s.cluster.failed.length} failed (${s.cluster.failed.join(', ')})` : ''
    rows.push(['Cluster', `${s.cluster.primaries} primaries with slots, ${s.cluster.replicas} replicas${failed}`])
  }
  if (s.sentinel) {
    const q = s.sentinel.quorum !== undefined ? `, quorum ${s.sentinel.quorum}` : ''
    rows.push(['Sentinel', `master ${s.sentinel.master}${q}, ${s.sentinel.sentinels} sentinel(s), ${s.sentinel.replicas} replica(s)`])
  }
  return rows
}

function persistenceText(p: RedisStatsFigures['persistence']): string {
  if (p.unpersistedPrimaries?.length) return `none: no RDB save points, AOF off (${p.unpersistedPrimaries.join(', ')})`
  const when = p.rdbLastSaveTime ? ` (last good one ${p.rdbLastSaveTime})` : ''
  const rdb =
    p.rdbLastBgsaveStatus === 'err'
      ? `last RDB snapshot FAILED${when}`
      : `last RDB snapshot ${p.rdbLastBgsaveStatus ?? 'unknown'}${p.rdbLastSaveTime ? ` (${p.rdbLastSaveTime})` : ''}`
  const changes = p.rdbChangesSinceLastSave !== null ? `, ${formatCount(p.rdbChangesSinceLastSave)} changes since` : ''
  const aof = p.aofEnabled ? `, AOF on (last write ${p.aofLastWriteStatus ?? 'unknown'})` : ', AOF off'
  return rdb + changes + aof
}

function replicationRows(nodes: readonly RedisNodeRow[]): string[][] {
  const rows: string[][] = []
  for (const node of nodes) {
    if (node.primaryLink) {
      const l = node.primaryLink
      const lag =
        l.status === 'down'
          ? l.downSinceSeconds !== null && l.downSinceSeconds >= 0
            ? `down for ${formatDuration(l.downSinceSeconds)}`
            : 'down'
          : l.lastIoSecondsAgo !== null
            ? `last heard ${formatDuration(l.lastIoSecondsAgo)} ago`
            : '–'
      rows.push([node.address, `primary ${l.address}`, l.status ?? 'unknown', lag])
    }
    for (const r of node.replicaLinks) {
      const lag =
        [
          r.lagSeconds !== null ? `${r.lagSeconds} s` : null,
          r.behindBytes !== null && r.behindBytes >= 1024 * 1024 ? `${formatBytes(r.behindBytes)} behind` : null,
        ]
          .filter(Boolean)
          .join(', ') || '–'
      rows.push([node.address, `replica ${r.address}`, r.state ?? 'unknown', lag])
    }
  }
  return rows
}

function maxText(maxBytes: number | null): string {
  return maxBytes === null ? 'unknown' : maxBytes === 0 ? 'none (no limit)' : formatBytes(maxBytes)
}

function histogramText(kind: string, buckets: readonly KeySizeBucket[]): string {
  const bytes = kind.endsWith('_sizes')
  return buckets.map((b) => `${bytes ? formatBytes(b.from).replace('.0 ', ' ') : formatCount(b.from)}: ${formatCount(b.count)}`).join(', ')
}
