import {spawn} from 'node:child_process'
import {writeFile} from 'node:fs/promises'
import {type AddressInfo, createServer} from 'node:net'
import {join} from 'node:path'
import {Redis} from 'ioredis'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {passwordWarning} from '../../src/core/redis/connection/client.js'
import {
  connectionFailureFinding,
  connectRedis,
  describeTarget,
  parseClusterNodes,
  type RedisTarget,
  RedisTargetError,
  redisTarget,
} from '../../src/core/redis/connection/index.js'
import {freePort, startCluster, startRedis, type TestCluster, type TestRedis} from '../helpers/redis-server.js'

const timeout = 1000
const target = (url: string, extra: Partial<RedisTarget> = {}): RedisTarget => ({url, connectTimeoutMs: timeout, ...extra})

describe('redisTarget', () => {
  it('defaults to loopback 6379 and takes the password from the environment', () => {
    const {target, warnings} = redisTarget({}, {REDISCLI_AUTH: 'pw'})
    expect(target).toEqual({url: 'redis://127.0.0.1:6379', connectTimeoutMs: 3000, password: 'pw'})
    expect(warnings).toEqual([])
  })
  it('prefers SESSDOC_REDIS_PASSWORD, moves a URL password out of the URL and warns', () => {
    expect(redisTarget({}, {SESSDOC_REDIS_PASSWORD: 'a', REDISCLI_AUTH: 'b'}).target.password).toBe('a')
    const {target, warnings} = redisTarget({url: 'redis://audit:s%40cret@10.0.0.5:6380/2'}, {})
    expect(target.password).toBe('s@cret')
    expect(target.url).toBe('redis://audit@10.0.0.5:6380/2')
    expect(target.db).toBe(2)
    expect(describeTarget(target)).not.toContain('cret')
    expect(warnings[0]).toMatch(/SESSDOC_REDIS_PASSWORD/)
  })
  it('lets --db override the URL path and parses sentinels', () => {
    const {target} = redisTarget({url: 'redis://h:1/3', db: 5, sentinel: 'a:26379,b', sentinelMaster: 'sessions', connectTimeout: 500}, {})
    expect(target.db).toBe(5)
    expect(target.sentinels).toEqual([
      {host: 'a', port: 26379},
      {host: 'b', port: 26379},
    ])
    expect(target.connectTimeoutMs).toBe(500)
  })
  it.each([['http://x'], ['redis://h:1/abc']])('rejects %s', (url) => {
    expect(() => redisTarget({url: url}, {})).toThrow(RedisTargetError)
  })
  it('rejects --sentinel without --sentinel-master', () => {
    expect(() => redisTarget({sentinel: 'a:1'}, {})).toThrow(/sentinel-master/)
  })
})

describe('parseClusterNodes', () => {
  it('reads primaries, replicas, slots and fills an empty address from the seed', () => {
    const text = [
      'aaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460',
      'bbb :7001@17001 master - 0 0 2 connected 5461-10922 [10923->-ccc]',
      'ccc 10.0.0.3:7002@17002,redis-3 master,fail - 0 0 3 disconnected 10923-16383',
      'ddd 10.0.0.4:7003@17003 slave aaa 0 0 1 connected',
    ].join('\n')
    const nodes = parseClusterNodes(text, {host: 'seed', port: 7000})
    expect(nodes.map((n) => [n.id, n.address, n.role, n.slots])).toEqual([
      ['aaa', '127.0.0.1:7000', 'primary', 5461],
      ['bbb', 'seed:7001', 'primary', 5462],
      ['ccc', '10.0.0.3:7002', 'primary', 5461],
      ['ddd', '10.0.0.4:7003', 'replica', 0],
    ])
    expect(nodes[3]!.primaryId).toBe('aaa')
  })
})

describe('connectRedis against real servers', () => {
  let plain: TestRedis
  let secured: TestRedis
  beforeAll(async () => {
    ;[plain, secured] = await Promise.all([startRedis(), startRedis(['--requirepass', 'right'], {password: 'right'})])
    const admin = secured.client({password: 'right'})
    await admin.connect()
    await admin.call(
      'ACL',
      'SETUSER',
      'audit',
      'on',
      '>auditpw',
      '~*',
      '+@read',
      '+info',
      '+ping',
      '+client',
      '+cluster',
      '+scan',
      '+memory',
    )
    admin.disconnect()
  })
  afterAll(async () => {
    await Promise.all([plain?.stop(), secured?.stop()])
  })

  it('connects to a standalone server and closes every client', async () => {
    const connection = await connectRedis(target(plain.url))
    expect(connection.ok).toBe(true)
    if (!connection.ok) return
    expect(connection.mode).toBe('standalone')
    expect(connection.version).toMatch(/^\d+\.\d+/)
    expect(connection.nodes).toHaveLength(1)
    expect(connection.nodes[0]!.role).toBe('primary')
    expect(await connection.nodes[0]!.client.ping()).toBe('PONG')
    await connection.close()
    expect(connection.nodes[0]!.client.status).toBe('end')
  })

  it('reports a closed port as unreachable, fast', async () => {
    const port = await freePort()
    const started = Date.now()
    const connection = await connectRedis(target(`redis://127.0.0.1:${port}`))
    expect(Date.now() - started).toBeLessThan(timeout)
    expect(connection).toMatchObject({ok: false, kind: 'unreachable'})
    if (connection.ok) return
    expect(connection.message).toMatch(/ECONNREFUSED|nothing listens/)
    const finding = connectionFailureFinding(connection, target(`redis://127.0.0.1:${port}`))
    expect(finding).toMatchObject({id: 'redis.unreachable', severity: 'critical', source: 'redis'})
  })

  it('reports a wrong password as auth-failed without showing it', async () => {
    const connection = await connectRedis(target(secured.url, {password: 'wrong-one'}))
    expect(connection).toMatchObject({ok: false, kind: 'auth-failed'})
    if (connection.ok) return
    expect(connection.message).not.toContain('wrong-one')
    expect(connection.message).toMatch(/SESSDOC_REDIS_PASSWORD/)
    expect(connectionFailureFinding(connection, target(secured.url)).id).toBe('redis.auth-failed')
  })

  it("a password given to a server that asks for none: sessdoc's note, never ioredis's console line", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const connection = await connectRedis(target(plain.url, {password: 'secret'}))
      expect(connection.ok).toBe(true)
      if (!connection.ok) return
      expect(connection.warnings).toEqual([passwordWarning])
      expect(await connection.nodes[0]!.client.ping()).toBe('PONG')
      await connection.close()
      expect(warn).not.toHaveBeenCalled()
    } finally {
      warn.mockRestore()
    }
  })

  it('a password the server needs gives no note', async () => {
    const connection = await connectRedis(target(secured.url, {password: 'right'}))
    expect(connection).toMatchObject({ok: true, warnings: []})
    if (connection.ok) await connection.close()
  })

  it('reports a missing password as auth-failed', async () => {
    const connection = await connectRedis(target(secured.url))
    expect(connection).toMatchObject({ok: false, kind: 'auth-failed'})
  })

  it('connects as an ACL user with the password from the environment', async () => {
    const {target: t} = redisTarget(
      {url: `redis://audit@127.0.0.1:${secured.port}`, connectTimeout: timeout},
      {SESSDOC_REDIS_PASSWORD: 'auditpw'},
    )
    const connection = await connectRedis(t)
    expect(connection.ok).toBe(true)
    if (!connection.ok) return
    expect(await connection.nodes[0]!.client.call('ACL', 'WHOAMI').catch(() => 'denied')).toMatch(/audit|denied/)
    await connection.close()
  })

  it('fails an ACL user with the wrong password as auth-failed', async () => {
    const connection = await connectRedis(target(`redis://audit@127.0.0.1:${secured.port}`, {password: 'nope'}))
    expect(connection).toMatchObject({ok: false, kind: 'auth-failed'})
  })

  it('gives rediss:// against a plain server a clear TLS failure within the timeout', async () => {
    const started = Date.now()
    const connection = await connectRedis(target(`rediss://127.0.0.1:${plain.port}`))
    expect(Date.now() - started).toBeLessThan(timeout * 2 + 500)
    expect(connection).toMatchObject({ok: false, kind: 'tls'})
    if (connection.ok) return
    expect(connection.message).toMatch(/TLS/)
    expect(connectionFailureFinding(connection, target(plain.url)).id).toBe('redis.unreachable')
  })

  it('a db the server lacks is bad-db, never db 0: with the count of databases, or why it is unknown', async () => {
    const admin = secured.client({password: 'right'})
    await admin.connect()
    await admin.call('ACL', 'SETUSER', 'noconfig', 'on', '>ncpw', '~*', '+@read', '+ping', '+client', '+select', '+info')
    admin.disconnect()
    const outOfRange = await connectRedis(target(secured.url, {password: 'right', db: 16}))
    expect(outOfRange).toMatchObject({ok: false, kind: 'bad-db'})
    if (!outOfRange.ok) expect(outOfRange.message).toMatch(/db 16 is out of range: the server has 16 databases \(0-15\); give one/)
    const blind = await connectRedis(target(`redis://noconfig@127.0.0.1:${secured.port}`, {password: 'ncpw', db: 99}))
    expect(blind).toMatchObject({ok: false, kind: 'bad-db'})
    if (!blind.ok) expect(blind.message).toMatch(/CONFIG GET databases is refused/)
    const denied = await connectRedis(target(`redis://audit@127.0.0.1:${secured.port}`, {password: 'auditpw', db: 2}))
    expect(denied).toMatchObject({ok: false, kind: 'bad-db'})
    if (!denied.ok) expect(denied.message).toMatch(/cannot SELECT db 2 .*grant \+select/)
    const fine = await connectRedis(target(secured.url, {password: 'right', db: 15}))
    expect(fine).toMatchObject({ok: true, db: 15})
    if (fine.ok) {
      expect(await fine.nodes[0]!.client.call('CLIENT', 'INFO')).toMatch(/ db=15 /)
      await fine.close()
    }
  })

  it('stops connecting when aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const connection = await connectRedis(target(plain.url), {signal: controller.signal})
    expect(connection).toMatchObject({ok: false, kind: 'unreachable'})
  })
})

describe('connectRedis against a cluster', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster(3)
  })
  afterAll(async () => {
    await cluster?.stop()
  })

  it('detects the cluster and opens one client per primary', async () => {
    const connection = await connectRedis(target(cluster.nodes[1]!.url))
    expect(connection.ok).toBe(true)
    if (!connection.ok) return
    expect(connection.mode).toBe('cluster')
    expect(connection.nodes.map((n) => Number(n.address.split(':')[1])).sort()).toEqual(cluster.nodes.map((n) => n.port).sort())
    expect(connection.nodes.every((n) => n.role === 'primary')).toBe(true)
    expect(connection.clusterNodes).toHaveLength(3)
    const sizes = await Promise.all(connection.nodes.map((n) => n.client.dbsize()))
    expect(sizes).toHaveLength(3)
    await connection.close()
    expect(connection.nodes.every((n) => n.client.status === 'end')).toBe(true)
  })

  it('a db other than 0 on a Cluster is bad-db (Cluster nodes refuse SELECT; they would be read as db 0)', async () => {
    const connection = await connectRedis(target(cluster.nodes[0]!.url, {db: 1}))
    expect(connection).toMatchObject({ok: false, kind: 'bad-db'})
    if (!connection.ok) expect(connection.message).toMatch(/Redis Cluster, which has only db 0.*drop --db/)
  })
})

describe('connectRedis with a replica and Sentinel', () => {
  let primary: TestRedis
  let replica: TestRedis
  let sentinelPort: number
  let sentinel: ReturnType<typeof spawn> | undefined
  beforeAll(async () => {
    primary = await startRedis()
    replica = await startRedis(['--replicaof', '127.0.0.1', String(primary.port)])
    sentinelPort = await freePort()
    const conf = join(primary.dir, 'sentinel.conf')
    await writeFile(
      conf,
      `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor sessions 127.0.0.1 ${primary.port} 1\nsentinel down-after-milliseconds sessions 5000\n`,
    )
    sentinel = spawn('redis-server', [conf, '--sentinel'], {stdio: 'ignore'})
    const probe = new Redis({port: sentinelPort, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0})
    probe.on('error', () => {})
    const admin = primary.client()
    await admin.connect()
    const deadline = Date.now() + 15_000
    try {
      for (;;) {
        try {
          if (probe.status !== 'ready') await probe.connect()
          const master = (await probe.call('SENTINEL', 'master', 'sessions')) as string[]
          const online = /slave0:.*state=online/.test(await admin.info('replication'))
          if (master[master.indexOf('num-slaves') + 1] === '1' && online) break
        } catch {
          probe.disconnect()
        }
        if (Date.now() > deadline) throw new Error('the replica did not come online, or Sentinel did not see it')
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      probe.disconnect()
      admin.disconnect()
    }
  })
  afterAll(async () => {
    sentinel?.kill('SIGKILL')
    await Promise.all([replica?.stop(), primary?.stop()])
  })

  it('reads from the online replica with --replica', async () => {
    const connection = await connectRedis(target(primary.url, {replica: true}))
    expect(connection.ok).toBe(true)
    if (!connection.ok) return
    expect(connection.nodes.map((n) => [n.address, n.role])).toEqual([[`127.0.0.1:${replica.port}`, 'replica']])
    await connection.close()
  })

  it('asks the Sentinels for the master and keeps their view', async () => {
    const {target: t} = redisTarget({sentinel: `127.0.0.1:${sentinelPort}`, sentinelMaster: 'sessions', connectTimeout: timeout}, {})
    const connection = await connectRedis(t)
    expect(connection.ok).toBe(true)
    if (!connection.ok) return
    expect(connection.mode).toBe('sentinel')
    expect(connection.nodes[0]!.address).toBe(`127.0.0.1:${primary.port}`)
    expect(connection.sentinel).toEqual({master: `127.0.0.1:${primary.port}`, masterName: 'sessions', quorum: 1, sentinels: 1, replicas: 1})
    await connection.close()
  })

  it('reports an unknown master name as unreachable', async () => {
    const connection = await connectRedis(
      target('redis://127.0.0.1:6379', {sentinels: [{host: '127.0.0.1', port: sentinelPort}], sentinelMaster: 'nope'}),
    )
    expect(connection).toMatchObject({ok: false, kind: 'unreachable'})
    if (connection.ok) return
    expect(connection.message).toMatch(/does not know a master named nope/)
  })
})

describe('AUTH user password against a Redis before 6 (no ACL users)', () => {
  it('is auth-failed and says to drop the user, not a raw ioredis [ERROR] line', async () => {
    // Redis 5 answers AUTH with two arguments like this; nothing else is sent before it.
    const server = createServer((socket) => {
      socket.on('data', () => socket.write("-ERR wrong number of arguments for 'auth' command\r\n"))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as AddressInfo
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const connection = await connectRedis(target(`redis://audit@127.0.0.1:${port}`, {password: 'pw'}))
      expect(connection).toMatchObject({ok: false, kind: 'auth-failed'})
      if (!connection.ok)
        expect(connection.message).toMatch(/as audit: this Redis \(before 6\) has no ACL users .*drop the user from --redis/)
      expect(warn).not.toHaveBeenCalled()
    } finally {
      warn.mockRestore()
      server.close()
    }
  })
})
