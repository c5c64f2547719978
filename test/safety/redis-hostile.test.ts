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
    expect(text.stdout).toMatch(/Redis: error\n {2}.*db 99 .*16 databases \(0-15\).*--db/)
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
