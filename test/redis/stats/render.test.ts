import {describe, expect, it} from 'vitest'
import {runRedisStatsChecks} from '../../../src/core/redis/stats/checks.js'
import {redisStatsFigures} from '../../../src/core/redis/stats/figures.js'
import type {NodeStats} from '../../../src/core/redis/stats/node-stats.js'
import {defaultRedisStatsThresholds} from '../../../src/core/redis/stats/options.js'
import type {RedisStatsView} from '../../../src/core/redis/stats/view.js'
import {buildReport} from '../../../src/core/report/report.js'
import type {RedisScanFigures, RedisSection, Report} from '../../../src/core/report/types.js'
import {renderJson} from '../../../src/render/json.js'
import {renderMarkdown} from '../../../src/render/markdown.js'
import {renderText} from '../../../src/render/text.js'
import {expectGolden} from '../../helpers/golden.js'
import {expectValidReport} from '../../helpers/schema.js'
import {nodeFromFixture} from './fixtures.js'

const now = new Date('2026-11-28T18:00:00.000Z')

function report(view: RedisStatsView): Report {
  const section = {status: 'analyzed' as const, stats: redisStatsFigures(view)}
  return buildReport({results: [{key: 'redis', section, findings: runRedisStatsChecks(view, defaultRedisStatsThresholds)}], now})
}

/** Three primaries of one cluster: the captured 7.2 node and two siblings with their own figures. */
function clusterView(): RedisStatsView {
  const base = nodeFromFixture('redis-7.2.4-cluster-primary.info', '10.0.2.1:7000')
  const sibling = (address: string, usedBytes: number, evicted: number, replicaState: string): NodeStats => {
    const n = structuredClone(base)
    n.address = address
    n.memory.usedBytes = usedBytes
    n.evictedKeys = evicted
    n.replication.replicas = n.replication.replicas
      .slice(0, 1)
      .map((r) => ({...r, address: address.replace(/:7000$/, ':7003'), state: replicaState}))
    n.replication.connectedReplicas = 1
    return n
  }
  return {
    mode: 'cluster',
    nodes: [base, sibling('10.0.2.2:7000', 2_900_000_000, 0, 'online'), sibling('10.0.2.3:7000', 3_500_000_000, 0, 'online')],
  }
}

describe('the Redis stats section in text, Markdown and JSON', () => {
  it('a cluster: per-node table, replication table, one finding per id naming the nodes (golden)', () => {
    const r = report(clusterView())
    const text = renderText(r, {color: false})
    expect(text).toContain('Nodes')
    expect(text).toContain('10.0.2.3:7000')
    expectGolden('redis-stats/cluster.txt', text)
    expectGolden('redis-stats/cluster.md', renderMarkdown(r))
    expectGolden('redis-stats/cluster.json', renderJson(r))
  })

  it('a lone Redis 6 primary with six problems (golden)', () => {
    const r = report({mode: 'standalone', nodes: [nodeFromFixture('redis-6.2.14-lone-primary.info', '10.0.0.5:6379')]})
    expect(r.status).toBe('critical')
    const text = renderText(r, {color: false})
    expect(text).not.toContain('Nodes\n') // one node: no per-node table
    expectGolden('redis-stats/lone-primary.txt', text)
    expectGolden('redis-stats/lone-primary.md', renderMarkdown(r))
    expectGolden('redis-stats/lone-primary.json', renderJson(r))
  })

  it('a replica whose link is down, and Redis 8 key sizes (golden)', () => {
    expectGolden(
      'redis-stats/replica-link-down.txt',
      renderText(report({mode: 'standalone', nodes: [nodeFromFixture('redis-5.0.14-replica-link-down.info', '10.0.0.12:6379')]}), {
        color: false,
      }),
    )
    const md = renderMarkdown(report({mode: 'standalone', nodes: [nodeFromFixture('redis-8.2.1-standalone.info', '10.0.0.8:6379')]}))
    expect(md).toContain('**Key sizes (db0, INFO keysizes)**')
    expectGolden('redis-stats/redis-8-keysizes.md', md)
  })

  it('JSON is valid against the schema and keeps every figure', () => {
    const r = report(clusterView())
    const parsed = JSON.parse(renderJson(r)) as Report
    expectValidReport(parsed)
    const {stats, ...status} = r.sources.redis as RedisSection
    expect(parsed.sources.redis).toEqual(JSON.parse(JSON.stringify({...status, ...stats})))
  })

  it('JSON shows the stats and the scan figures side by side in sources.redis (CONTRACT.md), text shows stats only when present', () => {
    const stats = report(clusterView()).sources.redis as RedisSection
    const scan = {keysScanned: 10, sessions: 8} as RedisScanFigures
    const both = buildReport({results: [{key: 'redis', section: {...stats, scan}, findings: []}], now})
    const flat = JSON.parse(renderJson(both)).sources.redis
    expect(flat).toMatchObject({status: 'analyzed', mode: 'cluster', keysScanned: 10, sessions: 8})
    expect(flat).not.toHaveProperty('stats')
    expect(flat).not.toHaveProperty('scan')
    const statsOnly = renderText(report(clusterView()), {color: false})
    expect(statsOnly).toContain('Eviction policy')
    expect(statsOnly).not.toContain('Keys scanned')
  })
})
