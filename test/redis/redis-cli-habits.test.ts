import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {notRedisReply} from '../../src/core/redis/connection/errors.js'
import type {Report} from '../../src/core/report/types.js'
import {redisUrlOf} from '../../src/lib/redis-target.js'
import {startRedis, type TestRedis} from '../helpers/redis-server.js'
import {runCli} from '../helpers/run-cli.js'

describe('a port that is not Redis (#19)', () => {
  let http: Server
  let port: number
  beforeAll(async () => {
    http = createServer((_req, res) => res.end('ok'))
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    port = (http.address() as AddressInfo).port
  })
  afterAll(async () => {
    http.closeAllConnections()
    await new Promise((resolve) => http.close(resolve))
  })

  it('an HTTP server is "not a Redis server (it answered like HTTP)", not ioredis\'s parser error', async () => {
    const run = await runCli(['redis', 'stats', '--redis', `redis://127.0.0.1:${port}`, '--json'])
    expect(run.code).toBe(2)
    const finding = (JSON.parse(run.stdout) as Report).findings.find((f) => f.id === 'redis.unreachable')!
    expect(finding.detail).toBe(`127.0.0.1:${port}: this is not a Redis server (it answered like HTTP); check the host and port of --redis`)
    expect(run.stdout).not.toMatch(/RESP|Please report|closed the connection/)
  })

  it.each([
    ['Unknown RESP type 72 "H". Please report this.', 'it answered like HTTP'],
    ['Unknown RESP type 60 "<". Please report this.', 'it answered like HTTP'],
    ['Protocol error, got "H" as reply type byte', 'it answered like HTTP'],
    ['Unknown RESP type 83 "S". Please report this.', 'it answered like SSH'],
    ['connect ECONNREFUSED 127.0.0.1:1', undefined],
  ])('%s', (message, expected) => {
    expect(notRedisReply(message)).toBe(expected)
  })
})

describe("redis-cli's flags (#19)", () => {
  let redis: TestRedis
  beforeAll(async () => {
    redis = await startRedis(['--requirepass', 'right'], {password: 'right'})
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it.each([
    [{host: 'db.internal'}, 'redis://db.internal:6379'],
    [{port: 6380}, 'redis://127.0.0.1:6380'],
    [{redis: 'redis://cache:7000/2', host: 'other'}, 'redis://other:7000/2'],
    [{pass: 'p@ss word'}, 'redis://:p%40ss%20word@127.0.0.1:6379'],
    [{host: '::1'}, 'redis://[::1]:6379'],
    [{redis: 'redis://x:1'}, 'redis://x:1'],
  ])('%j -> %s', (flags, url) => {
    expect(redisUrlOf(flags)).toBe(url)
  })

  it('--host, -p, -n and -a reach the server, with the ps warning for -a; -h stays help', async () => {
    const run = await runCli(['redis', 'stats', '--host', '127.0.0.1', '-p', String(redis.port), '-n', '3', '-a', 'right', '--json'])
    expect(run.stderr).toContain('Warning: the password of -a/--pass shows in ps and the shell history')
    const report = JSON.parse(run.stdout) as Report
    expect(report.findings.map((f) => f.id)).not.toContain('redis.unreachable')
    expect(report.findings.map((f) => f.id)).not.toContain('redis.auth-failed')
    expect(run.stdout).not.toContain('right')
    const help = await runCli(['redis', 'stats', '-h'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/-p, --port=<value>/)
    expect(help.stdout).toMatch(/-n, --db=<value>/)
    expect(help.stdout).toMatch(/-a, --pass=<value>/)
  })
})

describe('-a against a Redis that asks for no password', () => {
  let redis: TestRedis
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it.each([[[]], [['--json']]])("redis scan -a secret %j: sessdoc's own lines, no raw ioredis [WARN]", async (extra) => {
    const run = await runCli(['redis', 'scan', '--redis', redis.url, '-a', 'secret', ...extra])
    expect(run.code).toBe(0)
    expect(run.stderr).not.toMatch(/\[WARN\]|does not require a password/)
    expect(run.stderr.trim().split('\n')).toEqual([
      'Warning: the password of -a/--pass shows in ps and the shell history: set SESSDOC_REDIS_PASSWORD (or REDISCLI_AUTH) instead',
    ])
    expect(run.stdout).toContain('the server requires no password, but one was given: it is not needed')
    expect(run.stdout).not.toContain('secret')
  })
})
