import {describe, expect, it} from 'vitest'
import {sessionId} from '../../../fixtures/redis/load.mjs'
import {runScanChecks} from '../../../src/core/redis/scan/checks.js'
import {buildFigures} from '../../../src/core/redis/scan/figures.js'
import {makeClassifier} from '../../../src/core/redis/scan/presets.js'
import {type FollowUp, type NodeProgress, ScanState} from '../../../src/core/redis/scan/scan-state.js'
import {buildReport} from '../../../src/core/report/report.js'
import {render} from '../../../src/render/index.js'
import {expectGolden, goldenRun} from '../../helpers/golden.js'

/** A scan of two nodes, fed key by key: the figures, findings and output are then fixed. */
function plantedScan(): ReturnType<typeof buildFigures> & {findings: ReturnType<typeof runScanChecks>} {
  const classify = makeClassifier()
  const state = new ScanState(classify, 5, 1)
  const nodes: NodeProgress[] = ['10.0.0.1:6379', '10.0.0.2:6379'].map((address) => ({
    address,
    role: 'primary',
    keysScanned: 0,
    sessions: 0,
    sessionsWithoutTtl: 0,
    complete: true,
    probe: 'lua',
    lanes: 1,
    usedMemoryBytes: 50_000_000,
  }))
  state.nodes.push(...nodes)
  for (let i = 0; i < 400; i++) {
    const node = nodes[i % 2]!
    const id = sessionId('golden', i)
    const followUps: FollowUp[] = []
    const key = `spring:session:sessions:${id}`
    const withoutTtl = i < 40
    state.keysScanned++
    node.keysScanned++
    state.record(
      key,
      classify(key),
      withoutTtl ? -1 : 2_100_000 - i * 1000,
      i === 7 ? 250_000 : i < 30 ? 12_000 + i : 900 + i,
      node,
      followUps,
    )
    for (const f of followUps) if (f.kind === 'metadata') state.metadataRead(f, withoutTtl ? -1 : 1800, 1_764_000_000_000 - i * 60_000)
    if (!withoutTtl) {
      const expires = `spring:session:sessions:expires:${id}`
      state.keysScanned++
      node.keysScanned++
      state.record(expires, classify(expires), 1_800_000, -1, node, [])
    }
  }
  state.record(
    'spring:session:index:org.springframework.session.FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME:alice',
    classify('spring:session:index:x:alice'),
    -1,
    -1,
    nodes[0]!,
    [],
  )
  for (const n of nodes) n.keyspace = {keys: 400, expires: 380}
  const figures = buildFigures({
    state,
    db: 0,
    count: 1000,
    match: undefined,
    memorySampleRate: 1,
    durationMs: 2000,
    topN: 5,
    showSessionIds: false,
  })
  return {...figures, findings: runScanChecks(figures)}
}

describe('redis scan section and findings (golden)', () => {
  const {findings, ...figures} = plantedScan()
  const report = buildReport({
    results: [{key: 'redis', section: {status: 'analyzed', scan: figures}, findings}],
    now: new Date('2026-11-28T10:00:00Z'),
  })

  it('raises the planted findings with their severities', () => {
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['redis.no-ttl', 'critical'],
      ['redis.large-sessions', 'critical'],
    ])
    expect(figures.sessionsWithoutTtl).toBe(40)
    expect(figures.layouts['spring-session']!.timeout.noTtlNeverExpiring).toBe(40)
    expect(figures.expiryCheck).toMatchObject({keysWithoutExpiry: 40, sessionKeysWithoutTtl: 41, verdict: 'explained'})
  })

  it('redis.no-ttl: the exact --fix-ttl command with the stored maxInactiveInterval, once; index sets are not counted as sessions (#19)', () => {
    const noTtl = findings.find((f) => f.id === 'redis.no-ttl')!
    expect(noTtl.actions).toEqual([
      'Fix the store configuration so that every session gets a TTL',
      "Give the existing keys a TTL: sessdoc redis scan --preset spring-session --fix-ttl 1800 (1800 s is the maxInactiveInterval the sessions store), with this scan's --redis, --namespace or --pattern and connection flags, lists them (a dry run); add --yes to set the TTLs",
    ])
    expect(noTtl.detail).toContain(
      "41 of them are the session store's (100.0%): 40 sessions and 1 companion key (index and expiration sets, not sessions)",
    )
    expect(noTtl.detail).not.toMatch(/41 of them are session keys/)
  })

  it('renders the scan section as JSON (golden)', async () => {
    expectGolden('redis-scan/planted.json', await render(report, 'json', {}))
  })

  it.each(['text', 'markdown'] as const)('renders the scan section as %s', async (format) => {
    const output = await render(report, format, {color: false})
    expect(output).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/)
    expectGolden(`redis-scan/planted.${format}.md`, goldenRun(`sessdoc redis scan --format ${format}  (planted figures)`, output, null))
  })
})
