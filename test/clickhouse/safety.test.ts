/** Safety of the ClickHouse path: hostile column names and values, read-only requests, the password. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {DEFAULT_LIMITS, profileReadonly, query} from '../../src/core/access-log/clickhouse/client.js'
import {analyzeClickHouseAccessLog} from '../../src/core/access-log/clickhouse/index.js'
import {ident, literal} from '../../src/core/access-log/clickhouse/sql.js'
import {clickhouseTarget} from '../../src/core/access-log/clickhouse/target.js'
import {type AccessLogSection, analyzeAccessLogs} from '../../src/core/access-log/index.js'
import {
  CH_PASSWORD,
  CH_READONLY_USERS,
  CH_USER,
  clickhouseInstalled,
  startClickHouse,
  type TestClickHouse,
} from '../helpers/clickhouse-server.js'

const window = {since: new Date('2026-01-01T00:00:00Z'), until: new Date('2026-12-31T00:00:00Z')}

describe('SQL quoting', () => {
  it.each([
    ['a`b', '`a\\`b`'],
    ['x\\`; DROP TABLE t; --', '`x\\\\\\`; DROP TABLE t; --`'],
  ])('ident(%j)', (name, quoted) => expect(ident(name)).toBe(quoted))
  it('literal escapes quotes, backslashes and control characters', () => {
    expect(literal("it's \\ \n\0")).toBe("'it\\'s \\\\ \\n\\0'")
  })
})

describe('target', () => {
  it('takes the password from the environment, masks and warns about one in the URL', () => {
    const fromEnv = clickhouseTarget('clickhouse://ch:8123/logs.access', {SESSDOC_CLICKHOUSE_PASSWORD: 'pw'})
    expect(fromEnv.target).toMatchObject({endpoint: 'http://ch:8123', database: 'logs', table: 'access', user: 'default', password: 'pw'})
    expect(fromEnv.warnings).toEqual([])
    const inUrl = clickhouseTarget('https://u:secret@ch/logs.access', {})
    expect(inUrl.target).toMatchObject({endpoint: 'https://ch:8443', user: 'u', password: 'secret'})
    expect(inUrl.target.display).not.toContain('secret')
    expect(inUrl.warnings[0]).toMatch(/SESSDOC_CLICKHOUSE_PASSWORD/)
  })

  it('a % that is not %XX is a usage error naming the part, never the password', () => {
    for (const [url, part] of [
      ['clickhouse://u:p%zz@h/db.t', 'password'],
      ['clickhouse://h/logs.a%zz', 'table'],
    ] as const) {
      expect(() => clickhouseTarget(url, {})).toThrow(`--access-log: the ClickHouse URL's ${part} has a % that is not %XX`)
    }
  })
})

describe.skipIf(!clickhouseInstalled)('against a real clickhouse-server', () => {
  let ch: TestClickHouse
  const hostile = {time: 'ti`me', session: "se'ss\\ion", route: 'route; DROP TABLE x', client: 'c"l'}
  beforeAll(async () => {
    ch = await startClickHouse()
    await ch.query('CREATE DATABASE `we``ird db`')
    await ch.query(
      `CREATE TABLE \`we\`\`ird db\`.\`t'able\` (${ident(hostile.time)} DateTime, ${ident(hostile.session)} String, ${ident(hostile.route)} String, ${ident(hostile.client)} String) ENGINE = MergeTree() ORDER BY ${ident(hostile.time)}`,
    )
    const rows = [
      ['2026-06-01 10:00:00', "A'1.node1", 'node1', "1.1.1.1'); DROP"],
      ['2026-06-01 10:00:01', "A'1.node1", "node2\\'", "1.1.1.1'); DROP"],
      ['2026-06-01 10:00:02', 'B\t2.node2', 'node2', 'x'],
    ]
    await ch.query(
      `INSERT INTO \`we\`\`ird db\`.\`t'able\` FORMAT TabSeparated`,
      `${rows.map((r) => r.map((v) => v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t')).join('\t')).join('\n')}\n`,
    )
  }, 60_000)
  afterAll(async () => ch?.stop())

  it('reads a table whose names and values are hostile', async () => {
    const url = `clickhouse://127.0.0.1:${ch.httpPort}/${encodeURIComponent('we`ird db')}.${encodeURIComponent("t'able")}`
    const map = {time: hostile.time, session: hostile.session, route: hostile.route, client: hostile.client}
    const result = await analyzeClickHouseAccessLog(url, {paths: [url], window, redact: {}}, {map, env: {}})
    const section = result.section as AccessLogSection
    expect(section.status === 'error' ? section.reason : 'analyzed').toBe('analyzed')
    expect(section).toMatchObject({parsed: 3, sessions: 2, routeFlips: 1})
    expect(JSON.stringify(section)).not.toContain("A'1")
    expect(section.flipSamples[0]?.session).toMatch(/^sid:[0-9a-f]{8}$/)
  })

  it('sends every request read-only: an INSERT through the same path is refused', async () => {
    const {target} = clickhouseTarget(`clickhouse://127.0.0.1:${ch.httpPort}/default.x`, {})
    await ch.query('CREATE TABLE default.x (a UInt8) ENGINE = Memory')
    await expect(query(target, 'INSERT INTO default.x VALUES (1)', DEFAULT_LIMITS)).rejects.toThrow(/readonly/i)
    expect((await ch.query('SELECT count() FROM default.x')).trim()).toBe('0')
  })

  it('authenticates with the password from the environment; a wrong one is an error section', async () => {
    const url = `clickhouse://${CH_USER}@127.0.0.1:${ch.httpPort}/default.x`
    const ok = await analyzeAccessLogs({paths: [`${url}?map=time=a,session=a`], window, redact: {}})
    expect(ok.section.status).toBe('error')
    const {target} = clickhouseTarget(url, {SESSDOC_CLICKHOUSE_PASSWORD: CH_PASSWORD})
    expect(await query(target, 'SELECT 1', DEFAULT_LIMITS)).toEqual([[1]])
    const wrong = clickhouseTarget(url, {SESSDOC_CLICKHOUSE_PASSWORD: 'nope'}).target
    await expect(query(wrong, 'SELECT 1', DEFAULT_LIMITS)).rejects.toThrow(/password|Authentication/i)
  })

  it.each([1, 2] as const)('reads as a user whose profile is readonly=%i, and that user cannot write either', async (level) => {
    const user = CH_READONLY_USERS[level]
    const env = {SESSDOC_CLICKHOUSE_PASSWORD: CH_PASSWORD}
    const url = `clickhouse://${user}@127.0.0.1:${ch.httpPort}/${encodeURIComponent('we`ird db')}.${encodeURIComponent("t'able")}`
    const {target} = clickhouseTarget(url, env)
    expect(await profileReadonly(target)).toBe(level)
    const map = {time: hostile.time, session: hostile.session, route: hostile.route, client: hostile.client}
    const result = await analyzeClickHouseAccessLog(url, {paths: [url], window, redact: {}}, {map, env})
    const section = result.section as AccessLogSection
    expect(section.status === 'error' ? section.reason : 'analyzed').toBe('analyzed')
    expect(section).toMatchObject({parsed: 3, sessions: 2, routeFlips: 1})
    const notes = (section.errors ?? []).map((e) => e.message).join('\n')
    if (level === 1) expect(notes).toMatch(/readonly=1.*limits were not sent/)
    else expect(notes).not.toMatch(/readonly/)
    await expect(query(target, 'INSERT INTO default.x VALUES (1)', {...DEFAULT_LIMITS, profileReadonly: level})).rejects.toThrow(
      /readonly/i,
    )
  })
})
