import {describe, expect, it} from 'vitest'
import {sleep} from '../src/core/sleep.js'

describe('sleep', () => {
  it('waits the time given', async () => {
    const start = performance.now()
    await sleep(30)
    expect(performance.now() - start).toBeGreaterThanOrEqual(25)
  })

  it('ends early when the signal aborts, at once when it already has', async () => {
    const controller = new AbortController()
    const start = performance.now()
    setTimeout(() => controller.abort(), 10)
    await sleep(10_000, controller.signal)
    await sleep(10_000, controller.signal)
    expect(performance.now() - start).toBeLessThan(1000)
  })
})
