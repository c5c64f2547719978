import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {
  parseFieldList,
  parseInfo,
  parseKeySizes,
  parseKeyspace,
  parseReplicaLines,
  toNumber,
} from '../../../src/core/redis/stats/info-parser.js'
import {configPairs, nodeStatsFromInfo, withConfig} from '../../../src/core/redis/stats/node-stats.js'
import {infoFixtures, nodeFromFixture, parsedFixture} from './fixtures.js'

describe('parseInfo on captured INFO of Redis 5 to 8', () => {
  it.each(infoFixtures)('%s: every line is a header or a field', (name) => {
    const info = parsedFixture(name)
    expect(info.malformed).toBe(0)
    expect(info.sections.has('server')).toBe(true)
    expect(info.sections.has('keyspace')).toBe(true)
    // CRLF never leaks into values
    for (const value of info.fields.values()) expect(value).not.toMatch(/\r/)
  })

  it.each([
    ['redis-5.0.14-primary.info', '5.0.14', 'primary', 923417600, 1073741824, 'allkeys-lru', 1.09, 9123456, 412345, 18342, 0],
    ['redis-5.0.14-replica-link-down.info', '5.0.14', 'replica', 431230976, 1073741824, 'allkeys-lru', 1.09, 0, 0, 0, 0],
    ['redis-6.2.14-lone-primary.info', '6.2.14', 'primary', 3221225472, 0, 'noeviction', 1.17, 1200, 5600, 0, 37],
    ['redis-7.0.15-healthy-primary.info', '7.0.15', 'primary', 715827882, 2147483648, 'volatile-lru', 1.1, 412331223, 3123441, 0, 0],
    ['redis-7.2.4-cluster-primary.info', '7.2.4', 'primary', 4144544808, 4294967296, 'volatile-ttl', 1.1, 3012331, 88122, 1204, 0],
    ['redis-8.2.1-standalone.info', '8.2.1', 'primary', 104857600, 536870912, 'volatile-lfu', 1.2, 801223, 12044, 0, 0],
  ] as const)('%s: the planted figures', (name, version, role, used, max, policy, frag, hits, misses, evicted, rejected) => {
    const node = nodeFromFixture(name)
    expect(node.version).toBe(version)
    expect(node.role).toBe(role)
    expect(node.memory.usedBytes).toBe(used)
    expect(node.memory.maxBytes).toBe(max)
    expect(node.memory.policy).toBe(policy)
    expect(node.memory.fragmentationRatio).toBe(frag)
    expect(node.memory.source).toBe('info')
    expect(node.keyspaceHits).toBe(hits)
    expect(node.keyspaceMisses).toBe(misses)
    expect(node.evictedKeys).toBe(evicted)
    expect(node.clients.rejectedConnections).toBe(rejected)
  })

  it('reads the keyspace per db, Redis 8 subexpiry included', () => {
    expect(parseKeyspace(parsedFixture('redis-5.0.14-primary.info'))).toEqual([
      {db: 0, keys: 120000, expires: 118500, avgTtlMs: 1432000},
      {db: 1, keys: 35, expires: 0, avgTtlMs: 0},
    ])
    expect(parseKeyspace(parsedFixture('redis-6.2.14-lone-primary.info')).map((d) => d.db)).toEqual([0, 2])
    expect(parseKeyspace(parsedFixture('redis-8.2.1-standalone.info'))).toEqual([{db: 0, keys: 5200, expires: 5120, avgTtlMs: 1544021}])
  })

  it('reads slaveN lines with state, offset and lag', () => {
    expect(parseReplicaLines(parsedFixture('redis-7.2.4-cluster-primary.info'))).toEqual([
      {address: '10.0.2.31:7003', state: 'online', offset: 912334412, lagSeconds: 0},
      {address: '10.0.2.32:7004', state: 'wait_bgsave', offset: 0, lagSeconds: 0},
    ])
    expect(parseReplicaLines(parsedFixture('redis-6.2.14-lone-primary.info'))).toEqual([])
  })

  it("reads a replica's link to its primary", () => {
    const node = nodeFromFixture('redis-5.0.14-replica-link-down.info')
    expect(node.replication.primary).toEqual({
      address: '10.0.0.11:6379',
      linkStatus: 'down',
      lastIoSecondsAgo: -1,
      linkDownSinceSeconds: 87,
      syncInProgress: false,
      offset: 733190821,
    })
  })

  it('reads persistence status and the replication-buffer memory left out of eviction', () => {
    expect(nodeFromFixture('redis-6.2.14-lone-primary.info').persistence).toMatchObject({
      rdbLastBgsaveStatus: 'err',
      rdbChangesSinceLastSave: 1822934,
      aofEnabled: false,
    })
    expect(nodeFromFixture('redis-7.0.15-healthy-primary.info').persistence).toMatchObject({
      rdbLastBgsaveStatus: 'ok',
      aofEnabled: true,
      aofLastWriteStatus: 'ok',
    })
    expect(nodeFromFixture('redis-7.2.4-cluster-primary.info').memory.notCountedForEvictBytes).toBe(20971520)
    expect(nodeFromFixture('redis-7.2.4-cluster-primary.info').clusterEnabled).toBe(true)
  })

  it('reads Redis 8 INFO keysizes, in the default INFO and alone', () => {
    expect(nodeFromFixture('redis-8.2.1-standalone.info').keySizes.db0!.strings_sizes).toEqual([
      {from: 256, count: 12},
      {from: 512, count: 310},
      {from: 1024, count: 2811},
      {from: 2048, count: 1690},
      {from: 4096, count: 211},
      {from: 8192, count: 62},
      {from: 16384, count: 14},
      {from: 65536, count: 1},
      {from: 1048576, count: 1},
    ])
    const alone = parseKeySizes(parsedFixture('redis-8.0.2-keysizes.info'))
    expect(Object.keys(alone)).toEqual(['db0', 'db3'])
    expect(alone.db0!.hashes_items).toEqual([
      {from: 4, count: 120},
      {from: 8, count: 3},
    ])
    expect(nodeFromFixture('redis-6.2.14-lone-primary.info').keySizes).toEqual({})
  })
})

describe('parseInfo on odd input', () => {
  it('keeps unknown fields, accepts the oldest slave line and replica/primary names, counts junk', () => {
    const info = parseInfo(
      [
        '# Replication',
        'role:primary',
        'connected_slaves:2',
        'slave0:10.0.0.2,6379,online',
        'replica1:ip=10.0.0.3,port=6380,state=send_bulk,offset=5,lag=3',
        'garbage line',
        ':no-name',
        '# Future',
        'shiny_new_field:42',
      ].join('\n'),
    )
    expect(info.malformed).toBe(2)
    expect(info.sections.get('future')?.get('shiny_new_field')).toBe('42')
    expect(parseReplicaLines(info)).toEqual([
      {address: '10.0.0.2:6379', state: 'online', offset: null, lagSeconds: null},
      {address: '10.0.0.3:6380', state: 'send_bulk', offset: 5, lagSeconds: 3},
    ])
    const node = nodeStatsFromInfo('x:1', info)
    expect(node.role).toBe('primary')
    expect(node.version).toBeNull()
    expect(node.memory.maxBytes).toBeNull()
    expect(node.memory.source).toBe('unknown')
  })

  it('reads Valkey: its own version before the Redis version it is compatible with', () => {
    const node = nodeStatsFromInfo(
      'x:1',
      parseInfo('# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\nredis_mode:standalone\r\n'),
    )
    expect(node.version).toBe('8.0.1')
  })

  it('keeps a value that holds colons whole (IPv6, executable paths)', () => {
    expect(parseInfo('master_host:fe80::1\r\nexecutable:C:\\redis\\redis-server.exe\r\n').fields.get('master_host')).toBe('fe80::1')
  })

  it('does not let a field named __proto__ reach any prototype', () => {
    const info = parseInfo('__proto__:polluted\n# Keyspace\ndb0:keys=1,expires=0,__proto__=x\n')
    expect(info.fields.get('__proto__')).toBe('polluted')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(parseKeyspace(info)).toEqual([{db: 0, keys: 1, expires: 0, avgTtlMs: null}])
  })

  it.each([
    ['42', 42],
    ['1.09', 1.09],
    ['86.17%', 86.17],
    ['-1', -1],
    ['', null],
    ['12abc', null],
    ['NaN', null],
    [undefined, null],
  ])('toNumber(%j) = %j', (input, expected) => {
    expect(toNumber(input)).toBe(expected)
  })

  it('parseFieldList keeps positional parts', () => {
    expect([...parseFieldList('a=1,b,c=')]).toEqual([
      ['a', '1'],
      ['1', 'b'],
      ['c', ''],
    ])
  })

  it('never throws on arbitrary text, and counts at most one malformed line per line', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 400}), (text) => {
        const info = parseInfo(text)
        expect(info.malformed).toBeLessThanOrEqual(text.split('\n').length)
        nodeStatsFromInfo('x:1', info)
      }),
    )
  })

  it('reads back every field it is given, in any section, with CRLF or LF', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/)
    const value = fc.string({maxLength: 30}).filter((v) => !/[\r\n]/.test(v) && v.trim() === v)
    fc.assert(
      fc.property(fc.dictionary(name, value, {maxKeys: 20}), fc.boolean(), (fields, crlf) => {
        const entries = Object.entries(fields)
        const text = ['# Stats', ...entries.map(([k, v]) => `${k}:${v}`)].join(crlf ? '\r\n' : '\n')
        const info = parseInfo(text)
        expect(info.malformed).toBe(0)
        for (const [k, v] of entries) expect(info.sections.get('stats')?.get(k)).toBe(v)
      }),
    )
  })
})

describe('CONFIG GET maxmemory*', () => {
  it('wins over INFO and carries stop-writes-on-bgsave-error', () => {
    const node = nodeFromFixture('redis-6.2.14-lone-primary.info')
    const configured = withConfig(
      node,
      configPairs(['maxmemory', '4294967296', 'maxmemory-policy', 'volatile-lru', 'stop-writes-on-bgsave-error', 'no']),
    )
    expect(configured.memory).toMatchObject({maxBytes: 4294967296, policy: 'volatile-lru', source: 'config'})
    expect(configured.persistence.stopWritesOnError).toBe(false)
    expect(withConfig(node, configPairs({maxmemory: '0', 'maxmemory-policy': 'noeviction'})).memory.source).toBe('config')
    expect(withConfig(node, null)).toBe(node)
    expect(withConfig(node, configPairs([])).memory.source).toBe('info')
  })
})
