/**
 * The ClickHouse source against the file reader: the same lines, loaded into a real clickhouse-server
 * (Debian's 18.16), give the same section figure for figure, on one server and on a Distributed
 * table over two shards.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {DEFAULT_LIMITS, query} from '../../src/core/access-log/clickhouse/client.js'
import {analyzeClickHouseAccessLog} from '../../src/core/access-log/clickhouse/index.js'
import {type FoldContext, idGroupsSql} from '../../src/core/access-log/clickhouse/queries.js'
import {clickhouseTarget} from '../../src/core/access-log/clickhouse/target.js'
import {type AccessLogOptions, type AccessLogSection, analyzeAccessLogs} from '../../src/core/access-log/index.js'
import {clickhouseInstalled, startClickHouse, startTwoShards, type TestClickHouse} from '../helpers/clickhouse-server.js'
import {loadTable, MAP, NOT_COMPARABLE, rowsOf, TABLE_COLUMNS} from './load.js'

if (!clickhouseInstalled)
  console.log('ClickHouse tests skipped: clickhouse-server is not installed (apt-get install clickhouse-server clickhouse-client)')

const fixture = (path: string) => fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url))
const window = {since: new Date('2000-01-01T00:00:00Z'), until: new Date('2100-01-01T00:00:00Z')}

function comparable(section: AccessLogSection): Record<string, unknown> {
  const copy: Record<string, unknown> = {...section}
  for (const key of NOT_COMPARABLE) delete copy[key]
  copy.flipSamples = section.flipSamples.map((s) => ({...s}))
  return copy
}

const cases: Array<[string, string, Partial<AccessLogOptions>]> = [
  ['apache-restart', 'lab/apache-restart/access.log', {}],
  ['apache_mismatch', 'lab/apache-jvmroute-mismatch/access.log', {}],
  ['nginx_ip_hash', 'lab/nginx-ip-hash/access.log', {}],
  ['balancer', 'access-log/apache-balancer.log', {}],
  ['nginx', 'access-log/nginx.log', {}],
  ['cookie', 'access-log/apache-cookie.log', {workers: ['node1', 'node2']}],
]

describe.skipIf(!clickhouseInstalled)('ClickHouse source = file reader', () => {
  let one: TestClickHouse
  let shards: Awaited<ReturnType<typeof startTwoShards>>
  const loaded = new Map<string, {routeKind: 'route' | 'upstream' | 'server'; file: AccessLogSection}>()

  beforeAll(async () => {
    ;[one, shards] = await Promise.all([startClickHouse(), startTwoShards()])
    for (const [name, path, extra] of cases) {
      const {tsv, routeKind} = rowsOf(fixture(path), extra)
      const file = (await analyzeAccessLogs({paths: [fixture(path)], window, redact: {}, parallel: false, ...extra}))
        .section as AccessLogSection
      loaded.set(name, {routeKind, file})
      await loadTable(one, 'logs', name.replace(/-/g, '_'), tsv)
      for (const s of shards.servers) {
        await s.query('CREATE DATABASE IF NOT EXISTS logs')
        await s.query(`CREATE TABLE logs.${name.replace(/-/g, '_')}_local (${TABLE_COLUMNS}) ENGINE = MergeTree() ORDER BY (ts, seq)`)
        await s.query(
          `CREATE TABLE logs.${name.replace(/-/g, '_')} (${TABLE_COLUMNS}) ENGINE = Distributed(sessdoc_two_shards, logs, ${name.replace(/-/g, '_')}_local, cityHash64(jsessionid))`,
        )
        await s.query(
          `CREATE TABLE logs.${name.replace(/-/g, '_')}_rand (${TABLE_COLUMNS}) ENGINE = Distributed(sessdoc_two_shards, logs, ${name.replace(/-/g, '_')}_local, rand())`,
        )
      }
      await shards.servers[0].query(`INSERT INTO logs.${name.replace(/-/g, '_')} FORMAT TabSeparated`, tsv)
      await shards.servers[0].query(`SYSTEM FLUSH DISTRIBUTED logs.${name.replace(/-/g, '_')}`).catch(() => undefined)
    }
  }, 90_000)
  afterAll(async () => {
    await Promise.all([one?.stop(), shards?.stop()])
  })

  const viaClickHouse = async (server: TestClickHouse, table: string, name: string, extra: Partial<AccessLogOptions>) => {
    const {routeKind} = loaded.get(name)!
    const url = `clickhouse://127.0.0.1:${server.httpPort}/logs.${table}`
    return analyzeClickHouseAccessLog(url, {paths: [url], window, redact: {}, ...extra}, {map: MAP, routeKind, env: {}})
  }

  it.each(cases)('%s: one server', async (name, _path, extra) => {
    const result = await viaClickHouse(one, name.replace(/-/g, '_'), name, extra)
    expect(result.section.status === 'error' ? result.section.reason : 'analyzed').toBe('analyzed')
    expect(comparable(result.section as AccessLogSection)).toEqual(comparable(loaded.get(name)!.file))
  })

  it.each(cases)('%s: two shards by cityHash64(session), folded on each shard', async (name, _path, extra) => {
    const result = await viaClickHouse(shards.servers[1], name.replace(/-/g, '_'), name, extra)
    expect(comparable(result.section as AccessLogSection)).toEqual(comparable(loaded.get(name)!.file))
  })

  it.each(cases)('%s: two shards by rand(), merged on the initiator', async (name, _path, extra) => {
    const result = await viaClickHouse(shards.servers[0], `${name.replace(/-/g, '_')}_rand`, name, extra)
    expect(comparable(result.section as AccessLogSection)).toEqual(comparable(loaded.get(name)!.file))
  })

  it('reads upstream lists as nginx logs them: retries after ", ", internal redirects after " : "', async () => {
    const upstreams = ['10.0.0.11:8080', '10.0.0.12:8080, 10.0.0.11:8080', '10.0.0.13:8080 : 10.0.0.11:8080', '10.0.0.12:8080']
    const id = 'ABCDEF0123456789ABCDEF0123456789.node1'
    const lines = upstreams.map((u, i) => `192.0.2.1 - - [06/Dec/2026:10:00:0${i} +0000] "GET /app/ HTTP/1.1" 200 5 "-" "ua" "${id}" ${u}`)
    const dir = mkdtempSync(join(tmpdir(), 'sessdoc-ch-upstream-'))
    try {
      const path = join(dir, 'access.log')
      writeFileSync(path, `${lines.join('\n')}\n`)
      const file = (await analyzeAccessLogs({paths: [path], window, redact: {}, parallel: false})).section as AccessLogSection
      await one.query('CREATE TABLE logs.upstream_lists (ts DateTime, jsessionid String, upstream String) ENGINE = MergeTree() ORDER BY ts')
      const rows = upstreams.map((u, i) => `2026-12-06 10:00:0${i}\t${id}\t${u}`)
      await one.query('INSERT INTO logs.upstream_lists FORMAT TabSeparated', `${rows.join('\n')}\n`)
      const url = `clickhouse://127.0.0.1:${one.httpPort}/logs.upstream_lists`
      const result = await analyzeClickHouseAccessLog(
        url,
        {paths: [url], window, redact: {}},
        {map: 'time=ts,session=jsessionid,route=upstream', routeKind: 'upstream', env: {}},
      )
      const section = result.section as AccessLogSection
      expect(section.retries).toBe(2)
      expect(section.routes).toEqual({'10.0.0.11:8080': 3, '10.0.0.12:8080': 1})
      expect(section.routeFlips).toBe(1)
      expect([section.retries, section.routes, section.routeFlips]).toEqual([file.retries, file.routes, file.routeFlips])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('a table sharded by the session is grouped on its shards; an id split over two shards is joined after', async () => {
    // The same id put on both shards by hand (its hash would put it on one): grouped where it lies, two groups.
    for (const [i, s] of shards.servers.entries()) {
      await s.query(
        'CREATE TABLE logs.split_local (ts DateTime, seq UInt64, jsessionid String, upstream String) ENGINE = MergeTree() ORDER BY ts',
      )
      await s.query(
        'CREATE TABLE logs.split (ts DateTime, seq UInt64, jsessionid String, upstream String) ENGINE = Distributed(sessdoc_two_shards, logs, split_local, cityHash64(jsessionid))',
      )
      await s.query('INSERT INTO logs.split_local FORMAT TabSeparated', `2026-06-01 10:00:0${i}\t${i + 1}\tAAAA.node1\tnode${i + 1}\n`)
    }
    const url = `clickhouse://127.0.0.1:${shards.servers[0].httpPort}/logs.split`
    const {target} = clickhouseTarget(url, {})
    const ctx = {
      database: 'logs',
      table: 'split',
      resolved: {
        columns: {time: 'ts', order: 'seq', session: 'jsessionid', route: 'upstream'},
        types: {time: 'DateTime', order: 'UInt64'},
        guessed: [],
      },
      since: 0,
      until: 4_000_000_000,
      separator: '.',
      evictSeconds: 2100,
      sessionTimeoutSeconds: 1800,
      lostGapSeconds: 300,
      churnWindowSeconds: 600,
      showSessionIds: false,
      shardLocal: true,
    } satisfies FoldContext
    const groups = (local: boolean) => query(target, `SELECT count() FROM (${idGroupsSql(ctx)})`, {...DEFAULT_LIMITS, shardLocal: local})
    expect(await groups(true)).toEqual([[2]])
    expect(await groups(false)).toEqual([[1]])
    // The fold joins them: one session, one flip from node1 to node2.
    const result = await analyzeClickHouseAccessLog(
      url,
      {paths: [url], window, redact: {}},
      {map: 'time=ts,order=seq,session=jsessionid,route=upstream', env: {}},
    )
    expect(result.section).toMatchObject({sessions: 1, routeFlips: 1})
  })
})
