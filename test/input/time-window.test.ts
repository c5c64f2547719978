import {describe, expect, it} from 'vitest'
import {inWindow, parseTimeSpec, parseTimeWindow} from '../../src/core/input/time-window.js'

const now = new Date('2026-11-28T12:00:00Z')

describe('parseTimeSpec', () => {
  it.each([
    ['2h', '2026-11-28T10:00:00.000Z'],
    ['30m', '2026-11-28T11:30:00.000Z'],
    ['7d', '2026-11-21T12:00:00.000Z'],
    ['90s', '2026-11-28T11:58:30.000Z'],
    ['2026-11-28T09:15:00Z', '2026-11-28T09:15:00.000Z'],
    ['2026-11-28T09:15:00+01:00', '2026-11-28T08:15:00.000Z'],
  ])('%s', (spec, iso) => {
    const parsed = parseTimeSpec(spec, now)
    expect(parsed.ok && parsed.value.toISOString()).toBe(iso)
  })

  it.each(['yesterday', '2h ago', '', '-5m', '2026-13-45'])('rejects %j with a hint', (spec) => {
    const parsed = parseTimeSpec(spec, now)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.error).toMatch(/ISO time .* duration/)
  })
})

describe('parseTimeWindow', () => {
  it('refuses --since after --until', () => {
    const parsed = parseTimeWindow('1h', '2h', now)
    expect(parsed.ok).toBe(false)
  })
  it('keeps times inside and unknown times, drops times outside', () => {
    const parsed = parseTimeWindow('2h', '1h', now)
    if (!parsed.ok) throw new Error(parsed.error)
    expect(inWindow(parsed.value, Date.parse('2026-11-28T10:30:00Z'))).toBe(true)
    expect(inWindow(parsed.value, Date.parse('2026-11-28T09:30:00Z'))).toBe(false)
    expect(inWindow(parsed.value, Date.parse('2026-11-28T11:30:00Z'))).toBe(false)
    expect(inWindow(parsed.value, null)).toBe(true)
  })
})
