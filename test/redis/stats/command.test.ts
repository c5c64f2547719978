import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import RedisStats from '../../../src/commands/redis/stats.js'
import type {Report} from '../../../src/core/report/types.js'
import {freePort, startRedis, type TestRedis} from '../../helpers/redis-server.js'
import {runCommand} from '../../helpers/run-command.js'
import {expectValidReport} from '../../helpers/schema.js'

const stats = (args: string[]) => runCommand(RedisStats, args)

describe('sessdoc redis stats (the command)', () => {
  let healthy: TestRedis
  let lone: TestRedis
  beforeAll(async () => {
    ;[healthy, lone] = await Promise.all([
      startRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'volatile-lru']),
      startRedis(['--maxmemory', '8mb', '--maxmemory-policy', 'allkeys-lru']),
    ])
  })
  afterAll(async () => {
    await Promise.all([healthy?.stop(), lone?.stop()])
  })
  afterEach(() => {
    process.exitCode = undefined
  })

  it('warnings exit 1; --fail-on critical and never exit 0', async () => {
    const run = await stats(['--redis', healthy.url, '--format', 'text'])
    expect(run.code).toBe(1)
    expect(run.stdout.split('\n')[0]).toBe('WARNING  0 critical, 1 warning, 0 info')
    expect(run.stdout).toContain('[redis.no-redundancy]')
    expect(run.stdout).toContain('Redis: analyzed')
    expect(run.stdout).toMatch(/Eviction policy\s*│ volatile-lru/)
    expect((await stats(['--redis', healthy.url, '--fail-on', 'critical'])).code).toBe(0)
    expect((await stats(['--redis', healthy.url, '--fail-on', 'never'])).code).toBe(0)
  })

  it('--json: the contract shape, valid against the schema, stats figures in sources.redis', async () => {
    const run = await stats(['--redis', lone.url, '--json'])
    expect(run.code).toBe(1)
    const report = JSON.parse(run.stdout) as Report
    expectValidReport(report)
    expect(report.status).toBe('warning')
    expect(report.findings.map((f) => f.id)).toEqual(['redis.eviction-policy', 'redis.no-redundancy'])
    expect(report.sources.redis).toMatchObject({
      status: 'analyzed',
      mode: 'standalone',
      nodes: 1,
      memory: {maxBytes: 8 * 1024 * 1024, policy: 'allkeys-lru', source: 'config'},
      evictedKeys: 0,
      replicas: 0,
    })
  })

  it('an unreachable Redis is a critical finding: exit 2, in Markdown too', async () => {
    const port = await freePort()
    const run = await stats(['--redis', `redis://127.0.0.1:${port}`, '--connect-timeout', '300', '--format', 'markdown'])
    expect(run.code).toBe(2)
    expect(run.stdout).toMatch(/^# sessdoc: CRITICAL/)
    expect(run.stdout).toContain('`redis.unreachable`')
    expect(run.stdout).toContain('### Redis: error')
  })

  it('a password in --redis is warned about and never printed', async () => {
    const run = await stats(['--redis', `redis://:hunter2@127.0.0.1:${healthy.port}`, '--json'])
    expect(run.stderr).toMatch(/SESSDOC_REDIS_PASSWORD/)
    expect(run.stdout + run.stderr).not.toContain('hunter2')
  })

  it.each([
    [['--redis', 'http://example.com'], /unsupported scheme/],
    [['--sentinel', '127.0.0.1:26379'], /--sentinel needs --sentinel-master/],
    [['--connect-timeout', '5'], /connect-timeout/],
  ])('bad flags %j exit 3', async (args, message) => {
    const run = await stats(args)
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(message)
    expect(run.stdout).toBe('')
  })
})
