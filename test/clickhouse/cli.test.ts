/**
 * The built binary against real clickhouse-servers (#20's "Done when"): `sessdoc diagnose --access-log
 * clickhouse://…` on the lab's logs loaded into a table equals `sessdoc diagnose --access-log FILE` figure
 * for figure, on one server, on two shards by cityHash64(session) and on two shards by rand(); the password
 * comes from SESSDOC_CLICKHOUSE_PASSWORD. `--map` and its usage errors, through the binary.
 */
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {
  CH_PASSWORD,
  CH_USER,
  clickhouseInstalled,
  startClickHouse,
  startTwoShards,
  type TestClickHouse,
} from '../helpers/clickhouse-server.js'
import {type CliRun, runCli} from '../helpers/run-cli.js'
import {MAP, NOT_COMPARABLE, rowsOf, TABLE_COLUMNS} from './load.js'

const fixture = (path: string) => fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url))
const window = ['--since', '2026-12-06T00:00:00Z', '--until', '2026-12-07T00:00:00Z']
const env = {SESSDOC_CLICKHOUSE_PASSWORD: CH_PASSWORD}

/** What differs by nature: NOT_COMPARABLE, and HAProxy's own fields a request table has no role for (termination states, DOWN/UP lines). */
const byNature = [...NOT_COMPARABLE, 'haproxyCookieStates', 'balancerEvents']

interface Lab {
  table: string
  dir: string
  log: string
  conf: string
  /** Times to the millisecond (HAProxy): a DateTime column holds seconds (18.16 has no DateTime64). */
  ms?: boolean
}

const labs: Lab[] = [
  {table: 'apache_restart', dir: 'lab/apache-restart', log: 'access.log', conf: 'httpd.conf'},
  {table: 'apache_mismatch', dir: 'lab/apache-jvmroute-mismatch', log: 'access.log', conf: 'httpd.conf'},
  {table: 'nginx_ip_hash', dir: 'lab/nginx-ip-hash', log: 'access.log', conf: 'nginx.conf'},
  {table: 'haproxy_prefix', dir: 'lab/haproxy-prefix', log: 'haproxy.log', conf: 'haproxy.cfg', ms: true},
  {table: 'haproxy_insert', dir: 'lab/haproxy-insert', log: 'haproxy.log', conf: 'haproxy.cfg', ms: true},
]

const toSecond = (iso: unknown) => (typeof iso === 'string' ? iso.replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.\d{3}Z$/, '$1.000Z') : iso)

/** The report with what cannot be the same by nature taken out (and, for a log in milliseconds, times to the second). */
function comparable(report: Record<string, unknown>, lab: Lab): Record<string, unknown> {
  const copy = structuredClone(report) as {
    generatedAt?: unknown
    durationMs?: unknown
    diagnosis?: {inputs?: unknown}
    sources: {accessLog: Record<string, unknown>}
    timeline?: Array<Record<string, unknown>>
  }
  delete copy.generatedAt
  delete copy.durationMs
  if (copy.diagnosis) delete copy.diagnosis.inputs
  const section = copy.sources.accessLog
  for (const key of byNature) delete section[key]
  return lab.ms ? toSeconds(copy) : copy
}

/** Every ISO time in a report to the second (flip samples, timelines, findings' evidence). */
function toSeconds<T>(value: T): T {
  if (Array.isArray(value)) return value.map(toSeconds) as T
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toSeconds(v)])) as T
  return toSecond(value) as T
}

function json(run: CliRun): Record<string, unknown> & {sources: {accessLog: Record<string, unknown>}} {
  if (run.stdout.trim() === '') throw new Error(`no report (exit ${run.code}): ${run.stderr}`)
  return JSON.parse(run.stdout)
}

/** A few binaries at once (2 shared cores: no more). */
async function inTurn<T>(tasks: Array<() => Promise<T>>, width = 2): Promise<T[]> {
  const out: T[] = new Array(tasks.length)
  let next = 0
  await Promise.all(
    Array.from({length: width}, async () => {
      while (next < tasks.length) {
        const i = next++
        out[i] = await tasks[i]!()
      }
    }),
  )
  return out
}

describe.skipIf(!clickhouseInstalled)('sessdoc (the binary) through ClickHouse = through the file', () => {
  let one: TestClickHouse
  let shards: Awaited<ReturnType<typeof startTwoShards>>
  const routeKinds = new Map<string, string>()
  const url = (server: TestClickHouse, table: string) => {
    const kind = routeKinds.get(table.replace(/_rand$/, ''))
    return `clickhouse://${CH_USER}@127.0.0.1:${server.httpPort}/logs.${table}${kind === 'route' ? '' : `?route_kind=${kind}`}`
  }

  beforeAll(async () => {
    ;[one, shards] = await Promise.all([startClickHouse(), startTwoShards()])
    for (const server of [one, ...shards.servers]) await server.query('CREATE DATABASE logs')
    for (const lab of labs) {
      const {tsv, routeKind} = rowsOf(fixture(`${lab.dir}/${lab.log}`))
      routeKinds.set(lab.table, routeKind)
      await one.query(`CREATE TABLE logs.${lab.table} (${TABLE_COLUMNS}) ENGINE = MergeTree() ORDER BY (ts, seq)`)
      await one.query(`INSERT INTO logs.${lab.table} FORMAT TabSeparated`, tsv)
      for (const s of shards.servers) {
        await s.query(`CREATE TABLE logs.${lab.table}_local (${TABLE_COLUMNS}) ENGINE = MergeTree() ORDER BY (ts, seq)`)
        await s.query(
          `CREATE TABLE logs.${lab.table} (${TABLE_COLUMNS}) ENGINE = Distributed(sessdoc_two_shards, logs, ${lab.table}_local, cityHash64(jsessionid))`,
        )
        await s.query(
          `CREATE TABLE logs.${lab.table}_rand (${TABLE_COLUMNS}) ENGINE = Distributed(sessdoc_two_shards, logs, ${lab.table}_local, rand())`,
        )
      }
      // Inserted through the table sharded by the session, synchronously; the rand() table reads the same shards.
      const insert = `INSERT INTO logs.${lab.table} FORMAT TabSeparated`
      const response = await fetch(`${shards.servers[0].base}/?insert_distributed_sync=1&query=${encodeURIComponent(insert)}`, {
        method: 'POST',
        body: tsv,
      })
      if (!response.ok) throw new Error(await response.text())
    }
  }, 90_000)
  afterAll(async () => {
    await Promise.all([one?.stop(), shards?.stop()])
  })

  it('diagnose --access-log clickhouse://… equals the file-based report figure for figure (the lab, one server and two shards)', async () => {
    const diagnose = (lab: Lab, access: string, ...more: string[]) =>
      runCli(
        [
          'diagnose',
          '--access-log',
          access,
          ...more,
          '--apache-conf',
          fixture(`${lab.dir}/${lab.conf}`),
          ...window,
          '--json',
          '--fail-on',
          'never',
        ],
        {env},
      )
    const where = (lab: Lab) => [
      ['one server', url(one, lab.table)],
      ['two shards by cityHash64(session)', url(shards.servers[1], lab.table)],
      ['two shards by rand()', url(shards.servers[0], `${lab.table}_rand`)],
    ]
    const tasks = labs.flatMap((lab) => [
      () => diagnose(lab, fixture(`${lab.dir}/${lab.log}`)),
      ...where(lab).map(
        ([, u]) =>
          () =>
            diagnose(lab, u!, '--map', MAP),
      ),
    ])
    const runs = await inTurn(tasks)
    let i = 0
    for (const lab of labs) {
      const fileRun = runs[i++]!
      expect(fileRun.code, fileRun.stderr).toBe(0)
      const file = json(fileRun)
      const truth = JSON.parse(readFileSync(fixture(`${lab.dir}/truth.json`), 'utf8'))
      for (const [name] of where(lab)) {
        const run = runs[i++]!
        expect(run.code, `${lab.table}, ${name}: ${run.stderr}${run.stdout.slice(0, 2000)}`).toBe(0)
        const report = json(run)
        expect(report.sources.accessLog.status, `${lab.table}, ${name}`).toBe('analyzed')
        const expected = comparable(file, lab)
        expect(comparable(report, lab), `${lab.table}, ${name}`).toEqual(expected)
        const section = report.sources.accessLog
        expect(
          [section.sessions, section.routeFlips, section.sessionsWithFlips, section.misroutedRequests, section.sessionsLost],
          `${lab.table}, ${name}: the users' own record`,
        ).toEqual([truth.sessions, truth.routeFlips, truth.sessionsWithFlips, truth.misroutedRequests, truth.sessionsLost])
      }
    }
  }, 120_000)

  it('access-log clickhouse://… prints the same text report as the file, bar the source lines', async () => {
    const lab = labs[0]!
    const [file, table] = await Promise.all([
      runCli(['access-log', fixture(`${lab.dir}/${lab.log}`), ...window, '--fail-on', 'never'], {env}),
      runCli(['access-log', url(shards.servers[1], lab.table), '--map', MAP, ...window, '--fail-on', 'never'], {env}),
    ])
    expect(table.code, table.stderr).toBe(file.code)
    expect(table.stdout).toMatch(/Route flips\s+│ 4 in 4 sessions/)
    // The same report but its Format row (the log's format, the table's name).
    const figures = (text: string) => text.replace(/│ Format .*\n/, '')
    expect(figures(table.stdout)).toBe(figures(file.stdout))
    expect(table.stdout + table.stderr).not.toContain(CH_PASSWORD)
  })

  it('a bad --map is a usage error that names the role and what to write', async () => {
    const u = url(one, labs[0]!.table)
    const [role, column, empty, file, wrongPassword] = await Promise.all([
      runCli(['access-log', u, '--map', 'time=ts,sesion=jsessionid'], {env}),
      runCli(['access-log', u, '--map', 'time=tss'], {env}),
      runCli(['access-log', u, '--map', 'time=ts,route='], {env}),
      runCli(['access-log', fixture('lab/apache-restart/access.log'), '--map', 'time=ts'], {env}),
      runCli(['access-log', u, '--map', MAP, ...window], {env: {SESSDOC_CLICKHOUSE_PASSWORD: 'nope'}}),
    ])
    expect([role.code, column.code, empty.code, file.code]).toEqual([3, 3, 3, 3])
    expect(role.stderr).toContain("--map: unknown role 'sesion' (did you mean 'session'?)")
    expect(role.stderr).toContain('--map session=jsessionid')
    expect(column.stderr).toContain("has no column 'tss' (for time): did you mean 'ts'?")
    expect(column.stderr).toContain('--map time=ts')
    expect(empty.stderr).toContain("'route=' names no column for route")
    expect(file.stderr).toMatch(/--map names the columns of a ClickHouse table/)
    expect(wrongPassword.code).toBe(3)
    expect(wrongPassword.stderr).toMatch(/password|Authentication/i)
    expect(wrongPassword.stderr).not.toContain(CH_PASSWORD)
  })

  it('diagnose takes the map from the config file (accessLog.map as a mapping; a typo of a role is named)', async () => {
    const {mkdtempSync, writeFileSync} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const {join} = await import('node:path')
    const dir = mkdtempSync(join(tmpdir(), 'sessdoc-ch-config-'))
    const config = join(dir, 'sessdoc.config.yml')
    const mapping = MAP.split(',')
      .map((p) => `    ${p.replace('=', ': ')}`)
      .join('\n')
    writeFileSync(config, `accessLog:\n  paths: ['${url(one, labs[0]!.table)}']\n  map:\n${mapping}\n`)
    const bad = join(dir, 'bad.yml')
    writeFileSync(bad, `accessLog:\n  paths: ['${url(one, labs[0]!.table)}']\n  map: {tme: ts}\n`)
    const [good, typo] = await Promise.all([
      runCli(['diagnose', '--config', config, ...window, '--json', '--fail-on', 'never'], {env}),
      runCli(['diagnose', '--config', bad, ...window, '--json', '--fail-on', 'never'], {env}),
    ])
    expect(good.code, good.stderr).toBe(0)
    expect(json(good).sources.accessLog).toMatchObject({status: 'analyzed', routeFlips: 4, sessionsLost: 4, formatSource: 'flag'})
    expect(typo.code).toBe(3)
    expect(typo.stdout + typo.stderr).toContain("accessLog.map: unknown role 'tme' (did you mean 'time'?)")
  })
})
