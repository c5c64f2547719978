import {describe, expect, it} from 'vitest'
import {formatProgress, progressBar} from '../../src/lib/progress-bar.js'

describe('progress bar', () => {
  it('formats keys against DBSIZE', () => {
    expect(formatProgress('scanning', 250, 1000, 1000, 10)).toBe('scanning [###-------] 250/1,000 keys 25% 250 keys/s')
    expect(formatProgress('scanning', 5, 0, 0, 4)).toBe('scanning [----] 5/0 keys 0% 0 keys/s')
    // Not a terminal: nothing is drawn, ever.
    expect(progressBar({isTTY: false} as NodeJS.WriteStream, 'x')).toBeUndefined()
  })
})
