/**
 * Log times without a zone are wall-clock times of the machine that wrote them. This turns a
 * wall-clock time (encoded as if it were UTC) into real UTC for a given IANA zone, with the
 * offset cached per hour so that a million lines cost a million map look-ups at most.
 */
export type WallToUtc = (wallMs: number) => number

const HOUR = 3_600_000

/** An error message when the zone is unknown, else null. */
export function checkTimeZone(zone: string): string | null {
  if (isUtc(zone)) return null
  try {
    new Intl.DateTimeFormat('en-US', {timeZone: zone})
    return null
  } catch {
    return `unknown time zone '${zone}': give an IANA name such as Europe/Berlin or America/New_York, or UTC`
  }
}

/** The name shown for the machine's zone; reading it through Intl would load ICU (8 MB) for a label. */
export function machineTimeZone(): string {
  return process.env.TZ ? process.env.TZ : 'local'
}

/** `zone` undefined or 'local': the machine's own offsets, from Date (no ICU). */
export function wallToUtc(zone?: string): WallToUtc {
  if (zone === undefined || zone === 'local') return localWallToUtc()
  if (isUtc(zone)) return (wall) => wall
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
  const offsets = new Map<number, number>()
  /** Offset (ms, local minus UTC) in force at a UTC instant. */
  const offsetAt = (utcMs: number): number => {
    const hour = Math.floor(utcMs / HOUR)
    let offset = offsets.get(hour)
    if (offset === undefined) {
      const parts: Record<string, number> = {}
      for (const p of format.formatToParts(new Date(hour * HOUR))) if (p.type !== 'literal') parts[p.type] = Number(p.value)
      const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!)
      offset = local - hour * HOUR
      if (offsets.size > 100_000) offsets.clear()
      offsets.set(hour, offset)
    }
    return offset
  }
  return (wall) => {
    const guess = wall - offsetAt(wall)
    return wall - offsetAt(guess)
  }
}

function isUtc(zone: string): boolean {
  return /^(?:utc|gmt|z|etc\/utc|etc\/gmt)$/i.test(zone)
}

function localWallToUtc(): WallToUtc {
  const offsets = new Map<number, number>()
  const offsetAt = (utcMs: number): number => {
    const hour = Math.floor(utcMs / HOUR)
    let offset = offsets.get(hour)
    if (offset === undefined) {
      offset = -new Date(hour * HOUR).getTimezoneOffset() * 60_000
      if (offsets.size > 100_000) offsets.clear()
      offsets.set(hour, offset)
    }
    return offset
  }
  return (wall) => {
    const guess = wall - offsetAt(wall)
    return wall - offsetAt(guess)
  }
}
