/**
 * What a user meets when the ClickHouse source goes wrong (found by a new user's try-out): every error says
 * what to do next, a server that hangs is given up, and inputs that cannot be read with a table are refused.
 */
import {createServer, type Server} from 'node:http'
import {type AddressInfo, createServer as createTcpServer} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {DEFAULT_LIMITS, query} from '../../src/core/access-log/clickhouse/client.js'
import {analyzeClickHouseAccessLog} from '../../src/core/access-log/clickhouse/index.js'
import {clickhouseTarget} from '../../src/core/access-log/clickhouse/target.js'
import {type AccessLogSection, analyzeAccessLogs} from '../../src/core/access-log/index.js'
import {CH_PASSWORD, CH_USER, clickhouseInstalled, startClickHouse, type TestClickHouse} from '../helpers/clickhouse-server.js'
import {runCli} from '../helpers/run-cli.js'

const window = {since: new Date('2026-01-01T00:00:00Z'), until: new Date('2026-12-31T00:00:00Z')}
const reasonOf = (section: {status: string; reason?: string}) => (section.status === 'error' ? (section.reason ?? '') : 'analyzed')

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

describe('a server that is not a good ClickHouse', () => {
  const servers: Server[] = []
  afterAll(() => {
    for (const server of servers) server.closeAllConnections?.()
    for (const server of servers) server.close()
  })

  it('gives up on a server that never answers, past max_execution_time and a grace', async () => {
    const silent = createServer(() => {})
    servers.push(silent)
    const port = await listening(silent)
    const {target} = clickhouseTarget(`clickhouse://127.0.0.1:${port}/logs.access`, {})
    const started = Date.now()
    await expect(query(target, 'SELECT 1', {...DEFAULT_LIMITS, maxExecutionSeconds: 1, answerGraceSeconds: 0.5})).rejects.toThrow(
      /did not answer within 1\.5 s: check that the server is up/,
    )
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('names the port when something else answers with an empty error', async () => {
    const other = createServer((_req, res) => {
      res.statusCode = 404
      res.end()
    })
    servers.push(other)
    const port = await listening(other)
    const {target} = clickhouseTarget(`clickhouse://127.0.0.1:${port}/logs.access`, {})
    await expect(query(target, 'SELECT 1', DEFAULT_LIMITS)).rejects.toThrow(
      `ClickHouse at http://127.0.0.1:${port}: answered HTTP 404 with nothing: is http://127.0.0.1:${port} ClickHouse's HTTP port (8123, or 8443 with TLS)?`,
    )
  })

  it('says what to check when nothing listens', async () => {
    const closed = createTcpServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const result = await analyzeClickHouseAccessLog(
      `clickhouse://127.0.0.1:${port}/logs.access`,
      {paths: [], window, redact: {}},
      {env: {}},
    )
    expect(reasonOf(result.section)).toBe(
      `cannot reach ClickHouse at http://127.0.0.1:${port}: nothing listens there (ECONNREFUSED): is the server up, and is that its HTTP port (8123; 9000 is the native protocol's)?`,
    )
  })
})

describe('inputs a table cannot be read with', () => {
  it('a table with files (or another table) is refused, not read alone in silence', async () => {
    const result = await analyzeAccessLogs({paths: ['clickhouse://ch:8123/logs.access', 'access.log'], window, redact: {}})
    expect(reasonOf(result.section)).toBe(
      '--access-log: a ClickHouse table is read alone, and access.log came with it: one run per table, or the files loaded into the table',
    )
    const cli = await runCli(['access-log', 'clickhouse://ch:8123/logs.a', 'clickhouse://ch:8123/logs.b', '--since', '1h'])
    expect(cli.code).toBe(3)
    expect(cli.stderr).toContain('a ClickHouse table is read alone, and another table came with it')
  })

  it('a password in the URL is warned about on stderr, also under --json', async () => {
    const url = 'clickhouse://u:secret@127.0.0.1:1/logs.access'
    for (const argv of [
      ['access-log', url, '--since', '1h', '--json'],
      ['diagnose', '--access-log', url, '--since', '1h', '--json'],
    ]) {
      const cli = await runCli(argv)
      expect(cli.stderr).toContain(
        'the password in the ClickHouse URL shows in ps and the shell history: set SESSDOC_CLICKHOUSE_PASSWORD instead',
      )
      expect(`${cli.stderr}${cli.stdout}`).not.toContain('secret')
    }
    // diagnose's other warnings reach stderr under --json too (oclif's logToStderr is quiet there).
    const redis = await runCli(['diagnose', '--redis', 'redis://:secret@127.0.0.1:1', '--json'])
    expect(redis.stderr).toContain('sessdoc: the password in --redis shows in ps and the shell history: set SESSDOC_REDIS_PASSWORD instead')
  })

  it('trace says it does not read a table, instead of finding nothing', async () => {
    const cli = await runCli(['trace', 'sid:0123abcd', '--access-log', 'clickhouse://u:secret@ch:8123/logs.access'])
    expect(cli.code).toBe(3)
    expect(cli.stderr).toContain('trace reads access-log files; clickhouse://ch:8123/logs.access is a ClickHouse table')
    expect(cli.stderr).not.toContain('secret')
  })
})

describe.skipIf(!clickhouseInstalled)('a real server, a user who gets it wrong', () => {
  let ch: TestClickHouse
  beforeAll(async () => {
    ch = await startClickHouse()
    await ch.query('CREATE DATABASE logs')
    await ch.query(
      'CREATE TABLE logs.access (ts DateTime, seq UInt64, jsessionid String, upstream String) ENGINE = MergeTree() ORDER BY ts',
    )
    await ch.query('CREATE TABLE logs.nosort (ts DateTime, jsessionid String, line String) ENGINE = MergeTree() ORDER BY ts')
    const rows = [
      '2026-06-01 10:00:00\t3\tA.node1\tnode1',
      '2026-06-01 10:00:00\t2\tA.node1\tnode2',
      '2026-06-01 10:00:00\t1\tA.node1\tnode1',
    ]
    await ch.query('INSERT INTO logs.access FORMAT TabSeparated', `${rows.join('\n')}\n`)
    // `line`: the raw log line, as exporters keep it: text, no order.
    await ch.query('INSERT INTO logs.nosort FORMAT TabSeparated', '2026-06-01 10:00:00\tA.node1\t10.0.0.1 - - [01/Jun/2026…\n')
  }, 60_000)
  afterAll(async () => ch?.stop())

  const read = (table: string, env: NodeJS.ProcessEnv = {}, user = '') =>
    analyzeClickHouseAccessLog(`clickhouse://${user}127.0.0.1:${ch.httpPort}/logs.${table}`, {paths: [], window, redact: {}}, {env})

  it('a wrong password names where the password and the user come from', async () => {
    const result = await read('access', {SESSDOC_CLICKHOUSE_PASSWORD: 'nope'}, `${CH_USER}@`)
    expect(reasonOf(result.section)).toMatch(/Wrong password for user sessdoc/)
    expect(reasonOf(result.section)).toContain(
      "(the password comes from SESSDOC_CLICKHOUSE_PASSWORD; the user, now 'sessdoc', from the URL's clickhouse://USER@host or SESSDOC_CLICKHOUSE_USER)",
    )
    const right = await read('access', {SESSDOC_CLICKHOUSE_PASSWORD: CH_PASSWORD}, `${CH_USER}@`)
    expect(reasonOf(right.section)).toBe('analyzed')
  })

  it('a table that is not there names the nearest one and those there are', async () => {
    expect(reasonOf((await read('acess')).section)).toBe(
      `ClickHouse at http://127.0.0.1:${ch.httpPort} has no table logs.acess: did you mean logs.access? logs has access, nosort`,
    )
  })

  it('a seq column is the order within a second without --map order=; without one, a note says what may differ', async () => {
    const section = (await read('access')).section as AccessLogSection
    // In seq order the session goes node1, node2, node1: two flips (in no set order, node1, node1, node2 is one).
    expect(section.routeFlips).toBe(2)
    expect((section.errors ?? []).map((e) => e.message).join('\n')).not.toContain('no order column')
    const unordered = (await read('nosort')).section as AccessLogSection
    expect((unordered.errors ?? []).map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^no order column: requests within one second/),
    )
  })
})
