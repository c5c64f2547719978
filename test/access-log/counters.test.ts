/** The counters of parts joined: a part with no request in the window (no times) leaves the others' times. */
import {describe, expect, it} from 'vitest'
import {AccessCounters} from '../../src/core/access-log/counters.js'

describe('AccessCounters.absorb', () => {
  it('keeps the first and last time when a part has none (a --until before its lines)', () => {
    const timed = new AccessCounters()
    timed.firstSeen = 1_000
    timed.lastSeen = 5_000
    const empty = new AccessCounters()
    const joined = new AccessCounters()
    for (const part of [timed.values(), empty.values()]) joined.absorb(part)
    expect([joined.firstSeen, joined.lastSeen]).toEqual([1_000, 5_000])
    const reversed = new AccessCounters()
    for (const part of [empty.values(), timed.values()]) reversed.absorb(part)
    expect([reversed.firstSeen, reversed.lastSeen]).toEqual([1_000, 5_000])
  })
})
