import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startRedis, type TestRedis} from './redis-server.js'

describe('test harness: redis-server', () => {
  let a: TestRedis
  let b: TestRedis
  beforeAll(async () => {
    ;[a, b] = await Promise.all([startRedis(), startRedis(['--requirepass', 'pw'], {password: 'pw'})])
  })
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
  })

  it('starts independent servers on free loopback ports, never 6379', async () => {
    expect(a.port).not.toBe(6379)
    expect(a.port).not.toBe(b.port)
    const ca = a.client()
    const cb = b.client()
    await ca.set('k', 'a')
    expect(await cb.get('k')).toBeNull()
    ca.disconnect()
    cb.disconnect()
  })
})
