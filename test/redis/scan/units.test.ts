import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {javaBlob, javaInteger, javaLong} from '../../../fixtures/redis/load.mjs'
import {SeenKeys, SizeSketch, TopN, TtlHistogram} from '../../../src/core/redis/scan/aggregates.js'
import {redactKey} from '../../../src/core/redis/scan/figures.js'
import {decodeStoredNumber} from '../../../src/core/redis/scan/java-values.js'
import {laneOfCursor, laneStartCursor, scanNode} from '../../../src/core/redis/scan/node-scan.js'
import {makeClassifier, matchPattern} from '../../../src/core/redis/scan/presets.js'
import {type NodeProgress, ScanState} from '../../../src/core/redis/scan/scan-state.js'

describe('decodeStoredNumber', () => {
  it('decodes java.lang.Integer and java.lang.Long of any value', () => {
    fc.assert(fc.property(fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}), (n) => decodeStoredNumber(javaInteger(n)) === n))
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => decodeStoredNumber(javaLong(n)) === n))
  })
  it.each([
    ['1800', 1800],
    ['-1', -1],
    ['["java.lang.Long",1764000000000]', 1764000000000],
    [' 42 ', 42],
    ['abc', undefined],
    ['', undefined],
  ])('decodes the text %j', (text, expected) => {
    expect(decodeStoredNumber(text)).toBe(expected)
  })
  it('never throws, and refuses other serialized objects', () => {
    expect(decodeStoredNumber(javaBlob(200))).toBeUndefined()
    expect(decodeStoredNumber(null)).toBeUndefined()
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 120}), (bytes) => {
        const withMagic = Buffer.concat([Buffer.from([0xac, 0xed, 0x00, 0x05, 0x73, 0x72]), Buffer.from(bytes)])
        const a = decodeStoredNumber(Buffer.from(bytes))
        const b = decodeStoredNumber(withMagic)
        return (a === undefined || Number.isFinite(a)) && (b === undefined || Number.isFinite(b))
      }),
    )
  })
  it('reads a truncated Long as nothing', () => {
    expect(decodeStoredNumber(javaLong(5).subarray(0, 40))).toBeUndefined()
  })
})

describe('layout classifier', () => {
  const classify = makeClassifier()
  it.each([
    ['spring:session:sessions:0b7c1e52-5f7e-4e0e-8a4e-0e2b3c4d5e6f', 'spring-session', 'session'],
    ['spring:session:sessions:expires:0b7c1e52-5f7e-4e0e-8a4e-0e2b3c4d5e6f', 'spring-session', 'expires'],
    ['spring:session:expirations:29400000', 'spring-session', 'expirations'],
    [
      'spring:session:index:org.springframework.session.FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME:alice',
      'spring-session',
      'index',
    ],
    ['myapp:session:sessions:abc', 'spring-session', 'session'],
    ['redisson:tomcat_session:4A5B6C', 'redisson-tomcat', 'session'],
    ['shop:redisson:tomcat_session:4A5B6C', 'redisson-tomcat', 'session'],
    ['redisson:tomcat_notified_nodes:4A5B6C', 'redisson-tomcat', 'notified-nodes'],
    ['0123456789ABCDEF0123456789ABCDEF', 'tomcat-redis-session-manager', 'session'],
    ['0123456789ABCDEF0123456789ABCDEF.node1', 'tomcat-redis-session-manager', 'session'],
    ['sess:Xy12_ab', 'connect-redis', 'session'],
    ['PHPREDIS_SESSION:abcdef', 'php', 'session'],
    ['session:abc', 'generic', 'session'],
  ])('%s is %s / %s', (key, preset, role) => {
    expect(classify(key)).toMatchObject({preset, role})
  })
  it.each([['cache:user:1'], ['session:abc:extra'], ['sess:'], ['counter:1'], ['0123456789abcdef']])('%s is not a session key', (key) => {
    expect(classify(key)).toBeUndefined()
  })
  it('restricts to one preset and namespace', () => {
    const spring = makeClassifier({preset: 'spring-session', namespace: 'spring:session'})
    expect(spring('myapp:session:sessions:abc')).toBeUndefined()
    expect(spring('session:abc')).toBeUndefined()
    expect(matchPattern({preset: 'spring-session', namespace: 'a*b'})).toBe('a\\*b:*')
    expect(matchPattern({preset: 'php'})).toBe('PHPREDIS_SESSION:*')
    expect(matchPattern({})).toBeUndefined()
  })
  it('redacts the id and keeps the route', () => {
    const key = '0123456789ABCDEF0123456789ABCDEF.node1'
    expect(redactKey(key, classify(key), false)).toMatch(/^sid:[0-9a-f]{8}\.node1$/)
    expect(redactKey(key, classify(key), true)).toBe(key)
    const spring = 'spring:session:sessions:0b7c1e52-5f7e-4e0e-8a4e-0e2b3c4d5e6f'
    expect(redactKey(spring, classify(spring), false)).toMatch(/^spring:session:sessions:sid:[0-9a-f]{8}$/)
  })
})

describe('aggregates', () => {
  it('buckets TTLs as the report does', () => {
    const h = new TtlHistogram()
    for (const ms of [-1, 0, 60_000, 60_001, 300_000, 1_800_000, 7_200_000, 86_400_000, 86_400_001, 400_000_000]) h.add(ms)
    expect(h.toJSON().map((b) => [b.le, b.count])).toEqual([
      [60, 2],
      [300, 2],
      [1800, 1],
      [7200, 1],
      [86_400, 1],
      [400_000, 2],
      [null, 1],
    ])
  })
  it('keeps percentiles within 2% and exact thresholds', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({min: 1, max: 5_000_000}), {minLength: 1, maxLength: 500}), (sizes) => {
        const sketch = new SizeSketch()
        for (const s of sizes) sketch.add(s)
        const sorted = [...sizes].sort((a, b) => a - b)
        for (const q of [0.5, 0.95, 0.99]) {
          const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!
          const estimate = sketch.quantile(q)!
          if (Math.abs(estimate - exact) > exact * 0.02 + 1) return false
        }
        return sketch.max === sorted[sorted.length - 1] && sketch.atLeast10KB === sizes.filter((s) => s >= 10_240).length
      }),
    )
  })
  it('merges sketches as if one', () => {
    const a = new SizeSketch()
    const b = new SizeSketch()
    const all = new SizeSketch()
    for (let i = 1; i < 1000; i++) {
      ;(i % 2 ? a : b).add(i * 37)
      all.add(i * 37)
    }
    a.merge(b)
    expect(a.percentiles()).toEqual(all.percentiles())
  })
  it('keeps the N largest', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), {maxLength: 200}), fc.integer({min: 0, max: 12}), (values, n) => {
        const top = new TopN<{bytes: number}>(n)
        for (const bytes of values) top.add({bytes})
        const expected = [...values].sort((x, y) => y - x).slice(0, n)
        return JSON.stringify(top.sorted().map((t) => t.bytes)) === JSON.stringify(expected)
      }),
    )
  })
  it('stops remembering at its bound and says so', () => {
    const seen = new SeenKeys(1 << 15)
    for (let i = 0; i < 40_000; i++) seen.add(`k${i}`)
    expect(seen.saturated).toBe(true)
    expect(seen.size).toBeLessThanOrEqual(1 << 15)
    expect(seen.add('k1')).toBe(false)
  })
  it('remembers keys across growth and reports repeats', () => {
    const seen = new SeenKeys()
    let fresh = 0
    for (let i = 0; i < 200_000; i++) if (seen.add(`spring:session:sessions:${i}`)) fresh++
    expect(fresh).toBe(200_000)
    for (let i = 0; i < 200_000; i += 997) expect(seen.add(`spring:session:sessions:${i}`)).toBe(false)
    expect(seen.size).toBe(200_000)
  })
})

describe('ScanState', () => {
  const node = (): NodeProgress => ({
    address: 'n',
    role: 'primary',
    keysScanned: 0,
    sessions: 0,
    sessionsWithoutTtl: 0,
    complete: false,
    probe: 'lua',
    lanes: 1,
  })
  it('counts a key gone before PTTL as vanished, not as a session', () => {
    const state = new ScanState(makeClassifier(), 10, 1)
    const n = node()
    state.record('session:a', makeClassifier()('session:a'), -2, -1, n, [])
    state.record('session:b', makeClassifier()('session:b'), -1, 50, n, [])
    expect(state.vanished).toBe(1)
    expect(state.layout('generic').sessions).toBe(1)
    expect(state.keysWithoutTtl).toBe(1)
  })
  it('sizes every n-th session', () => {
    const state = new ScanState(makeClassifier(), 10, 4)
    expect(Array.from({length: 12}, () => state.wantsSize()).filter(Boolean)).toHaveLength(3)
  })
})

/** Redis's dictScan cursor step for a table of 2^sizeBits buckets: the reversed cursor plus one. */
function nextCursor(cursor: bigint, sizeBits: number): bigint {
  const mask64 = (1n << 64n) - 1n
  const reverse = (v: bigint): bigint => BigInt.asUintN(64, BigInt(`0b${v.toString(2).padStart(64, '0').split('').reverse().join('')}`))
  let v = cursor | (~((1n << BigInt(sizeBits)) - 1n) & mask64)
  v = reverse(v)
  v = (v + 1n) & mask64
  return reverse(v)
}

describe('SCAN cursor lanes', () => {
  it('each lane starts in its own share and the lanes together visit every bucket once', () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 3}), fc.integer({min: 3, max: 9}), (bits, sizeBits) => {
        const visits = new Map<bigint, number>()
        for (let lane = 0; lane < 1 << bits; lane++) {
          let cursor = BigInt(laneStartCursor(lane, bits))
          expect(laneOfCursor(String(cursor), bits)).toBe(lane)
          for (;;) {
            const bucket = cursor & ((1n << BigInt(sizeBits)) - 1n)
            visits.set(bucket, (visits.get(bucket) ?? 0) + 1)
            cursor = nextCursor(cursor, sizeBits)
            if (cursor === 0n || laneOfCursor(String(cursor), bits) !== lane) break
          }
        }
        expect(visits.size).toBe(1 << sizeBits)
        expect([...visits.values()].every((n) => n === 1)).toBe(true)
      }),
    )
  })

  it('reads the lane from the low bits of a 64-bit cursor', () => {
    expect(laneOfCursor('18446744073709551615', 2)).toBe(3)
    expect(laneOfCursor('18446744073709551614', 1)).toBe(0)
    expect(laneOfCursor('2', 2)).toBe(1)
    expect(laneStartCursor(1, 2)).toBe('2')
    expect(laneOfCursor('12345', 0)).toBe(0)
  })
})

describe('a lane whose step fails', () => {
  it('stops the other lanes before the node is reported (partial, with the error)', async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    let returned = false
    let callsAfterReturn = 0
    const tableBits = 10
    const reverse = (v: number): number => {
      let out = 0
      for (let i = 0; i < tableBits; i++) out |= ((v >> i) & 1) << (tableBits - 1 - i)
      return out
    }
    // SCAN over an empty table of 1024 buckets; lane 0's second step (cursor 512) fails.
    const client = {
      async call(command: string, cursor: string): Promise<unknown> {
        if (command === 'ROLE') return ['master']
        if (returned) callsAfterReturn++
        await sleep(2)
        if (cursor === String(reverse(1))) throw new Error('LOADING Redis is loading the dataset in memory')
        return [String(reverse((reverse(Number(cursor)) + 1) & 1023)), []]
      },
    }
    const state = new ScanState(makeClassifier({}), 10, 0)
    const node = {address: 'fake:6379', role: 'primary' as const, client: client as never}
    const progress = await scanNode(node, state, {count: 100, method: 'pipeline', rate: 0, lanes: 2, version: '7.0.15'})
    returned = true
    expect(progress.complete).toBe(false)
    expect(progress.error).toMatch(/LOADING/)
    await sleep(100)
    expect(callsAfterReturn).toBe(0)
  })
})
