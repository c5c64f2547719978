import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {javaInteger, javaLong} from '../../fixtures/redis/load.mjs'
import Trace from '../../src/commands/trace.js'
import {hashId} from '../../src/core/redact.js'
import {startRedis, type TestRedis} from '../helpers/redis-server.js'
import {runCommand} from '../helpers/run-command.js'

const LOG = 'fixtures/lab/apache-restart/access.log'
const LOST = '5C4E81AA55362508731D20EFC79CDFFC.node3'
/** Every raw id of user 1's story: the one asked for, the one login gave, the one node1 handed out. */
const RAW = ['5C4E81AA55362508731D20EFC79CDFFC', 'CE57BF6C7267B32DAC0A5214575F714E']

const trace = (args: string[]) => runCommand(Trace, [...args, '--access-log', LOG, '--fail-on', 'never'])

describe('sessdoc trace', () => {
  it.each(['text', 'json', 'markdown', 'html'])('%s: no raw session id anywhere, the verdict shown', async (format) => {
    const {stdout, code} = await trace([LOST, '--format', format])
    expect(code).toBe(0)
    expect(stdout).toContain('Lost at 01:06:00')
    for (const raw of RAW) expect(stdout).not.toContain(raw)
    expect(stdout).not.toMatch(/[0-9A-F]{32}/)
    expect(stdout).toContain(`sid:${hashId(RAW[0]!)}.node3`)
  })

  it('--show-session-ids shows them', async () => {
    const {stdout} = await trace([LOST, '--json', '--show-session-ids'])
    for (const raw of RAW) expect(stdout).toContain(raw)
  })

  it('JSON: sources.trace by sid: equals the trace by raw id', async () => {
    const raw = JSON.parse((await trace([LOST, '--json'])).stdout).sources.trace
    const bySid = JSON.parse((await trace([`sid:${hashId(RAW[0]!)}.node3`, '--json'])).stdout).sources.trace
    expect({...bySid, scan: null}).toEqual({...raw, scan: null})
    expect(raw.requests[4]).toEqual({
      time: '2026-12-06T01:06:00.000Z',
      node: 'node1',
      method: 'GET',
      path: '/app/hello',
      status: 200,
      misrouted: true,
      session: `sid:${hashId(RAW[1]!)}.node3`,
      file: LOG,
    })
    expect(raw.idChanges.map((c: {cause: string}) => c.cause)).toEqual(['login', 'misrouted'])
  })

  it('a sid: with the route the id had later (as copied from a report), and the raw id with it: exit 0, the same trace', async () => {
    const log = 'fixtures/trace/route-change.log'
    const id = '0A1B2C3D4E5F60718293A4B5C6D7E8F9'
    const run = (args: string[]) => runCommand(Trace, [...args, '--access-log', log, '--fail-on', 'never', '--json'])
    const bySid = await run([`sid:${hashId(id)}.node2`])
    expect(bySid.code).toBe(0)
    const raw = await run([`${id}.node2`])
    expect(raw.code).toBe(0)
    const section = (out: string) => ({...JSON.parse(out).sources.trace, scan: null})
    expect(section(bySid.stdout)).toEqual(section(raw.stdout))
    expect(section(bySid.stdout).session).toBe(`sid:${hashId(id)}.node2`)
    expect((await run([`\`sid:${hashId(id)}.node2\``])).code).toBe(0)
  })

  it.each([['not an id'], ['sid:12'], ['abc']])('bad ID %j is a usage error (exit 3) with a hint', async (id) => {
    const {stderr, code} = await trace([id])
    expect(code).toBe(3)
    expect(stderr).toMatch(/sid:/)
  })

  it('an id in no log: exit 3 (UNKNOWN), with the reason', async () => {
    const {stdout, code} = await runCommand(Trace, ['0123456789ABCDEF0123456789ABCDEF', '--access-log', LOG])
    expect(code).toBe(3)
    expect(stdout).toMatch(/no request carries sid:/)
    expect(stdout).not.toContain('0123456789ABCDEF0123456789ABCDEF')
  })

  it('nothing to read is a usage error', async () => {
    const {stderr, code} = await runCommand(Trace, [LOST])
    expect(code).toBe(3)
    expect(stderr).toMatch(/^Error: no log to trace the session in: .*\nHint: give --access-log/)
  })

  it('--redis alone is a usage error that says the logs come first (the hint does not ask for --redis again)', async () => {
    const {stderr, code} = await runCommand(Trace, [LOST, '--redis', 'redis://127.0.0.1:1'])
    expect(code).toBe(3)
    expect(stderr).toMatch(/Hint: add --access-log \(the balancer log\); --redis alone shows only the key/)
  })
})

describe('sessdoc trace --redis (a real redis-server)', () => {
  let redis: TestRedis
  beforeAll(async () => {
    redis = await startRedis()
  }, 30_000)
  afterAll(async () => redis?.stop())

  it('reads the Spring Session key read-only: exists, TTL, size, lastAccessedTime, maxInactiveInterval', async () => {
    const client = redis.client()
    // The last id of user 1's story is node1's; its key as Spring Session writes it (JDK-serialized Long / Integer).
    const {stdout: json} = await trace([LOST, '--json', '--show-session-ids'])
    const lastId = (JSON.parse(json).sources.trace.ids as string[]).at(-1)!.split('.')[0]!
    await client.hset(`spring:session:sessions:${lastId}`, {
      lastAccessedTime: javaLong(Date.parse('2026-12-06T01:06:02Z')),
      maxInactiveInterval: javaInteger(1800),
      sessionAttr_user: 'u1',
    })
    await client.expire(`spring:session:sessions:${lastId}`, 1700)
    const before = await client.info('commandstats')
    const {stdout, code} = await trace([LOST, '--json', '--redis', redis.url])
    expect(code).toBe(0)
    const key = JSON.parse(stdout).sources.trace.redis
    expect(key).toMatchObject({exists: true, preset: 'spring-session', key: `spring:session:sessions:sid:${hashId(lastId)}`})
    expect(key.ttlSeconds).toBeGreaterThan(1600)
    expect(key.bytes).toBeGreaterThan(0)
    expect(key.lastAccessedTime).toBe('2026-12-06T01:06:02.000Z')
    expect(key.maxInactiveIntervalSeconds).toBe(1800)
    expect(stdout).not.toContain(lastId)
    // Read-only: no write command ran.
    const after = await client.info('commandstats')
    const writes = (text: string) =>
      [...text.matchAll(/cmdstat_(set|hset|del|expire|persist|unlink|hdel):calls=(\d+)/g)].map((m) => `${m[1]}=${m[2]}`)
    expect(writes(after)).toEqual(writes(before))
    await client.quit()
  })

  it('a session with no key: exists false', async () => {
    const {stdout} = await trace([LOST, '--json', '--redis', redis.url])
    const key = JSON.parse(stdout).sources.trace.redis
    expect(key.exists).toBe(true)
    const {stdout: other} = await trace(['72FD67E0167C9892EB16EE4B1EB93B26.node1', '--json', '--redis', redis.url])
    expect(JSON.parse(other).sources.trace.redis).toMatchObject({exists: false, ttlSeconds: null})
  })
})
