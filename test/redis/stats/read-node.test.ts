import {describe, expect, it} from 'vitest'
import {readNode} from '../../../src/core/redis/stats/read-node.js'
import {type InfoFixture, infoText} from './fixtures.js'

type Reply = unknown | Error

/** A node that answers from a table of commands; anything else is refused as an ACL would. */
function fakeNode(replies: Record<string, Reply>) {
  const calls: string[] = []
  return {
    calls,
    client: {
      async call(command: string, ...args: Array<string | number>) {
        const line = [command, ...args].join(' ')
        calls.push(line)
        const reply = replies[line]
        if (reply === undefined) throw new Error(`NOPERM this user has no permissions to run the '${command.toLowerCase()}' command`)
        if (reply instanceof Error) throw reply
        return reply
      },
    } as Parameters<typeof readNode>[1],
  }
}

const info = (name: InfoFixture): string => infoText(name)

describe('readNode (what is asked of one node)', () => {
  it('INFO, then CONFIG GET maxmemory*: CONFIG wins; no keysizes call before Redis 8', async () => {
    const node = fakeNode({
      INFO: info('redis-7.0.15-healthy-primary.info'),
      'CONFIG GET maxmemory*': ['maxmemory', '1073741824', 'maxmemory-policy', 'volatile-ttl', 'maxmemory-samples', '5'],
    })
    const read = await readNode('10.0.0.1:6379', node.client)
    expect(read.ok && read.stats.memory).toMatchObject({maxBytes: 1073741824, policy: 'volatile-ttl', source: 'config'})
    expect(read.ok && read.configBlocked).toBe(false)
    expect(node.calls).toEqual(['INFO', 'CONFIG GET maxmemory*'])
  })

  it('CONFIG refused (managed service): INFO values stand, marked as such', async () => {
    const node = fakeNode({INFO: info('redis-5.0.14-primary.info'), 'CONFIG GET maxmemory*': new Error("ERR unknown command 'CONFIG'")})
    const read = await readNode('10.0.0.1:6379', node.client)
    expect(read.ok && read.configBlocked).toBe(true)
    expect(read.ok && read.stats.memory).toMatchObject({maxBytes: 1073741824, policy: 'allkeys-lru', source: 'info'})
  })

  it('asks INFO keysizes on Redis 8 only when the default INFO left it out', async () => {
    const redis8 = info('redis-8.2.1-standalone.info').replace(/# Keysizes[\s\S]*$/, '')
    const node = fakeNode({INFO: redis8, 'INFO keysizes': info('redis-8.0.2-keysizes.info')})
    const read = await readNode('10.0.0.8:6379', node.client)
    expect(node.calls).toEqual(['INFO', 'INFO keysizes', 'CONFIG GET maxmemory*'])
    expect(read.ok && Object.keys(read.stats.keySizes)).toEqual(['db0', 'db3'])
    const withSection = fakeNode({INFO: info('redis-8.2.1-standalone.info')})
    await readNode('10.0.0.8:6379', withSection.client)
    expect(withSection.calls).toEqual(['INFO', 'CONFIG GET maxmemory*'])
  })

  it('a failed BGSAVE asks whether writes stop: stop-writes-on-bgsave-error and save', async () => {
    const node = fakeNode({
      INFO: info('redis-6.2.14-lone-primary.info'),
      'CONFIG GET maxmemory*': ['maxmemory', '0', 'maxmemory-policy', 'noeviction'],
      'CONFIG GET stop-writes-on-bgsave-error': ['stop-writes-on-bgsave-error', 'yes'],
      'CONFIG GET save': ['save', '3600 1 300 100 60 10000'],
    })
    const read = await readNode('10.0.0.5:6379', node.client)
    expect(read.ok && read.stats.persistence).toMatchObject({stopWritesOnError: true, savePoints: '3600 1 300 100 60 10000'})
  })

  it('ROLE when INFO does not say the role; INFO refused fails the node with what to grant', async () => {
    const noRole = info('redis-7.0.15-healthy-primary.info').replace(/^role:master\r?$/m, '')
    const node = fakeNode({INFO: noRole, ROLE: ['slave', '10.0.0.1', 6379, 'connected', 12]})
    const read = await readNode('10.0.0.2:6379', node.client)
    expect(read.ok && read.stats.role).toBe('replica')
    expect(node.calls).toContain('ROLE')
    const refused = await readNode('10.0.0.3:6379', fakeNode({}).client)
    expect(refused).toEqual({
      ok: false,
      address: '10.0.0.3:6379',
      message: expect.stringMatching(/^10\.0\.0\.3:6379: INFO refused .*\+info$/),
    })
  })
})
