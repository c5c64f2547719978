import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import * as load from '../../../fixtures/redis/load.mjs'
import type {FlatRedisSection, JsonReport} from '../../../src/render/json.js'
import {freePort, startRedis, type TestRedis} from '../../helpers/redis-server.js'
import {runCli} from '../../helpers/run-cli.js'
import {expectValidReport} from '../../helpers/schema.js'

describe('sessdoc redis scan (the binary)', () => {
  let server: TestRedis
  let noTtlKeys: string[]
  beforeAll(async () => {
    server = await startRedis(['--requirepass', 'pw'], {password: 'pw'})
    const client = server.client()
    await client.connect()
    const truth = await load.loadSpring(client, {sessions: 60, noTtl: 5, large: 1, huge: 0, users: 3})
    noTtlKeys = truth.noTtlIds
    client.disconnect()
  })
  afterAll(async () => {
    await server?.stop()
  })
  const env = {SESSDOC_REDIS_PASSWORD: 'pw'}

  it('--json: the contract figures, redacted, exit 1 for the no-TTL warning', async () => {
    const {stdout, stderr, code} = await runCli(['redis', 'scan', '--redis', server.url, '--json'], {env})
    expect(code).toBe(1)
    expect(stderr).toBe('')
    const report = JSON.parse(stdout) as JsonReport
    expectValidReport(report)
    const redis = report.sources.redis as FlatRedisSection
    expect(redis).toMatchObject({
      status: 'analyzed',
      keysScanned: 60 + 55 + 5 + 3,
      sessions: 60,
      sessionsWithoutTtl: 5,
      preset: 'spring-session',
    })
    expect(Object.keys(redis.sizeBytes!)).toEqual(['p50', 'p95', 'p99', 'max'])
    expect(redis.ttlHistogram!.at(-1)).toMatchObject({le: null, count: 5})
    expect(redis.largestSessions![0]!.key).toMatch(/^spring:session:sessions:sid:[0-9a-f]{8}$/)
    expect(report.findings.map((f) => f.id)).toContain('redis.no-ttl')
    for (const id of noTtlKeys) expect(stdout).not.toContain(id)
    expect(stdout).not.toContain('"pw"')
  })

  it('--lanes walks each node in that many cursor lanes, with the same counts; the text says so', async () => {
    const text = await runCli(['redis', 'scan', '--redis', server.url, '--lanes', '4', '--format', 'text'], {env})
    expect(text.stdout).toMatch(/lua probe, 4 cursor lanes/)
    const json = await runCli(['redis', 'scan', '--redis', server.url, '--lanes', '2', '--json'], {env})
    const redis = (JSON.parse(json.stdout) as JsonReport).sources.redis as unknown as {
      scanNodes: Array<{lanes: number}>
      sessionsWithoutTtl: number
    }
    expect(redis.scanNodes.map((node) => node.lanes)).toEqual([2])
    expect(redis.sessionsWithoutTtl).toBe(5)
    const bad = await runCli(['redis', 'scan', '--redis', server.url, '--lanes', '3'], {env})
    expect(bad.code).toBe(3)
  })

  it('--fix-ttl without --yes is a dry run that changes nothing; text output says so', async () => {
    const {stdout, code} = await runCli(['redis', 'scan', '--redis', server.url, '--fix-ttl', '900', '--format', 'text'], {env})
    expect(code).toBe(1)
    expect(stdout).toMatch(/--fix-ttl 900 \(dry run\): 5 sessions without TTL would get a TTL/)
    const again = await runCli(['redis', 'scan', '--redis', server.url, '--json'], {env})
    expect(((JSON.parse(again.stdout) as JsonReport).sources.redis as FlatRedisSection).sessionsWithoutTtl).toBe(5)
  })

  it('--password works and warns on stderr; --show-session-ids shows the keys as they are', async () => {
    const {stdout, stderr, code} = await runCli([
      'redis',
      'scan',
      '--redis',
      server.url,
      '--password',
      'pw',
      '--json',
      '--show-session-ids',
    ])
    expect(noTtlKeys.some((id) => stdout.includes(id))).toBe(true)
    expect(code).toBe(1)
    expect(stderr).toMatch(/--password shows in ps/)
    expect(stderr).not.toContain('pw ')
    expect(((JSON.parse(stdout) as JsonReport).sources.redis as FlatRedisSection).sessions).toBe(60)
  })

  it('a wrong password is redis.auth-failed, critical, exit 2', async () => {
    const {stdout, code} = await runCli(['redis', 'scan', '--redis', server.url, '--json'], {env: {SESSDOC_REDIS_PASSWORD: 'nope'}})
    expect(code).toBe(2)
    const report = JSON.parse(stdout) as JsonReport
    expect(report.findings.map((f) => f.id)).toEqual(['redis.auth-failed'])
    expect(report.sources.redis).toMatchObject({status: 'error'})
    expect(stdout).not.toContain('nope')
  })

  it('a closed port is redis.unreachable, exit 2, within the timeout', async () => {
    const port = await freePort()
    const started = Date.now()
    const {stdout, code} = await runCli(['redis', 'scan', '--redis', `redis://127.0.0.1:${port}`, '--json', '--connect-timeout', '500'])
    expect(code).toBe(2)
    expect(Date.now() - started).toBeLessThan(5000)
    expect((JSON.parse(stdout) as JsonReport).findings[0]!.id).toBe('redis.unreachable')
  })

  it.each([
    [['--yes'], /--yes only confirms --fix-ttl/],
    [['--sample-memory', '2'], /--sample-memory 2 is not a share/],
  ])('bad flags %j exit 3', async (args, message) => {
    const {stderr, code} = await runCli(['redis', 'scan', ...args])
    expect(code).toBe(3)
    expect(stderr).toMatch(message)
  })
})
