import {describe, expect, it} from 'vitest'
import {flipsAfterRestart, redisErrorsLogouts} from '../../src/core/diagnose/correlate.js'
import {gatherEvidence} from '../../src/core/diagnose/evidence.js'
import {rankCauses} from '../../src/core/diagnose/playbooks.js'
import {strategyFit} from '../../src/core/diagnose/strategy.js'
import {correlationThresholds} from '../../src/core/diagnose/thresholds.js'
import {mergeTimeline} from '../../src/core/diagnose/timeline.js'
import {makeFinding} from '../../src/core/report/report.js'
import type {AccessLogSection, Report} from '../../src/core/report/types.js'
import {accessLogSection, redisSection, startup, tomcatLogSection} from '../helpers/sections.js'

const t = {...correlationThresholds}
const at = (hhmm: string): string => `2026-11-28T${hhmm}:00.000Z`

/** An access timeline of one-minute buckets from 10:00, with flips / churn planted where asked. */
function accessSection(
  minutes: number,
  plant: Record<string, {flips?: number; churn?: number}>,
  extra: Partial<AccessLogSection> = {},
): AccessLogSection {
  const timeline = Array.from({length: minutes}, (_, i) => {
    const start = new Date(Date.parse(at('10:00')) + i * 60_000).toISOString()
    const hhmm = start.slice(11, 16)
    return {start, requests: 100, flips: plant[hhmm]?.flips ?? 0, newSessions: 5, churn: plant[hhmm]?.churn ?? 0}
  })
  const routeFlips = timeline.reduce((n, b) => n + b.flips, 0)
  return accessLogSection({
    timeline,
    routeFlips,
    sessions: 500,
    sessionsWithFlips: routeFlips,
    routes: {node1: 3000, node2: 3000},
    flipsByRoutePair: {'node1→node2': routeFlips},
    ...extra,
  })
}

function report(sources: Report['sources'], findings: Report['findings'] = []): Pick<Report, 'sources' | 'findings'> {
  return {sources, findings}
}

describe('correlation.flips-after-restart', () => {
  it('fires when flips cluster right after a restart, and names the node and the share', () => {
    const evidence = gatherEvidence(
      report({
        accessLog: accessSection(60, {'10:20': {flips: 30}, '10:22': {flips: 10}, '10:50': {flips: 2}}),
        tomcatLog: tomcatLogSection({lifecycle: [startup(at('10:19'), 'node1')]}),
      }),
    )
    const [finding] = flipsAfterRestart(evidence, t)
    expect(finding?.id).toBe('correlation.flips-after-restart')
    expect(finding?.evidence).toMatchObject({flipsInWindows: 40, totalFlips: 42, share: 0.952})
    expect(finding?.severity).toBe('critical')
    expect(finding?.detail).toContain('node node1')
  })

  it('stays quiet when flips are spread evenly, restarts or not', () => {
    const plant = Object.fromEntries(Array.from({length: 60}, (_, i) => [`10:${String(i).padStart(2, '0')}`, {flips: 1}]))
    const evidence = gatherEvidence(
      report({accessLog: accessSection(60, plant), tomcatLog: tomcatLogSection({lifecycle: [startup(at('10:30'))]})}),
    )
    expect(flipsAfterRestart(evidence, t)).toEqual([])
  })

  /** One-minute buckets from 10:00 with flips planted by the route the sessions moved away from. */
  function flipsFrom(minutes: number, plant: Record<string, Record<string, number>>, extra: Partial<AccessLogSection> = {}) {
    const flips = Object.fromEntries(
      Object.entries(plant).map(([hhmm, from]) => [hhmm, {flips: Object.values(from).reduce((a, b) => a + b, 0)}]),
    )
    const section = accessSection(minutes, flips, extra)
    section.timeline = section.timeline.map((b) => {
      const from = plant[b.start.slice(11, 16)]
      return from ? {...b, flipsFrom: from} : b
    })
    return section
  }
  const shutdown = (time: string, node: string) => ({...startup(time, node), kind: 'shutdown' as const, detail: 'Stopping service'})
  const restartsOf = (finding: ReturnType<typeof flipsAfterRestart>[number] | undefined) => {
    if (!finding) throw new Error('no correlation.flips-after-restart finding')
    return (finding.evidence as {restarts: Array<{time: string; kind: string; node: string; flips: number}>}).restarts
  }

  it('puts each flip on the nearest start or stop of the node the session came from, never on the day’s first start of another', () => {
    // All three nodes start at 10:00; node2 is restarted at 10:05/10:06 without draining: its sessions flip at 10:06-10:08.
    const lifecycle = [
      startup(at('10:00'), 'node1'),
      startup(at('10:00'), 'node2'),
      startup(at('10:00'), 'node3'),
      shutdown(at('10:05'), 'node2'),
      startup(at('10:06'), 'node2'),
    ]
    const evidence = gatherEvidence(
      report({
        // The 10:02 flip (before node2's stop) is nobody's: the 10:00 starts began the day, they restarted nothing.
        accessLog: flipsFrom(30, {'10:02': {node2: 1}, '10:06': {node2: 6}, '10:07': {node2: 4}, '10:08': {node2: 2}}),
        tomcatLog: tomcatLogSection({lifecycle}),
      }),
    )
    const [finding] = flipsAfterRestart(evidence, t)
    expect(finding?.detail).toMatch(/The worst: startup at 2026-11-28T10:06:00.000Z \(node node2\), followed by 12 flips/)
    expect(finding?.evidence).toMatchObject({flipsInWindows: 12, totalFlips: 13})
    expect(restartsOf(finding).map((r) => [r.time.slice(11, 16), r.kind, r.node, r.flips])).toEqual([
      ['10:00', 'startup', 'node1', 0],
      ['10:00', 'startup', 'node2', 0],
      ['10:00', 'startup', 'node3', 0],
      ['10:05', 'shutdown', 'node2', 0],
      ['10:06', 'startup', 'node2', 12],
    ])
  })

  it('keeps two restarts of one node two minutes apart as two (a crash loop), each with its own flips', () => {
    const lifecycle = [startup(at('10:10'), 'node1'), startup(at('10:12'), 'node1'), startup(at('10:11'), 'node2')]
    const evidence = gatherEvidence(
      report({
        accessLog: flipsFrom(30, {'10:10': {node1: 5}, '10:12': {node1: 3}, '10:13': {node1: 1}}),
        tomcatLog: tomcatLogSection({lifecycle}),
      }),
    )
    const [finding] = flipsAfterRestart(evidence, t)
    expect(finding?.evidence).toMatchObject({flipsInWindows: 9, totalFlips: 9})
    expect(restartsOf(finding).map((r) => [r.time.slice(11, 16), r.node, r.flips])).toEqual([
      ['10:10', 'node1', 5],
      ['10:11', 'node2', 0],
      ['10:12', 'node1', 4],
    ])
  })

  it('a flip away from tomcat1 (jvmRoute of node1, routeHomes) is node1’s; flips of a node with no event in reach blame nothing', () => {
    const lifecycle = [startup(at('10:20'), 'node1'), startup(at('10:21'), 'node3')]
    const accessLog = flipsFrom(
      40,
      {'10:21': {tomcat1: 6}, '10:22': {node2: 20}},
      {
        routeHomes: {tomcat1: {home: 'node1', from: 'log'}},
      },
    )
    const [finding] = flipsAfterRestart(gatherEvidence(report({accessLog, tomcatLog: tomcatLogSection({lifecycle})})), t)
    // node2's 20 flips have no start or stop of node2 near them: 6 of 26 is under the 30% share.
    expect(finding).toBeUndefined()
    const withNode2 = [...lifecycle, shutdown(at('10:22'), 'node2')]
    const [again] = flipsAfterRestart(gatherEvidence(report({accessLog, tomcatLog: tomcatLogSection({lifecycle: withNode2})})), t)
    expect(restartsOf(again).map((r) => [r.node, r.flips])).toEqual([
      ['node1', 6],
      ['node3', 0],
      ['node2', 20],
    ])
  })

  it('needs both sources', () => {
    const evidence = gatherEvidence(report({accessLog: accessSection(10, {'10:05': {flips: 50}})}))
    expect(flipsAfterRestart(evidence, t)).toEqual([])
  })
})

describe('correlation.redis-errors-logouts', () => {
  it('fires when churn falls in the minutes of Redis errors', () => {
    const evidence = gatherEvidence(
      report({
        accessLog: accessSection(60, {'10:30': {churn: 8}, '10:31': {churn: 6}, '10:05': {churn: 1}}),
        tomcatLog: tomcatLogSection({redisErrorsByMinute: [{minute: at('10:30'), count: 40}]}),
      }),
    )
    const [finding] = redisErrorsLogouts(evidence, t)
    expect(finding?.severity).toBe('critical')
    expect(finding?.evidence).toMatchObject({redisErrors: 40, churnInside: 14, churnOutside: 1})
  })

  it('stays quiet when the Redis errors come in calm minutes', () => {
    const evidence = gatherEvidence(
      report({
        accessLog: accessSection(60, {'10:50': {churn: 8}}),
        tomcatLog: tomcatLogSection({redisErrorsByMinute: [{minute: at('10:10'), count: 3}]}),
      }),
    )
    expect(redisErrorsLogouts(evidence, t)).toEqual([])
  })
})

describe('ranked causes', () => {
  it('ranks the cause with the strongest evidence first and says what was not checked', () => {
    const evidence = gatherEvidence(
      report({accessLog: accessSection(5, {'10:01': {flips: 3}})}, [
        makeFinding('access.route-flip', {detail: ''}),
        makeFinding('access.unknown-route', {detail: ''}),
      ]),
    )
    const logout = rankCauses(evidence).find((p) => p.symptom === 'Users keep getting logged out')!
    expect(logout.causes[0]?.cause).toMatch(/Sticky sessions/)
    expect(logout.causes[0]?.verdict).toBe('likely')
    const timeout = logout.causes.find((c) => c.cause.startsWith('Session timeout'))!
    expect(timeout.verdict).toBe('unknown')
    expect(timeout.missing.join(' ')).toMatch(/--redis/)
    const deploy = logout.causes.find((c) => c.cause.startsWith('A deploy'))!
    expect(deploy.verdict).toBe('unknown')
  })

  it('a source given but not analyzed is said so, not "not given"', () => {
    const evidence = gatherEvidence(report({accessLog: {status: 'error', reason: 'access.log: no such file'}}))
    const logout = rankCauses(evidence).find((p) => p.symptom === 'Users keep getting logged out')!
    const missing = logout.causes.flatMap((c) => c.missing)
    expect(missing).toContain('the access log was given but not analyzed (see its section)')
    expect(missing.join(' ')).not.toMatch(/no access log given/)
  })

  it('calls a checked cause without evidence unlikely', () => {
    const evidence = gatherEvidence(report({redis: redisSection({mode: 'standalone'})}))
    const explosion = rankCauses(evidence).find((p) => p.symptom.startsWith('Session explosion'))!
    expect(explosion.causes.every((c) => c.verdict === 'unlikely')).toBe(true)
  })
})

describe('correlation.strategy-fit', () => {
  it('warns when node-local sticky sessions serve five backends', () => {
    const routes = {n1: 100, n2: 100, n3: 100, n4: 100, n5: 100}
    const evidence = gatherEvidence(report({accessLog: accessSection(5, {}, {routes})}))
    const [finding] = strategyFit(evidence, t)
    expect(finding?.severity).toBe('warning')
    expect(finding?.evidence).toMatchObject({backends: 5, current: 'sticky', recommended: 'redis'})
  })

  it('is info when Redis holds the sessions of many backends and Redis is redundant', () => {
    const routes = {n1: 100, n2: 100, n3: 100, n4: 100, n5: 100, n6: 100}
    const evidence = gatherEvidence(
      report({accessLog: accessSection(5, {}, {routes}), redis: redisSection({mode: 'sentinel'}, {sessions: 900})}),
    )
    const [finding] = strategyFit(evidence, t)
    expect(finding?.severity).toBe('info')
    expect(finding?.evidence).toMatchObject({current: 'redis', recommended: 'redis'})
  })

  it('leaves a lone Redis primary to redis.no-redundancy: named, not repeated, and no advice to move to Redis (#19)', () => {
    const evidence = gatherEvidence(
      report({redis: redisSection({mode: 'standalone'}, {sessions: 10})}, [makeFinding('redis.no-redundancy', {detail: ''})]),
    )
    const [finding] = strategyFit(evidence, t)
    expect(finding?.severity).toBe('info')
    expect(finding?.detail).toMatch(/Redis itself has no failover: see redis.no-redundancy\.$/)
    expect(finding?.actions).toEqual([])
  })

  it('never advises moving sessions to Redis when they are in Redis already (#19)', () => {
    const routes = {n1: 100, n2: 100, n3: 100, n4: 100, n5: 100, n6: 100}
    const evidence = gatherEvidence(
      report({accessLog: accessSection(5, {}, {routes}), redis: redisSection({mode: 'standalone'}, {sessions: 900})}, [
        makeFinding('redis.no-redundancy', {detail: ''}),
      ]),
    )
    const [finding] = strategyFit(evidence, t)
    expect(finding?.detail).not.toMatch(/fits.*Does not fit/)
    expect(finding?.actions.join(' ')).not.toMatch(/shared store|replica/)
  })
})

describe('merged timeline', () => {
  it('puts flips, Redis errors and restarts in the same buckets', () => {
    const evidence = gatherEvidence(
      report({
        accessLog: accessSection(30, {'10:20': {flips: 7}}),
        tomcatLog: tomcatLogSection({lifecycle: [startup(at('10:19'))], redisErrorsByMinute: [{minute: at('10:20'), count: 4}]}),
      }),
    )
    const timeline = mergeTimeline(evidence)
    expect(timeline).toHaveLength(30)
    const bucket = timeline.find((b) => b.start === at('10:20'))
    expect(bucket).toMatchObject({flips: 7, redisErrors: 4, requests: 100})
    expect(timeline.find((b) => b.start === at('10:19'))?.restarts).toBe(1)
  })

  it('widens buckets to keep a long span short', () => {
    const evidence = gatherEvidence(
      report({tomcatLog: tomcatLogSection({lifecycle: [startup(at('00:00')), startup('2026-11-29T00:00:00.000Z')]})}),
    )
    const timeline = mergeTimeline(evidence)
    expect(timeline.length).toBeLessThanOrEqual(120)
    expect(timeline.reduce((n, b) => n + b.restarts, 0)).toBe(2)
  })
})
