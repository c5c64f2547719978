import type {Redis} from 'ioredis'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import * as load from '../../../fixtures/redis/load.mjs'
import {hashId} from '../../../src/core/redact.js'
import {scanRedis} from '../../../src/core/redis/scan/index.js'
import {scanResult} from '../../helpers/redis-results.js'
import {freePort, startRedis, type TestRedis} from '../../helpers/redis-server.js'
import {figuresOf} from '../../helpers/sections.js'
import {connect, target} from './helpers.js'

let server: TestRedis
let admin: Redis

beforeAll(async () => {
  server = await startRedis()
  admin = server.client()
  await admin.connect()
})
afterAll(async () => {
  admin?.disconnect()
  await server?.stop()
})
beforeEach(async () => {
  await admin.flushall()
})

async function loadAll(): Promise<{spring: load.SpringTruth; keys: number}> {
  const spring = await load.loadSpring(admin, {sessions: 1000, noTtl: 10, large: 5, huge: 1})
  const others = [
    await load.loadRedisson(admin, {sessions: 100, noTtl: 3}),
    await load.loadTomcatRedisSessionManager(admin, {sessions: 100, noTtl: 2, placeholders: 4}),
    await load.loadConnectRedis(admin, {sessions: 100, noTtl: 1}),
    await load.loadPhp(admin, {sessions: 100, noTtl: 1}),
    await load.loadGeneric(admin, {sessions: 100, noTtl: 1, ttl: 120}),
    await load.loadNoise(admin, {keys: 50}),
  ]
  return {spring, keys: spring.keys + others.reduce((n, o) => n + o.keys, 0)}
}

describe('scanRedis on every layout (planted truth)', () => {
  it.each(['lua', 'pipeline'] as const)('counts sessions, keys without TTL, companions and sizes exactly (%s probe)', async (method) => {
    const {spring, keys} = await loadAll()
    const connection = await connect(server.url)
    try {
      const result = await scanRedis(connection, {method, count: 200})
      const f = result.figures
      expect(result.partial).toBe(false)
      expect(f.scan.probe).toBe(method)
      expect(f.keysScanned).toBe(keys)
      expect(f.preset).toBe('spring-session')
      expect(f.sessions).toBe(1000 + 100 * 5)
      expect(f.sessionsWithoutTtl).toBe(10 + 3 + 2 + 1 + 1 + 1)
      const s = f.layouts['spring-session']!
      expect(s.sessions).toBe(spring.sessions)
      expect(s.sessionsWithoutTtl).toBe(spring.sessionsWithoutTtl)
      expect(s.companions).toEqual({
        expires: {keys: spring.expiresKeys, withoutTtl: 0},
        expirations: {keys: spring.expirationSets, withoutTtl: 0},
        index: {keys: spring.indexSets, withoutTtl: spring.indexSets},
      })
      expect(s.sizeBytes.atLeast10KB).toBe(spring.atLeast10KB)
      expect(s.sizeBytes.atLeast100KB).toBe(spring.atLeast100KB)
      expect(s.timeout.maxInactiveInterval['-1']).toBe(10)
      expect(s.timeout.noTtlNeverExpiring).toBe(10)
      expect(s.timeout.effectiveSeconds).toBe(1800)
      expect(s.ttlHistogram.find((b) => b.le === null)!.count).toBe(10)
      expect(s.ttlHistogram.find((b) => b.le === 7200)!.count).toBe(990)
      expect(f.largestSessions[0]).toMatchObject({
        key: `spring:session:sessions:sid:${hashId(spring.hugeIds[0]!)}`,
        preset: 'spring-session',
      })
      expect(f.largestSessions[0]!.bytes).toBeGreaterThan(150_000)
      expect(f.sizeBytes.max).toBe(f.largestSessions[0]!.bytes)
      expect(f.layouts['redisson-tomcat']).toMatchObject({sessions: 100, sessionsWithoutTtl: 3})
      expect(f.layouts['redisson-tomcat']!.timeout.noTtlNeverExpiring).toBe(3)
      expect(f.layouts['tomcat-redis-session-manager']).toMatchObject({
        sessions: 100,
        sessionsWithoutTtl: 2,
        companions: {placeholder: {keys: 4, withoutTtl: 4}},
      })
      expect(f.layouts['connect-redis']).toMatchObject({sessions: 100, sessionsWithoutTtl: 1})
      expect(f.layouts.php).toMatchObject({sessions: 100, sessionsWithoutTtl: 1})
      expect(f.layouts.generic).toMatchObject({sessions: 100, sessionsWithoutTtl: 1})
      expect(f.layouts.generic!.timeout).toMatchObject({effectiveSeconds: 120, source: 'ttl'})
      expect(f.scan.unclassified).toBe(50)
      // keys without expiry: 18 sessions + 20 index sets + 4 placeholders + 25 counters.
      expect(f.expiryCheck).toMatchObject({
        keysWithoutExpiry: 18 + 20 + 4 + 25,
        scannedWithoutTtl: 18 + 20 + 4 + 25,
        sessionKeysWithoutTtl: 42,
        verdict: 'partly',
      })
      expect(result.findings.map((x) => x.id).sort()).toEqual(['redis.large-sessions', 'redis.no-ttl', 'redis.short-ttl'])
      const noTtl = result.findings.find((x) => x.id === 'redis.no-ttl')!
      expect(noTtl.severity).toBe('warning')
      expect(noTtl.detail).toMatch(/18 of 1,500 session keys/)
      expect(noTtl.detail).toMatch(/keys without expiry/)
      expect(result.findings.find((x) => x.id === 'redis.short-ttl')!.detail).toMatch(/generic: no session TTL is above 120 s/)
      // No raw session id anywhere in the result.
      const json = JSON.stringify(result)
      for (const id of [...spring.noTtlIds, ...spring.hugeIds]) expect(json).not.toContain(id)
      expect(json).not.toMatch(/[0-9A-F]{32}/)
    } finally {
      await connection.close()
    }
  })

  it('reads JSON-serialized Spring values under a custom namespace with --preset and --namespace', async () => {
    await load.loadSpring(admin, {sessions: 200, noTtl: 4, large: 0, huge: 0, namespace: 'shop:sess', json: true, interval: 120})
    await load.loadGeneric(admin, {sessions: 10})
    const connection = await connect(server.url)
    try {
      const {figures, findings} = await scanRedis(connection, {preset: 'spring-session', namespace: 'shop:sess'})
      expect(figures.scan.match).toBe('shop:sess:*')
      expect(Object.keys(figures.layouts)).toEqual(['spring-session'])
      expect(figures.layouts['spring-session']).toMatchObject({sessions: 200, sessionsWithoutTtl: 4, namespaces: ['shop:sess']})
      expect(figures.layouts['spring-session']!.timeout).toMatchObject({
        effectiveSeconds: 120,
        source: 'maxInactiveInterval',
        noTtlNeverExpiring: 4,
      })
      expect(findings.find((f) => f.id === 'redis.short-ttl')?.detail).toMatch(/maxInactiveInterval 120 s/)
    } finally {
      await connection.close()
    }
  })

  it('sizes only a share of sessions with sampleMemory and a custom pattern', async () => {
    await load.loadGeneric(admin, {sessions: 400, noTtl: 0, ttl: 3600, seed: 'a'})
    const connection = await connect(server.url)
    try {
      const {figures} = await scanRedis(connection, {pattern: 'session:*', sampleMemory: 0.25})
      expect(figures.sessions).toBe(400)
      expect(figures.layouts.generic!.sizeBytes.sized).toBe(100)
      expect(figures.sessionMemory.estimated).toBe(true)
      expect(figures.sessionMemory.totalBytes).toBe(figures.layouts.generic!.sizeBytes.sizedBytes * 4)
    } finally {
      await connection.close()
    }
  })

  it('probes keys holding a newline, and the empty key, one argument each', async () => {
    await admin.set('session:with\nnewline', 'x')
    await admin.set('', 'empty key', 'EX', 100)
    await load.loadGeneric(admin, {sessions: 10, noTtl: 0, seed: 'nl'})
    const connection = await connect(server.url)
    try {
      const {figures} = await scanRedis(connection, {method: 'lua'})
      expect(figures).toMatchObject({keysScanned: 12, sessions: 11, sessionsWithoutTtl: 1})
      expect(figures.scan.unclassified).toBe(1)
    } finally {
      await connection.close()
    }
  })

  it("takes keys of a layout's shape but another type in its stride (WRONGTYPE is no failure)", async () => {
    await admin.set('spring:session:sessions:not-a-hash', 'x')
    await admin.hset('0123456789ABCDEF0123456789ABCDEF', 'f', 'v')
    const connection = await connect(server.url)
    try {
      const {figures, partial} = await scanRedis(connection, {})
      expect(partial).toBe(false)
      expect(figures.layouts['spring-session']).toMatchObject({sessions: 1, sessionsWithoutTtl: 1})
      expect(figures.layouts['tomcat-redis-session-manager']).toMatchObject({sessions: 1, sessionsWithoutTtl: 1, companions: {}})
    } finally {
      await connection.close()
    }
  })

  it('--fix-ttl: a dry run changes nothing; --yes sets a TTL on no-TTL sessions only', async () => {
    const spring = await load.loadSpring(admin, {sessions: 100, noTtl: 5, large: 0, huge: 0})
    await load.loadNoise(admin, {keys: 10})
    const ttlsBefore = await allTtls(admin)
    const connection = await connect(server.url)
    try {
      const dry = await scanRedis(connection, {fixTtl: {seconds: 600, apply: false}})
      expect(dry.figures.fixTtl).toMatchObject({dryRun: true, candidates: 5, changed: 0})
      expect(dry.figures.fixTtl!.keys).toHaveLength(5)
      expect(await allTtls(admin)).toEqual(ttlsBefore)
      const applied = await scanRedis(connection, {fixTtl: {seconds: 600, apply: true}})
      expect(applied.figures.fixTtl).toMatchObject({dryRun: false, candidates: 5, changed: 5, failed: 0})
      const after = await allTtls(admin)
      const changed = [...after]
        .filter(([key, ttl]) => ttlsBefore.get(key) !== ttl)
        .map(([key]) => key)
        .sort()
      expect(changed).toEqual(spring.noTtlIds.map((id) => `spring:session:sessions:${id}`).sort())
      for (const key of changed) expect(after.get(key)).toBe(600)
      const again = await scanRedis(connection, {fixTtl: {seconds: 600, apply: true}})
      expect(again.figures.fixTtl).toMatchObject({candidates: 0, changed: 0})
    } finally {
      await connection.close()
    }
  })

  it('counts keys that expire or are deleted during the scan as vanished, and finishes', async () => {
    await load.inChunks(admin, 4000, (p, i) => (i % 2 ? p.set(`session:v${i}`, 'x', 'PX', 150) : p.set(`session:v${i}`, 'x', 'EX', 3600)))
    const connection = await connect(server.url)
    try {
      const deleting = (async () => {
        for (let i = 0; i < 4000; i += 8) await admin.del(`session:v${i}`)
      })()
      const {figures, partial} = await scanRedis(connection, {count: 100, maxRate: 8000})
      await deleting
      expect(partial).toBe(false)
      // Every key SCAN returned is either a session read or counted as vanished (gone before PTTL).
      expect(figures.sessions + figures.scan.vanished).toBe(figures.keysScanned)
      expect(figures.sessions).toBeLessThanOrEqual(figures.keysScanned)
      expect(figures.keysScanned).toBeLessThanOrEqual(4000)
    } finally {
      await connection.close()
    }
  })

  it.each([
    [2, 'lua'],
    [4, 'lua'],
    [2, 'pipeline'],
  ] as const)('walks the keyspace in %i cursor lanes (%s probe): the same counts, repeats at lane ends dropped', async (lanes, method) => {
    const {spring, keys} = await loadAll()
    const connection = await connect(server.url)
    try {
      const {figures: f, partial} = await scanRedis(connection, {method, count: 200, lanes})
      expect(partial).toBe(false)
      expect(f.keysScanned).toBe(keys)
      expect(f.scanNodes.map((node) => node.lanes)).toEqual([lanes])
      // A lane's last call may run past its share into the next (SCAN fills COUNT): those repeats are dropped.
      expect(f.scan.duplicates).toBeLessThanOrEqual((lanes - 1) * 200)
      expect(f.sessions).toBe(1000 + 100 * 5)
      expect(f.sessionsWithoutTtl).toBe(10 + 3 + 2 + 1 + 1 + 1)
      expect(f.layouts['spring-session']!.sessionsWithoutTtl).toBe(spring.sessionsWithoutTtl)
    } finally {
      await connection.close()
    }
  })

  it('finds every key present throughout while keys added mid-scan make the table grow (lanes)', async () => {
    await load.loadGeneric(admin, {sessions: 3000, noTtl: 3000, seed: 'before'})
    const connection = await connect(server.url)
    try {
      const growing = (async () => {
        for (let round = 0; round < 10; round++)
          await load.inChunks(admin, 2000, (p, i) => p.set(`cache:grow:${round}:${i}`, 'v', 'EX', 600))
      })()
      const {figures, partial} = await scanRedis(connection, {count: 40, lanes: 2, maxRate: 20_000})
      await growing
      expect(partial).toBe(false)
      // SCAN's guarantee, kept across the lanes: the keys there from start to end are all returned.
      expect(figures.sessionsWithoutTtl).toBe(3000)
    } finally {
      await connection.close()
    }
  })

  it('throttles to --max-rate', async () => {
    await load.loadGeneric(admin, {sessions: 3000, seed: 'rate'})
    const connection = await connect(server.url)
    try {
      const started = Date.now()
      const {figures} = await scanRedis(connection, {count: 100, maxRate: 5000})
      expect(figures.keysScanned).toBe(3000)
      expect(Date.now() - started).toBeGreaterThan(450)
    } finally {
      await connection.close()
    }
  })

  it('stops on abort with a partial result', async () => {
    await load.loadGeneric(admin, {sessions: 3000, seed: 'abort'})
    const connection = await connect(server.url)
    const controller = new AbortController()
    try {
      setTimeout(() => controller.abort(), 100)
      const {figures, partial} = await scanRedis(connection, {count: 100, maxRate: 3000, signal: controller.signal})
      expect(partial).toBe(true)
      expect(figures.keysScanned).toBeLessThan(3000)
      expect(figures.keysScanned).toBeGreaterThan(0)
    } finally {
      await connection.close()
    }
  })

  it('ends a scan of a paused server (CLIENT PAUSE) partial, within the timeout', async () => {
    await load.loadGeneric(admin, {sessions: 5000, seed: 'pause'})
    const connection = await connect(server.url, {connectTimeoutMs: 500})
    try {
      setTimeout(() => void admin.call('CLIENT', 'PAUSE', '1500', 'ALL'), 150)
      const started = Date.now()
      const {figures, partial, errors} = await scanRedis(connection, {count: 100, maxRate: 5000})
      expect(Date.now() - started).toBeLessThan(2500)
      expect(partial).toBe(true)
      expect(errors[0]!.message).toMatch(/timed out/i)
      expect(figures.keysScanned).toBeGreaterThan(0)
      expect(figures.keysScanned).toBeLessThan(5000)
    } finally {
      await connection.close()
      await admin.call('CLIENT', 'UNPAUSE')
    }
  })

  it('falls back to pipelines when an ACL user may not run scripts', async () => {
    await load.loadGeneric(admin, {sessions: 50, noTtl: 2, seed: 'acl'})
    await admin.call(
      'ACL',
      'SETUSER',
      'auditor',
      'on',
      '>pw',
      '~*',
      '+@read',
      '+@connection',
      '+info',
      '+memory',
      '+scan',
      '+client',
      '-@scripting',
    )
    const connection = await connect(`redis://auditor@127.0.0.1:${server.port}`, {password: 'pw'})
    try {
      const {figures} = await scanRedis(connection, {})
      expect(figures.scan.probe).toBe('pipeline')
      expect(figures).toMatchObject({sessions: 50, sessionsWithoutTtl: 2})
    } finally {
      await connection.close()
      await admin.call('ACL', 'DELUSER', 'auditor')
    }
  })
})

describe('redis scan results', () => {
  it('turns a closed port into a redis.unreachable finding with section status error', async () => {
    const port = await freePort()
    const result = await scanResult(target(`redis://127.0.0.1:${port}`))
    expect(result.key).toBe('redis')
    expect(result.section.status).toBe('error')
    expect(result.section.reason).toMatch(/cannot connect/)
    expect(result.findings.map((f) => [f.id, f.severity])).toEqual([['redis.unreachable', 'critical']])
  })

  it('returns the scan figures as an analyzed section', async () => {
    await load.loadGeneric(admin, {sessions: 20, noTtl: 20, seed: 'run'})
    const result = await scanResult(target(server.url))
    expect(result.section.status).toBe('analyzed')
    expect(figuresOf(result).scan).toMatchObject({sessions: 20, sessionsWithoutTtl: 20, preset: 'generic'})
    expect(result.section.partial).toBeUndefined()
    expect(result.findings.find((f) => f.id === 'redis.no-ttl')!.severity).toBe('critical')
  })
})

describe('a server killed mid-scan', () => {
  it('ends partial, quickly', async () => {
    const doomed = await startRedis()
    const client = doomed.client()
    await client.connect()
    await load.loadGeneric(client, {sessions: 5000, seed: 'kill'})
    const connection = await connect(doomed.url, {connectTimeoutMs: 500})
    try {
      // SHUTDOWN NOSAVE drops every connection at once, as a crash does.
      setTimeout(() => void client.call('SHUTDOWN', 'NOSAVE').catch(() => {}), 150)
      const started = Date.now()
      const {partial, errors} = await scanRedis(connection, {count: 100, maxRate: 5000})
      expect(Date.now() - started).toBeLessThan(2000)
      expect(partial).toBe(true)
      expect(errors).toHaveLength(1)
    } finally {
      await connection.close()
      client.disconnect()
      await doomed.stop()
    }
  })
})

async function allTtls(client: Redis): Promise<Map<string, number>> {
  const ttls = new Map<string, number>()
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 500)
    cursor = next
    for (const key of keys) ttls.set(key, await client.ttl(key))
  } while (cursor !== '0')
  return ttls
}
