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
  if (!timeZone) return (y, mo, d, h, mi, s, ms) => new Date(y, mo, d, h, mi, s, ms).getTime()
  if (/^(utc|gmt|z)$/i.test(timeZone)) return (y, mo, d, h, mi, s, ms) => Date.UTC(y, mo, d, h, mi, s, ms)
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
  const offsets = new Map<number, number>()
  const offsetAt = (utcMs: number): number => {
    const hourKey = Math.floor(utcMs / 3_600_000)
    let offset = offsets.get(hourKey)
    if (offset === undefined) {
      const parts: Record<string, number> = {}
      for (const part of format.formatToParts(new Date(hourKey * 3_600_000))) parts[part.type] = Number(part.value)
      const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!)
      offset = asUtc - hourKey * 3_600_000
      if (offsets.size > 10_000) offsets.clear()
      offsets.set(hourKey, offset)
    }
    return offset
  }
  return (y, mo, d, h, mi, s, ms) => {
    const wall = Date.UTC(y, mo, d, h, mi, s, ms)
    const first = wall - offsetAt(wall)
    return wall - offsetAt(first)
  }
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
  if (line.charCodeAt(at + 2) !== 47 || line.charCodeAt(at + 6) !== 47 || line.charCodeAt(at + 11) !== 58) return Number.NaN
  const day = two(line, at)
  const monthKey = line.charCodeAt(at + 3) * 65536 + line.charCodeAt(at + 4) * 256 + line.charCodeAt(at + 5)
  const year = two(line, at + 7) * 100 + two(line, at + 9)
  // Consecutive lines share their day: the month name and the day count are looked up once per day.
  let days: number
  let month: number
  if (day === dayCache.day && monthKey === dayCache.monthKey && year === dayCache.year) {
    days = dayCache.days
    month = dayCache.month
  } else {
    const found = monthByKey.get(monthKey)
    if (found === undefined || Number.isNaN(day) || Number.isNaN(year)) return Number.NaN
    month = found
    days = daysFromCivil(year, month, day)
    dayCache.day = day
    dayCache.monthKey = monthKey
    dayCache.year = year
    dayCache.days = days
    dayCache.month = month
  }
  const hour = two(line, at + 12)
  const minute = two(line, at + 15)
  const second = two(line, at + 18)
  let pos = at + 20
  let ms = 0
  if (line.charCodeAt(pos) === 46) {
    let scale = 100
    pos++
    while (pos < line.length) {
      const d = digit(line, pos)
      if (Number.isNaN(d)) break
      ms += d * scale
      scale /= 10
      pos++
    }
    ms = Math.floor(ms)
  }
  const sign = line.charCodeAt(pos + 1)
  if (line.charCodeAt(pos) === 32 && (sign === 43 || sign === 45)) {
    const offsetMinutes = (sign === 45 ? -1 : 1) * (two(line, pos + 2) * 60 + two(line, pos + 4))
    return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + ms
  }
  return local(year, month, day, hour, minute, second, ms)
}

const dayCache = {day: -1, monthKey: -1, year: -1, days: 0, month: 0}

/** `2026-11-28T10:00:00+01:00` (nginx $time_iso8601) and other ISO times. */
export function parseIsoTime(line: string, start: number, end: number, local: LocalTimeToUtc): number {
  const text = line.slice(start, end)
  if (/(Z|[+-]\d\d:?\d\d)$/.test(text)) return Date.parse(text)
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,3}))?/.exec(text)
  if (!m) return Number.NaN
  return local(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number((m[7] ?? '0').padEnd(3, '0')))
}

/** Seconds since the epoch, with or without a fraction (nginx $msec, Apache %{sec}t / %{msec}t). */
export function parseEpoch(line: string, start: number, end: number, unitMs: number): number {
  const value = Number(line.slice(start, end))
  return Number.isFinite(value) ? value * unitMs : Number.NaN
}
