/**
 * The ClickHouse folds against the file reader on generated logs: sessions that overlap for one client
 * (the one it opened before is still in use when it opens another), ids used from several clients,
 * requests without a route or served elsewhere, idle gaps near the lost-session and session-timeout
 * limits, and ties within a second. Every figure of the section must agree.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {analyzeClickHouseAccessLog} from '../../src/core/access-log/clickhouse/index.js'
import {type AccessLogSection, analyzeAccessLogs} from '../../src/core/access-log/index.js'
import {clickhouseInstalled, startClickHouse, type TestClickHouse} from '../helpers/clickhouse-server.js'
import {loadTable, MAP, NOT_COMPARABLE, rowsOf} from './load.js'

const FORMAT = '%h %l %u %{sec}t "%r" %>s %b "%{User-Agent}i" "%{JSESSIONID}C" %{BALANCER_WORKER_ROUTE}e'
const ROUTES = ['node1', 'node2', 'node3']
const window = {since: new Date('2000-01-01T00:00:00Z'), until: new Date('2100-01-01T00:00:00Z')}

/**
 * Seconds between requests: none (a tie), a few, around the 5-minute lost-session gap, around the
 * 30-minute session timeout, and far past the eviction time. Never between the eviction time (35 min)
 * and the file reader's next sweep, where it forgets an idle session a little later than the SQL does.
 */
const step = fc.oneof(
  fc.constant(0),
  fc.integer({min: 1, max: 30}),
  fc.integer({min: 295, max: 305}),
  fc.integer({min: 1795, max: 1805}),
  fc.integer({min: 3 * 3600, max: 4 * 3600}),
)

const request = fc.record({
  step,
  /** Which session: an earlier one (by index, modulo) or, when null, a new one. */
  session: fc.option(fc.nat(), {nil: null, freq: 3}),
  /** Whose client: the session's own, or another of the four. */
  client: fc.option(fc.integer({min: 0, max: 3}), {nil: null, freq: 3}),
  /** Served by: the session's home, another route, or no route logged. */
  served: fc.constantFrom('home', 'home', 'home', 'other', 'none'),
  withSuffix: fc.boolean(),
})

/** The file reader forgets an idle session at its next sweep (every 7.5 min), the SQL as soon as it is idle 35 min. */
const EVICT_SECONDS = 35 * 60
const SWEEP_SECONDS = 450

/**
 * The log's text, and whether it holds what the two readers say differently by nature: a session idle
 * between the eviction time and the sweep after it, or a worker column that is never filled (a table
 * cannot tell it from a column the log does not have).
 */
function logOf(requests: Array<typeof request extends fc.Arbitrary<infer R> ? R : never>): {text: string; differsByNature: boolean} {
  const sessions: Array<{id: string; home: number; client: number; lastSeen: number}> = []
  let differsByNature = requests.every((r) => r.served === 'none')
  let t = 1_796_515_200
  const lines: string[] = []
  requests.forEach((r, i) => {
    t += r.step
    if (r.session === null || sessions.length === 0)
      sessions.push({id: (i + 1).toString(16).toUpperCase().padStart(32, 'A'), home: i % 3, client: r.client ?? i % 4, lastSeen: t})
    const s = r.session === null ? sessions.at(-1)! : sessions[r.session % sessions.length]!
    if (t - s.lastSeen > EVICT_SECONDS && t - s.lastSeen <= EVICT_SECONDS + 2 * SWEEP_SECONDS) differsByNature = true
    s.lastSeen = t
    const client = r.client ?? s.client
    const worker = r.served === 'home' ? ROUTES[s.home] : r.served === 'other' ? ROUTES[(s.home + 1) % 3] : '-'
    const cookie = r.withSuffix ? `${s.id}.${ROUTES[s.home]}` : s.id
    lines.push(`10.0.0.${client} - - ${t} "GET /app/${i} HTTP/1.1" 200 512 "agent ${client % 2}" "${cookie}" ${worker}`)
  })
  return {text: `${lines.join('\n')}\n`, differsByNature}
}

function comparable(section: AccessLogSection): Record<string, unknown> {
  const copy: Record<string, unknown> = {...section}
  for (const key of NOT_COMPARABLE) delete copy[key]
  return copy
}

describe.skipIf(!clickhouseInstalled)('ClickHouse folds = file reader, generated logs', () => {
  let server: TestClickHouse
  let dir: string
  beforeAll(async () => {
    server = await startClickHouse()
    dir = mkdtempSync(join(tmpdir(), 'sessdoc-ch-property-'))
  }, 60_000)
  afterAll(async () => {
    await server?.stop()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('every figure agrees', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(request, {minLength: 1, maxLength: 60}), async (requests) => {
        const log = logOf(requests)
        fc.pre(!log.differsByNature)
        const path = join(dir, `access-${++run}.log`)
        writeFileSync(path, log.text)
        const options = {window, redact: {}, logFormat: FORMAT, workers: ROUTES}
        const file = (await analyzeAccessLogs({paths: [path], parallel: false, ...options})).section as AccessLogSection
        await loadTable(server, 'gen', `t${run}`, rowsOf(path, options).tsv)
        const url = `clickhouse://127.0.0.1:${server.httpPort}/gen.t${run}`
        const viaClickHouse = await analyzeClickHouseAccessLog(url, {paths: [url], ...options}, {map: MAP, env: {}})
        expect(viaClickHouse.section.status).toBe('analyzed')
        expect(comparable(viaClickHouse.section as AccessLogSection)).toEqual(comparable(file))
      }),
      {numRuns: 40},
    )
  }, 120_000)
})
