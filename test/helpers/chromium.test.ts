import {afterEach, describe, expect, it, vi} from 'vitest'
import {findChromium} from './chromium.js'

describe('the HTML report test without chromium (#19)', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('says why it is skipped, once', () => {
    vi.stubEnv('CI', undefined)
    const written: string[] = []
    const first = findChromium(['/nonexistent/chromium'], (t) => written.push(t))
    const again = findChromium(['/nonexistent/chromium'], (t) => written.push(t))
    expect(first.skip).toMatch(/^chromium is missing \(looked for \/nonexistent\/chromium\).*apt-get install chromium$/)
    expect(again.skip).toBe(first.skip)
    expect(written).toEqual([`\nsessdoc tests: ${first.skip}\n`])
  })

  it('under CI a missing chromium is no skip (the test then fails and says so)', () => {
    vi.stubEnv('CI', 'true')
    expect(findChromium(['/nonexistent/chromium'], () => {}).skip).toBeUndefined()
  })

  it('finds it where it is', () => {
    expect(findChromium([process.execPath], () => {})).toEqual({path: process.execPath, skip: undefined})
  })
})
