import {describe, expect, it} from 'vitest'
import {localTimeConverter, parseClfTime, parseEpoch, parseIsoTime} from '../../src/core/access-log/log-time.js'

const utc = localTimeConverter('UTC')

describe('access-log times', () => {
  it.each([
    ['10/Oct/2000:13:55:36 -0700', '2000-10-10T20:55:36.000Z'],
    ['28/Nov/2026:10:00:01 +0100', '2026-11-28T09:00:01.000Z'],
    ['29/Feb/2024:23:59:59 +0000', '2024-02-29T23:59:59.000Z'],
    ['06/Feb/2009:12:14:14.655', '2009-02-06T12:14:14.655Z'], // HAProxy: no offset, --timezone UTC
  ])('%s', (text, iso) => {
    expect(new Date(parseClfTime(`[${text}]`, 1, utc)).toISOString()).toBe(iso)
  })

  it.each([
    '10/Okt/2000:13:55:36 -0700',
    '1x/Oct/2000:13:55:36 -0700',
    '10/Oct/2000:25:55:36 -0700',
    '10/Oct/2000:13:5',
    '10-Oct-2000 13:55:36',
  ])('rejects %s', (text) => {
    expect(parseClfTime(text, 0, utc)).toBeNaN()
  })

  it('reuses the day across lines and still sees a new day', () => {
    expect(new Date(parseClfTime('31/Dec/2026:23:59:59 +0000', 0, utc)).toISOString()).toBe('2026-12-31T23:59:59.000Z')
    expect(new Date(parseClfTime('01/Jan/2027:00:00:00 +0000', 0, utc)).toISOString()).toBe('2027-01-01T00:00:00.000Z')
  })

  it('ISO and epoch times', () => {
    expect(parseIsoTime('2026-11-28T10:00:00+01:00', 0, 25, utc)).toBe(Date.parse('2026-11-28T09:00:00Z'))
    expect(parseIsoTime('2026-11-28 10:00:00', 0, 19, utc)).toBe(Date.parse('2026-11-28T10:00:00Z'))
    expect(parseEpoch('1764320400.250', 0, 14, 1000)).toBe(1764320400250)
  })
})
