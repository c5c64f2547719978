import {existsSync, readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {findingCatalog, findingIds} from '../../src/core/report/catalog.js'
import {exitCodeFor, type FailOn} from '../../src/core/report/exit-code.js'
import {buildReport, makeFinding, reportStatus, sortFindings} from '../../src/core/report/report.js'
import type {AnySection, Status} from '../../src/core/report/types.js'

describe('finding catalog', () => {
  // The contract lives in shared/, beside the checkout (CI lays a copy there too).
  const contractPath = new URL('../../../shared/CONTRACT.md', import.meta.url)
  it.skipIf(!existsSync(contractPath))('has every finding id of CONTRACT.md', () => {
    const contract = readFileSync(contractPath, 'utf8')
    const ids = [...contract.matchAll(/^\| `([a-z]+\.[a-z-]+)` \|/gm)].map((m) => m[1])
    expect(ids.length).toBeGreaterThan(30)
    for (const id of ids) expect(findingIds).toContain(id)
  })

  it.each(findingIds)('%s has a title, a why, and its source matches its id prefix', (id) => {
    const info = findingCatalog[id]
    expect(info.title.length).toBeGreaterThan(5)
    expect(info.why.length).toBeGreaterThan(10)
    const prefix = {
      'access-log': 'access',
      'tomcat-log': 'tomcat',
      redis: 'redis',
      config: 'config',
      correlation: 'correlation',
      'drain-status': 'drain',
      watch: 'watch',
    }[info.source]
    expect(id.startsWith(`${prefix}.`)).toBe(true)
  })
})

describe('makeFinding', () => {
  it('fills title, severity, causes and actions from the catalog, the check first', () => {
    const f = makeFinding('redis.no-ttl', {detail: '12 keys', actions: ['first do this'], evidence: {count: 12}})
    expect(f).toMatchObject({id: 'redis.no-ttl', source: 'redis', severity: 'warning', detail: '12 keys', evidence: {count: 12}})
    expect(f.actions[0]).toBe('first do this')
    expect(f.actions.length).toBe(1 + findingCatalog['redis.no-ttl'].actions.length)
  })

  it('lets the check raise the severity', () => {
    expect(makeFinding('redis.no-ttl', {detail: '', severity: 'critical'}).severity).toBe('critical')
  })
})

describe('sortFindings', () => {
  it('orders critical, warning, info, then by id', () => {
    const sorted = sortFindings([
      makeFinding('redis.no-ttl', {detail: '', severity: 'info'}),
      makeFinding('access.route-flip', {detail: ''}),
      makeFinding('redis.unreachable', {detail: ''}),
      makeFinding('access.missing-route', {detail: ''}),
      makeFinding('config.no-sticky', {detail: ''}),
    ])
    expect(sorted.map((f) => `${f.severity}:${f.id}`)).toEqual([
      'critical:config.no-sticky',
      'critical:redis.unreachable',
      'warning:access.missing-route',
      'warning:access.route-flip',
      'info:redis.no-ttl',
    ])
  })
})

describe('reportStatus', () => {
  const analyzed: AnySection = {status: 'analyzed'}
  const failed: AnySection = {status: 'error', reason: 'x'}
  it.each<[string, Parameters<typeof reportStatus>[0], AnySection[], Status]>([
    ['nothing found', [], [analyzed], 'ok'],
    ['a warning', [makeFinding('access.route-flip', {detail: ''})], [analyzed], 'warning'],
    ['info only', [makeFinding('correlation.strategy-fit', {detail: ''})], [analyzed], 'ok'],
    [
      'a critical among warnings',
      [makeFinding('access.route-flip', {detail: ''}), makeFinding('redis.unreachable', {detail: ''})],
      [analyzed],
      'critical',
    ],
    ['no source analyzed', [], [failed], 'unknown'],
    ['no source asked', [], [], 'unknown'],
    ['unreachable Redis alone is critical, not unknown', [makeFinding('redis.unreachable', {detail: ''})], [failed], 'critical'],
  ])('%s', (_name, findings, sections, expected) => {
    expect(reportStatus(findings, sections)).toBe(expected)
  })
})

describe('exitCodeFor', () => {
  it.each<[Status, FailOn, number]>([
    ['ok', 'warning', 0],
    ['ok', 'critical', 0],
    ['ok', 'never', 0],
    ['warning', 'warning', 1],
    ['warning', 'critical', 0],
    ['warning', 'never', 0],
    ['critical', 'warning', 2],
    ['critical', 'critical', 2],
    ['critical', 'never', 0],
    ['unknown', 'warning', 3],
    ['unknown', 'critical', 3],
    ['unknown', 'never', 3],
  ])('status %s with --fail-on %s exits %i', (status, failOn, code) => {
    expect(exitCodeFor({status}, failOn)).toBe(code)
  })
})

describe('buildReport', () => {
  it('produces the contract envelope', () => {
    const report = buildReport({
      results: [{key: 'redis', section: {status: 'analyzed'}, findings: [makeFinding('redis.evictions', {detail: '3'})]}],
      window: {since: new Date('2026-11-28T10:00:00Z'), until: null},
      now: new Date('2026-11-28T12:00:00Z'),
    })
    expect(report).toMatchObject({
      schemaVersion: 1,
      tool: {name: 'sessdoc'},
      generatedAt: '2026-11-28T12:00:00.000Z',
      status: 'warning',
      window: {since: '2026-11-28T10:00:00.000Z', until: null},
      sources: {redis: {status: 'analyzed'}},
    })
    expect(report.partial).toBeUndefined()
  })

  it('marks the report partial when a section is', () => {
    const report = buildReport({results: [{key: 'redis', section: {status: 'analyzed', partial: true}, findings: []}]})
    expect(report.partial).toBe(true)
  })
})
