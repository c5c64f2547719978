import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Report} from '../../src/core/report/types.js'
import {startRedis, type TestRedis} from '../helpers/redis-server.js'
import {runCli} from '../helpers/run-cli.js'

// Mistakes and hostile data around Redis, through the real binary (issue #13).
const password = 'Tr0ub4dor-pw'
const env = {SESSDOC_REDIS_PASSWORD: password}

describe('a database the server does not have', () => {
  let server: TestRedis
  const db0Key = 'spring:session:sessions:5f0c1e9a-0b7d-4c52-9a51-0d9c3b1f2e44'
  beforeAll(async () => {
    server = await startRedis(['--requirepass', password, '--databases', '16'], {password})
    const client = server.client()
    await client.connect()
    await client.hset(db0Key, 'creationTime', '1', 'maxInactiveInterval', '1800', 'lastAccessedTime', '1')
    client.disconnect()
  })
  afterAll(async () => {
    await server?.stop()
  })
  const db0Ttl = async (): Promise<number> => {
    const client = server.client()
    await client.connect()
    try {
      return await client.ttl(db0Key)
    } finally {
      client.disconnect()
    }
  }
  const expectOutOfRange = (stdout: string): Report => {
    const report = JSON.parse(stdout) as Report
    expect(report.status).toBe('unknown')
    const redis = report.sources.redis!
    expect(redis.status).toBe('error')
    expect(redis.reason).toMatch(/db 99 .*out of range/)
    expect(redis.reason).toMatch(/16 databases \(0-15\)/)
    expect(redis).not.toHaveProperty('keysScanned')
    return report
  }

  it.each([
    ['--db 99', ['--db', '99']],
    ['redis://host/99', []],
  ])('redis scan %s with --fix-ttl --yes: exit 3, says so, and db0 keeps its keys untouched', async (label, extra) => {
    const url = label.startsWith('redis://') ? `${server.url}/99` : server.url
    const run = await runCli(['redis', 'scan', '--redis', url, ...extra, '--fix-ttl', '1800', '--yes', '--json'], {env})
    expect(run.code).toBe(3)
    expectOutOfRange(run.stdout)
    expect(await db0Ttl()).toBe(-1)
  })

  it('redis stats --db 99 and diagnose --db 99: an error section naming the range; the text says it too', async () => {
    const stats = await runCli(['redis', 'stats', '--redis', server.url, '--db', '99', '--json'], {env})
    expect(stats.code).toBe(3)
    expectOutOfRange(stats.stdout)
    const diagnose = await runCli(['diagnose', '--redis', `${server.url}/99`, '--json'], {env})
    expect(diagnose.code).toBe(3)
    expectOutOfRange(diagnose.stdout)
    const text = await runCli(['redis', 'scan', '--redis', server.url, '--db', '99'], {env})
    expect(text.code).toBe(3)
    // The reason is wrapped to the terminal's width: read it as one line.
    expect(text.stdout.replace(/\n {2,}/g, ' ')).toMatch(/Redis: error .*db 99 .*16 databases \(0-15\).*--db/)
  })

  it('a db the server has is read (the check does not refuse db 15)', async () => {
    const run = await runCli(['redis', 'scan', '--redis', server.url, '--db', '15', '--json'], {env})
    const report = JSON.parse(run.stdout) as Report
    expect(report.sources.redis).toMatchObject({status: 'analyzed', keysScanned: 0})
  })
})

describe('key names that carry terminal escapes', () => {
  let server: TestRedis
  const hostileKeys = [
    'spring:session:sessions:\u001b]0;pwned\u0007',
    '\u001b[2J\u001b[H:sessions:4b1d2c3e-0000-4000-8000-000000000001',
    'spring:session:sessions:abc\nFAKE LINE',
  ]
  beforeAll(async () => {
    server = await startRedis(['--requirepass', password], {password})
    const client = server.client()
    await client.connect()
    for (const key of hostileKeys) await client.hset(key, 'creationTime', '1', 'maxInactiveInterval', '1800', 'lastAccessedTime', '1')
    client.disconnect()
  })
  afterAll(async () => {
    await server?.stop()
  })

  it.each([
    ['text', []],
    ['text, --show-session-ids', ['--show-session-ids']],
    ['text, --fix-ttl dry run', ['--show-session-ids', '--fix-ttl', '60']],
    ['markdown', ['--show-session-ids', '--fix-ttl', '60', '--format', 'markdown']],
    ['text, --fix-ttl --yes', ['--show-session-ids', '--fix-ttl', '60', '--yes']],
  ])('%s: no control character reaches the terminal, no key forges a line', async (_label, extra) => {
    const run = await runCli(['redis', 'scan', '--redis', server.url, ...extra], {env})
    expect(run.stdout).toMatch(/Session keys without a TTL|got a TTL/)
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
    expect(run.stdout).not.toMatch(/^FAKE LINE/m)
    expect(run.stdout + run.stderr).toContain('\\x1b')
  })
})

describe('DEBUG=* is as redacted as the report', () => {
  let server: TestRedis
  const auditPassword = 'aUd1t-s3cr3t'
  const ids = [
    '5f0c1e9a-0b7d-4c52-9a51-0d9c3b1f2e44',
    'Qx7dK2mZpL9vR4sT1uW8yA3bC6eF0gHj',
    'k3j4h5g6f7d8s9a0qwertyuiop',
    '0A1B2C3D4E5F60718293A4B5C6D7E8F9',
  ]
  beforeAll(async () => {
    server = await startRedis(['--requirepass', password], {password})
    const client = server.client()
    await client.connect()
    // An ACL user without scripts, so that the pipelined PTTL / MEMORY USAGE path (key names as arguments) runs too.
    await client.call('ACL', 'SETUSER', 'audit', 'on', `>${auditPassword}`, '~*', '&*', '+@all', '-eval', '-evalsha', '-script')
    const fields = ['creationTime', '1', 'maxInactiveInterval', '1800', 'lastAccessedTime', '1']
    await client.hset(`spring:session:sessions:${ids[0]}`, ...fields)
    await client.set(`spring:session:sessions:expires:${ids[0]}`, '')
    await client.set(`sess:${ids[1]}`, '{"cookie":{}}')
    await client.set(`PHPREDIS_SESSION:${ids[2]}`, 'a|b:1;')
    await client.set(`${ids[3]}.node1`, 'x')
    client.disconnect()
  })
  afterAll(async () => {
    await server?.stop()
  })

  const host = () => `127.0.0.1:${server.port}`
  it.each([
    [
      'scan, password in the environment, no scripts, --fix-ttl --yes',
      () => ['redis', 'scan', '--redis', `redis://audit@${host()}`, '--fix-ttl', '60', '--yes'],
      {SESSDOC_REDIS_PASSWORD: auditPassword},
    ],
    ['scan, password in the URL (Lua path)', () => ['redis', 'scan', '--redis', `redis://default:${password}@${host()}`], {}],
    ['scan --password', () => ['redis', 'scan', '--redis', `redis://${host()}`, '--password', password], {}],
    ['stats, password in REDISCLI_AUTH', () => ['redis', 'stats', '--redis', `redis://${host()}`], {REDISCLI_AUTH: password}],
    ['diagnose, password in the URL', () => ['diagnose', '--redis', `redis://audit:${auditPassword}@${host()}`], {}],
  ])('%s: no password and no raw session id in stderr', async (_label, args, extraEnv) => {
    const run = await runCli(args(), {env: {DEBUG: '*', SESSDOC_REDIS_PASSWORD: '', REDISCLI_AUTH: '', ...extraEnv}})
    expect(run.stderr).toMatch(/ioredis:redis write command/)
    expect(run.stderr).toMatch(/oclif:main process.argv/)
    expect(run.stderr).toMatch(/-> auth\(/)
    for (const secret of [password, auditPassword, ...ids]) expect(run.stderr).not.toContain(secret)
    for (const id of ids) expect(run.stdout).not.toContain(id)
  })
})
