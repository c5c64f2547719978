import {execFileSync, spawn} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Cluster} from 'ioredis'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {freePort, startCluster, startRedis, type TestRedis} from '../helpers/redis-server.js'
import {binPath, runCli} from '../helpers/run-cli.js'

// Faults of real servers, seen through the real binary: each ends within the connect timeout with
// a finding or a partial result, and the process exits on its own (no handle left open).

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessdoc-faults-'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

type Report = {
  status: string
  partial?: boolean
  findings: Array<{id: string; detail: string; severity: string}>
  sources: {redis?: {status: string; partial?: boolean; keysScanned?: number}}
}

async function timed(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{report: Report; code: number | null; seconds: number; stderr: string}> {
  const started = performance.now()
  const run = await runCli(args, {env, timeoutMs: 30_000})
  return {report: JSON.parse(run.stdout) as Report, code: run.code, seconds: (performance.now() - started) / 1000, stderr: run.stderr}
}

describe('TLS', () => {
  let server: TestRedis
  beforeAll(async () => {
    const ssl = (args: string[]): void => void execFileSync('openssl', args, {cwd: dir, stdio: 'ignore'})
    ssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=sessdoc-test-ca',
    ])
    ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'])
    await writeFile(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n')
    ssl([
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ])
    ssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'other.key',
      '-out',
      'other-ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=another-ca',
    ])
    const tlsPort = await freePort()
    server = await startRedis([
      '--tls-port',
      String(tlsPort),
      '--tls-cert-file',
      join(dir, 'server.pem'),
      '--tls-key-file',
      join(dir, 'server.key'),
      '--tls-ca-cert-file',
      join(dir, 'ca.pem'),
      '--tls-auth-clients',
      'no',
    ])
    ;(server as TestRedis & {tlsPort: number}).tlsPort = tlsPort
  }, 60_000)
  afterAll(async () => {
    await server?.stop()
  })

  it('connects with the right CA', async () => {
    const tlsPort = (server as TestRedis & {tlsPort: number}).tlsPort
    const {report, stderr} = await timed([
      'redis',
      'stats',
      '--redis',
      `rediss://127.0.0.1:${tlsPort}`,
      '--tls-ca',
      join(dir, 'ca.pem'),
      '--json',
    ])
    expect(report.sources.redis?.status).toBe('analyzed')
    expect(stderr).not.toMatch(/DeprecationWarning/)
  })

  it('a CA that did not sign the certificate is a finding within the timeout', async () => {
    const tlsPort = (server as TestRedis & {tlsPort: number}).tlsPort
    const {report, code, seconds, stderr} = await timed([
      'redis',
      'stats',
      '--redis',
      `rediss://127.0.0.1:${tlsPort}`,
      '--tls-ca',
      join(dir, 'other-ca.pem'),
      '--json',
      '--connect-timeout',
      '2000',
    ])
    expect(code).toBe(2)
    expect(report.findings[0]?.id).toBe('redis.unreachable')
    expect(report.findings[0]?.detail).toMatch(/TLS/)
    expect(seconds).toBeLessThan(10)
    expect(stderr).not.toMatch(/DeprecationWarning|\n\s+at /)
  })
})

describe('a Sentinel whose master is down', () => {
  it('is a redis.unreachable finding within the timeout', async () => {
    const master = await startRedis()
    const sentinelPort = await freePort()
    const conf = join(dir, 'sentinel.conf')
    await writeFile(
      conf,
      `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor sessions 127.0.0.1 ${master.port} 1\nsentinel down-after-milliseconds sessions 1000\n`,
    )
    const sentinel = spawn('redis-server', [conf, '--sentinel'], {stdio: 'ignore'})
    try {
      await new Promise((r) => setTimeout(r, 1000))
      await master.stop()
      const {report, code, seconds} = await timed([
        'redis',
        'stats',
        '--sentinel',
        `127.0.0.1:${sentinelPort}`,
        '--sentinel-master',
        'sessions',
        '--json',
        '--connect-timeout',
        '1500',
      ])
      expect(code).toBe(2)
      expect(report.findings.map((f) => f.id)).toContain('redis.unreachable')
      expect(seconds).toBeLessThan(12)
    } finally {
      sentinel.kill('SIGKILL')
    }
  }, 40_000)
})

describe('a server that goes away during a scan', () => {
  it.each(['killed', 'restarted'] as const)(
    '%s: the run ends partial or with a finding, and the process exits on its own',
    async (fault) => {
      const server = await startRedis()
      const admin = server.client()
      for (let batch = 0; batch < 20; batch++) {
        const pipeline = admin.pipeline()
        for (let i = 0; i < 5000; i++) pipeline.hset(`spring:session:sessions:${batch}-${i}`, 'maxInactiveInterval', '1800')
        await pipeline.exec()
      }
      admin.disconnect()
      const child = spawn(
        process.execPath,
        [binPath, 'redis', 'scan', '--redis', server.url, '--max-rate', '20000', '--json', '--connect-timeout', '1500'],
        {stdio: ['ignore', 'pipe', 'pipe']},
      )
      let stdout = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d))
      const started = performance.now()
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
      await new Promise((r) => setTimeout(r, 1500))
      const gone = new Promise((resolve) => server.process.once('exit', resolve))
      server.process.kill('SIGKILL')
      await gone
      // Restarted: a fresh (empty) server on the same port, as after a crash with no persistence.
      const again =
        fault === 'restarted'
          ? spawn('redis-server', ['--port', String(server.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
              stdio: 'ignore',
            })
          : undefined
      try {
        const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))])
        if (code === 'hung') child.kill('SIGKILL')
        expect(code).not.toBe('hung')
        const report = JSON.parse(stdout) as Report
        expect(report.sources.redis?.partial ?? report.sources.redis?.status === 'error').toBe(true)
        expect(report.sources.redis?.keysScanned ?? 0).toBeLessThan(100_000)
        expect((performance.now() - started) / 1000).toBeLessThan(12)
      } finally {
        again?.kill('SIGKILL')
        await server.stop()
      }
    },
    40_000,
  )
})

describe('a Cluster failing over during a scan', () => {
  it('ends complete or partial within the timeout, and the process exits on its own', async () => {
    const cluster = await startCluster(3, 1)
    try {
      const seed = cluster.nodes[0]!
      const loader = new Cluster([{host: '127.0.0.1', port: seed.port}], {lazyConnect: true})
      await loader.connect()
      for (let batch = 0; batch < 6; batch++) {
        await Promise.all(
          Array.from({length: 5000}, (_, i) => loader.hset(`spring:session:sessions:${batch}-${i}`, 'maxInactiveInterval', '1800')),
        )
      }
      loader.disconnect()
      // A replica to promote: any node whose ROLE says slave.
      let replica: TestRedis | undefined
      for (const node of cluster.nodes) {
        const c = node.client()
        const role = (await c.call('ROLE')) as unknown[]
        c.disconnect()
        if (role[0] === 'slave') replica = node
      }
      expect(replica).toBeDefined()
      const child = spawn(
        process.execPath,
        [binPath, 'redis', 'scan', '--redis', seed.url, '--max-rate', '10000', '--json', '--connect-timeout', '1500'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let stdout = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d))
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
      await new Promise((r) => setTimeout(r, 1200))
      const promote = replica!.client()
      await promote.call('CLUSTER', 'FAILOVER', 'FORCE')
      promote.disconnect()
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))])
      if (code === 'hung') child.kill('SIGKILL')
      expect(code).not.toBe('hung')
      const report = JSON.parse(stdout) as Report & {sources: {redis?: {sessions?: number}}}
      expect(['analyzed', 'error']).toContain(report.sources.redis?.status)
      // A failed-over node's counts are short (a demoted primary resyncs): never a silent undercount.
      if (!report.sources.redis?.partial && report.sources.redis?.status === 'analyzed') expect(report.sources.redis.sessions).toBe(30_000)
      else expect((report.sources.redis as {errors?: unknown[]}).errors?.length ?? 0).toBeGreaterThan(0)
    } finally {
      await cluster.stop()
    }
  }, 60_000)
})

describe('a lagging replica', () => {
  it('is redis.replication-broken, with the lag threshold taken from the config file', async () => {
    const primary = await startRedis()
    const replica = await startRedis(['--replicaof', '127.0.0.1', String(primary.port)])
    try {
      const admin = primary.client()
      for (let i = 0; ; i++) {
        const info = String(await admin.call('INFO', 'replication'))
        if (/slave0:.*state=online/.test(info)) break
        if (i > 100) throw new Error('the replica did not come online')
        await new Promise((r) => setTimeout(r, 100))
      }
      admin.disconnect()
      const config = join(dir, 'lag.yml')
      await writeFile(config, `redis:\n  url: ${primary.url}\n  scan: false\nthresholds:\n  replicaLagSeconds: 2\n`)
      // A replica that stops acknowledging (stopped process, saturated link) falls behind.
      replica.process.kill('SIGSTOP')
      await new Promise((r) => setTimeout(r, 3500))
      const {report, code} = await timed(['diagnose', '--config', config, '--json'])
      replica.process.kill('SIGCONT')
      const broken = report.findings.find((f) => f.id === 'redis.replication-broken')
      expect(broken?.detail).toMatch(/last acknowledged/)
      // Lag is a warning; a link that is down is critical.
      expect(broken?.severity).toBe('warning')
      expect(code).toBe(1)
    } finally {
      replica.process.kill('SIGCONT')
      await replica.stop()
      await primary.stop()
    }
  }, 40_000)
})
