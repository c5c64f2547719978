import {detachString} from '../input/read-lines.js'
import {daysInMonth, validDateTime} from '../input/time-range.js'
import {wallToUtc} from '../input/time-zone.js'

/** Time stamps of access logs, read from the line in place (no substring, no Date per line). */

const monthIndex: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
}
const monthByKey = new Map<number, number>()
for (const [name, index] of Object.entries(monthIndex))
  monthByKey.set(name.charCodeAt(0) * 65536 + name.charCodeAt(1) * 256 + name.charCodeAt(2), index)

/** Converts a wall-clock time without offset to UTC ms (for logs that carry no zone, e.g. HAProxy). */
export type LocalTimeToUtc = (year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number) => number

export function localTimeConverter(timeZone?: string): LocalTimeToUtc {
  const toUtc = wallToUtc(timeZone)
  return (y, mo, d, h, mi, s, ms) => toUtc(Date.UTC(y, mo, d, h, mi, s, ms))
}

function digit(line: string, at: number): number {
  const c = line.charCodeAt(at) - 48
  return c >= 0 && c <= 9 ? c : Number.NaN
}

function two(line: string, at: number): number {
  return digit(line, at) * 10 + digit(line, at + 1)
}

/** Days since 1970-01-01 of a civil date (proleptic Gregorian). */
function daysFromCivil(year: number, month0: number, day: number): number {
  const y = month0 < 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const m = month0 + 1
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

/**
 * `10/Oct/2000:13:55:36 -0700` (Apache %t without the brackets, nginx $time_local), or with
 * milliseconds and no offset, `06/Feb/2009:12:14:14.655` (HAProxy). NaN when it does not fit.
 */
export function parseClfTime(line: string, at: number, local: LocalTimeToUtc): number {
  // Consecutive lines mostly share their second: one comparison instead of reading the digits.
  if (lastStamp.text.length > 0 && line.startsWith(lastStamp.text, at)) return lastStamp.ms
  if (line.charCodeAt(at + 2) !== 47 || line.charCodeAt(at + 6) !== 47 || line.charCodeAt(at + 11) !== 58) return Number.NaN
  // Digits as numbers; any non-digit shows as a value outside 0..15 and is caught by one mask test.
  const d0 = line.charCodeAt(at) - 48
  const d1 = line.charCodeAt(at + 1) - 48
  const y0 = line.charCodeAt(at + 7) - 48
  const y1 = line.charCodeAt(at + 8) - 48
  const y2 = line.charCodeAt(at + 9) - 48
  const y3 = line.charCodeAt(at + 10) - 48
  const h0 = line.charCodeAt(at + 12) - 48
  const h1 = line.charCodeAt(at + 13) - 48
  const m0 = line.charCodeAt(at + 15) - 48
  const m1 = line.charCodeAt(at + 16) - 48
  const s0 = line.charCodeAt(at + 18) - 48
  const s1 = line.charCodeAt(at + 19) - 48
  if (((d0 | d1 | y0 | y1 | y2 | y3 | h0 | h1 | m0 | m1 | s0 | s1) & ~15) !== 0) return Number.NaN
  const day = d0 * 10 + d1
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
  const hour = h0 * 10 + h1
  const minute = m0 * 10 + m1
  const second = s0 * 10 + s1
  if (hour > 23 || minute > 59 || second > 60 || day < 1 || day > 31) return Number.NaN
  const monthKey = line.charCodeAt(at + 3) * 65536 + line.charCodeAt(at + 4) * 256 + line.charCodeAt(at + 5)
  // Consecutive lines share their day: the month name and the day count are looked up once per day.
  let days: number
  let month: number
  if (day === dayCache.day && monthKey === dayCache.monthKey && year === dayCache.year) {
    days = dayCache.days
    month = dayCache.month
  } else {
    const found = monthByKey.get(monthKey)
    // 31/Feb is no date (Date.UTC would roll it into March): checked once per day, as the cache holds valid days only.
    if (found === undefined || day > daysInMonth(year, found)) return Number.NaN
    month = found
    days = daysFromCivil(year, month, day)
    dayCache.day = day
    dayCache.monthKey = monthKey
    dayCache.year = year
    dayCache.days = days
    dayCache.month = month
  }
  let pos = at + 20
  let ms = 0
  if (line.charCodeAt(pos) === 46) ms = fraction(line, ++pos)
  while (pos < line.length && line.charCodeAt(pos) >= 48 && line.charCodeAt(pos) <= 57) pos++
  const sign = line.charCodeAt(pos + 1)
  if (line.charCodeAt(pos) === 32 && (sign === 43 || sign === 45)) {
    const offsetMinutes = (sign === 45 ? -1 : 1) * (two(line, pos + 2) * 60 + two(line, pos + 4))
    if (Number.isNaN(offsetMinutes)) return Number.NaN
    const time = ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + ms
    // Only a whole stamp with its offset (`10/Oct/2000:13:55:36 -0700`) is remembered: it alone fixes the time.
    if (pos === at + 20) {
      lastStamp.text = detachString(line.slice(at, at + CLF_STAMP_LENGTH))
      lastStamp.ms = time
    }
    return time
  }
  return local(year, month, day, hour, minute, second, ms)
}

/** Milliseconds from the digits after a decimal point. */
function fraction(line: string, from: number): number {
  let ms = 0
  let scale = 100
  for (let pos = from; pos < line.length; pos++) {
    const d = line.charCodeAt(pos) - 48
    if (d < 0 || d > 9) break
    ms += d * scale
    scale /= 10
  }
  return Math.floor(ms)
}

const dayCache = {day: -1, monthKey: -1, year: -1, days: 0, month: 0}
const CLF_STAMP_LENGTH = 26
const lastStamp = {text: '', ms: 0}

/** `2026-11-28T10:00:00+01:00` (nginx $time_iso8601) and other ISO times. */
export function parseIsoTime(line: string, start: number, end: number, local: LocalTimeToUtc): number {
  const text = line.slice(start, end)
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,3}))?/.exec(text)
  // Date.parse takes 2026-02-31 for 3 March and 24:00 for midnight: the fields are checked first.
  if (m && !validDateTime(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))) return Number.NaN
  if (/(Z|[+-]\d\d:?\d\d)$/.test(text)) return Date.parse(text)
  if (!m) return Number.NaN
  return local(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number((m[7] ?? '0').padEnd(3, '0')))
}

/** Seconds since the epoch, with or without a fraction (nginx $msec, Apache %{sec}t / %{msec}t). */
export function parseEpoch(line: string, start: number, end: number, unitMs: number): number {
  const value = Number(line.slice(start, end))
  return Number.isFinite(value) ? value * unitMs : Number.NaN
}
