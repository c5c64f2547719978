import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import * as load from '../../fixtures/redis/load.mjs'
import {findingCatalog, findingIds} from '../../src/core/report/catalog.js'
import {buildReport, makeFinding} from '../../src/core/report/report.js'
import type {Report, Severity} from '../../src/core/report/types.js'
import {renderPrometheus} from '../../src/render/prometheus.js'
import {scanResult, statsResult} from '../helpers/redis-results.js'
import {startRedis, type TestRedis} from '../helpers/redis-server.js'
import {accessLogSection} from '../helpers/sections.js'
import {target} from '../redis/scan/helpers.js'

/** Every `name{labels}` series of the output with its value. */
function series(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    const match = /^(\w+(?:\{[^}]*\})?) (\S+)$/.exec(line)
    if (match) out.set(match[1]!, Number(match[2]))
  }
  return out
}

const redisIds = findingIds.filter((id) => findingCatalog[id].source === 'redis')

describe('Prometheus output exports only what was checked', () => {
  let server: TestRedis
  beforeAll(async () => {
    // No maxmemory: redis stats raises redis.no-maxmemory, a scan cannot tell.
    server = await startRedis()
    const client = server.client()
    await client.connect()
    await load.loadSpring(client, {sessions: 20, noTtl: 2, large: 0, huge: 0, users: 2})
    client.disconnect()
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('redis scan: the scan findings, no series for a stats check it never ran', async () => {
    const metrics = series(renderPrometheus(buildReport({results: [await scanResult(target(server.url))]})))
    expect(metrics.get('sessdoc_findings{id="redis.no-ttl"}')).toBe(1)
    expect(metrics.get('sessdoc_findings{id="redis.short-ttl"}')).toBe(0)
    for (const id of ['redis.no-maxmemory', 'redis.memory-pressure', 'redis.eviction-policy', 'redis.no-persistence'])
      expect(metrics.has(`sessdoc_findings{id="${id}"}`), id).toBe(false)
    expect([...metrics.keys()].some((k) => k.includes('correlation.'))).toBe(false)
  })

  it('redis stats: the stats findings, no series for the scan checks', async () => {
    const metrics = series(renderPrometheus(buildReport({results: [await statsResult(target(server.url))]})))
    expect(metrics.get('sessdoc_findings{id="redis.no-maxmemory"}')).toBe(1)
    expect(metrics.get('sessdoc_finding_severity{id="redis.no-maxmemory"}')).toBe(2)
    expect(metrics.get('sessdoc_findings{id="redis.memory-pressure"}')).toBe(0)
    expect(metrics.has('sessdoc_findings{id="redis.no-ttl"}')).toBe(false)
  })

  it('names follow the exposition conventions: a counter ends in _total, a ratio in _ratio (#19)', async () => {
    const text = renderPrometheus(buildReport({results: [await statsResult(target(server.url))]}))
    expect(text).toMatch(/^# TYPE sessdoc_redis_evicted_keys_total counter\nsessdoc_redis_evicted_keys_total 0$/m)
    expect(text).toMatch(/^# TYPE sessdoc_redis_hit_rate_ratio gauge\nsessdoc_redis_hit_rate_ratio [0-9.]+$/m)
    expect(text).not.toMatch(/^sessdoc_redis_(evicted_keys|hit_rate) /m)
    // Every counter ends in _total and nothing else does; every metric has its HELP and TYPE.
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) expect(name!.endsWith('_total'), name).toBe(type === 'counter')
    const names = new Set([...text.matchAll(/^(sessdoc_\w+)/gm)].map((m) => m[1]))
    for (const name of names) expect(text).toContain(`# HELP ${name} `)
  })

  it('a source not analyzed exports no finding series; the source is down', () => {
    const report = buildReport({results: [{key: 'redis', section: {status: 'error', reason: 'refused'}, findings: []}]})
    const metrics = series(renderPrometheus(report))
    expect(redisIds.some((id) => metrics.has(`sessdoc_findings{id="${id}"}`))).toBe(false)
    expect(metrics.get('sessdoc_source_up{source="redis"}')).toBe(0)
  })

  it('diagnose with an access log only: the correlations that need the app log too are not exported as checked', () => {
    const report = buildReport({results: [{key: 'accessLog', section: accessLogSection({}), findings: []}]})
    report.diagnosis = {inputs: [], playbooks: [], timeline: []}
    const metrics = series(renderPrometheus(report))
    expect(metrics.has('sessdoc_findings{id="correlation.flips-after-restart"}')).toBe(false)
    expect(metrics.has('sessdoc_findings{id="correlation.redis-errors-logouts"}')).toBe(false)
    expect(metrics.get('sessdoc_findings{id="correlation.strategy-fit"}')).toBe(0)
  })
})

describe('a finding keeps its series when its severity changes', () => {
  const reportAt = (severity: Severity): Report =>
    buildReport({
      results: [
        {
          key: 'redis',
          section: {status: 'analyzed', checked: ['redis.no-ttl']},
          findings: [makeFinding('redis.no-ttl', {detail: 'sessions without TTL', severity})],
        },
      ],
    })

  it('warning then critical: the same series identities, the severity is a value', () => {
    const warning = series(renderPrometheus(reportAt('warning')))
    const critical = series(renderPrometheus(reportAt('critical')))
    const findingSeries = (m: Map<string, number>) => [...m.keys()].filter((k) => k.startsWith('sessdoc_finding'))
    expect(findingSeries(critical)).toEqual(findingSeries(warning))
    expect(findingSeries(warning)).toEqual(['sessdoc_findings{id="redis.no-ttl"}', 'sessdoc_finding_severity{id="redis.no-ttl"}'])
    expect(warning.get('sessdoc_finding_severity{id="redis.no-ttl"}')).toBe(2)
    expect(critical.get('sessdoc_finding_severity{id="redis.no-ttl"}')).toBe(3)
    expect(critical.get('sessdoc_findings{id="redis.no-ttl"}')).toBe(1)
  })

  it('checked and fine: count 0, severity 0', () => {
    const report = buildReport({results: [{key: 'redis', section: {status: 'analyzed', checked: ['redis.no-ttl']}, findings: []}]})
    const metrics = series(renderPrometheus(report))
    expect(metrics.get('sessdoc_findings{id="redis.no-ttl"}')).toBe(0)
    expect(metrics.get('sessdoc_finding_severity{id="redis.no-ttl"}')).toBe(0)
  })
})
