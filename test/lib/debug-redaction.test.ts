import {describe, expect, it} from 'vitest'
import {redactDebugText, secretsIn} from '../../src/lib/debug-redaction.js'

const line = (command: string): string => `2026-01-01T00:00:00.000Z ioredis:redis write command[127.0.0.1:7000]: 0 -> ${command}`

describe('redactDebugText (no secret known beforehand: a password from a config file)', () => {
  it.each([
    ["auth([ 'audit', 'pw-from-file' ])", 'auth([ *** ])'],
    ["hello([ '3', 'AUTH', 'audit', 'pw-from-file' ])", 'hello([ *** ])'],
    ["config([ 'SET', 'requirepass', 'pw-from-file' ])", 'config([ *** ])'],
    ["CONFIG([ 'GET', 'maxmemory' ])", "CONFIG([ 'GET', 'maxmemory' ])"],
    ["INFO([ 'keyspace' ])", "INFO([ 'keyspace' ])"],
    ["scan([ '0', 'MATCH', 'myapp:sess:*', 'COUNT', '1000' ])", "scan([ '0', 'MATCH', 'myapp:sess:*', 'COUNT', '1000' ])"],
  ])('%s → %s', (command, expected) => {
    expect(redactDebugText(line(command), [])).toBe(line(expected))
  })

  it('hashes the session id of every key argument, keeping the layout prefix and the field names', () => {
    const out = redactDebugText(line("hmget([ 'spring:session:sessions:Qx7dK2mZpL9vR4sT', 'maxInactiveInterval' ])"), [])
    expect(out).toMatch(/hmget\(\[ 'spring:session:sessions:sid:[0-9a-f]{8}', 'maxInactiveInterval' \]\)$/)
    const pipeline = redactDebugText(line("memory([ 'USAGE', 'sess:abcDEF123ghi', 'SAMPLES', '64' ])"), [])
    expect(pipeline).toMatch(/memory\(\[ 'USAGE', 'sess:sid:[0-9a-f]{8}', 'SAMPLES', '64' \]\)$/)
    const cut = redactDebugText(line('evalsha("abc,2,sess:k3j4h5g6f7d8s9a0,0A1B2C3D4E5F6071.node1 ... <REDACTED full-length="900">")'), [])
    expect(cut).not.toMatch(/k3j4h5g6f7d8s9a0|0A1B2C3D4E5F6071/)
  })

  it('masks known secrets anywhere (an oclif argv dump over several lines), URL passwords and colours', () => {
    const argv = "oclif:main process.argv: [\n  '--password',\n  'hunter2',\n  '--redis',\n  'redis://u:p%40ss@h:1'\n]"
    const out = redactDebugText(`\u001b[36m${argv}\u001b[39m`, secretsIn(['--password', 'hunter2', 'redis://u:p%40ss@h:1'], {}))
    expect(out).not.toMatch(/hunter2|p%40ss|\u001b/)
    expect(out).toContain('redis://u:***@h:1')
  })

  it('secretsIn takes the environment, --password and --password=, and URL passwords raw and decoded', () => {
    expect(
      secretsIn(['node', 'run.js', '--password=a1', '--password', 'b2', '--redis', 'redis://u:c%403@h'], {
        REDISCLI_AUTH: 'd4',
        SESSDOC_REDIS_PASSWORD: '',
      }),
    ).toEqual(['d4', 'a1', 'b2', 'c%403', 'c@3'])
  })
})
