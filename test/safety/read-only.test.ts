import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startRedis, type TestRedis} from '../helpers/redis-server.js'
import {runCli} from '../helpers/run-cli.js'

/** The least privilege sessdoc needs, as the README's Safety section gives it. */
/** The same with read-only scripts, for the faster server-side scan step (scripts run with the user's rights). */
const readOnlyAclWithScripts = '+eval +evalsha +script|load'
const readOnlyAcl =
  '+@read +@connection -@write -@dangerous +info +config|get +memory|usage +role +cluster|nodes +cluster|info +client|setname'

let server: TestRedis
const env = {SESSDOC_REDIS_PASSWORD: 'audit-pw'}

async function digest(): Promise<string> {
  const admin = server.client()
  try {
    const info = String(await admin.call('INFO', 'keyspace'))
    const digestValue = String(await admin.call('DEBUG', 'DIGEST'))
    return `${digestValue}\n${info.replace(/avg_ttl=\d+/g, '')}`
  } finally {
    admin.disconnect()
  }
}

beforeAll(async () => {
  server = await startRedis(['--enable-debug-command', 'yes'])
  const admin = server.client()
  await admin.call('ACL', 'SETUSER', 'audit', 'on', '>audit-pw', '~*', '&*', ...readOnlyAcl.split(' '))
  await admin.call(
    'ACL',
    'SETUSER',
    'audit-lua',
    'on',
    '>audit-pw',
    '~*',
    '&*',
    ...readOnlyAcl.split(' '),
    ...readOnlyAclWithScripts.split(' '),
  )
  const pipeline = admin.pipeline()
  for (let i = 0; i < 300; i++) {
    const id = `0b7c${String(i).padStart(4, '0')}-1111-4222-8333-${String(i).padStart(12, '0')}`
    pipeline.hset(`spring:session:sessions:${id}`, 'creationTime', String(i), 'maxInactiveInterval', '1800')
    if (i % 3 !== 0) pipeline.expire(`spring:session:sessions:${id}`, 3600)
  }
  pipeline.set('app:feature-flags', 'x')
  await pipeline.exec()
  admin.disconnect()
})
afterAll(async () => {
  await server?.stop()
})

describe('read-only against Redis', () => {
  it('the audit user is denied every write', async () => {
    const audit = server.client({username: 'audit', password: 'audit-pw'})
    await expect(audit.set('x', '1')).rejects.toThrow(/NOPERM/)
    await expect(audit.expire('app:feature-flags', 10)).rejects.toThrow(/NOPERM/)
    audit.disconnect()
  })

  it('a script cannot write for the audit user allowed scripts either', async () => {
    const audit = server.client({username: 'audit-lua', password: 'audit-pw'})
    await expect(audit.eval("return redis.call('SET', KEYS[1], 'x')", 1, 'app:feature-flags')).rejects.toThrow(
      /user executing the script can't run this command/,
    )
    audit.disconnect()
  })

  it.each([
    ['redis scan', ['redis', 'scan'], 'audit'],
    ['redis scan with scripts', ['redis', 'scan'], 'audit-lua'],
    ['redis stats', ['redis', 'stats'], 'audit'],
    ['diagnose', ['diagnose'], 'audit'],
    ['diagnose with scripts', ['diagnose'], 'audit-lua'],
  ])('%s works as that user and leaves the data byte-identical', async (_name, command, user) => {
    const before = await digest()
    const run = await runCli([...command, '--redis', `redis://${user}@127.0.0.1:${server.port}`, '--json'], {env})
    const report = JSON.parse(run.stdout) as {
      sources: {redis?: {status: string; sessions?: number; sessionsWithoutTtl?: number}}
      findings: Array<{id: string}>
    }
    expect(report.sources.redis?.status).toBe('analyzed')
    expect(report.findings.map((f) => f.id)).not.toContain('redis.auth-failed')
    if (command[1] !== 'stats') expect(report.sources.redis).toMatchObject({sessions: 300, sessionsWithoutTtl: 100})
    expect(await digest()).toBe(before)
  })
})
