/** Whether a civil date and clock exist (no 31 February, no 25:61:61; a leap second is allowed). */
export function validDateTime(year: number, month0: number, day: number, hour = 0, minute = 0, second = 0): boolean {
  return month0 >= 0 && month0 <= 11 && day >= 1 && day <= daysInMonth(year, month0) && hour <= 23 && minute <= 59 && second <= 60
}

export function daysInMonth(year: number, month0: number): number {
  if (month0 === 1) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month0 === 3 || month0 === 5 || month0 === 8 || month0 === 10 ? 30 : 31
}

const DAY = 86_400_000
/** A time further than this from the log's current times is an outlier, unless more lines follow it there. */
export const MAX_JUMP_MS = 30 * DAY
/** Lines in a row that confirm a jump (a log that really resumes after a long pause). */
const CONFIRMING_LINES = 8
/** No log of a web server is older than this. */
const EARLIEST = Date.UTC(2000, 0, 1)

/**
 * Keeps times far from the bulk of a log's times (a line dated 1970 or 9999 among lines of today)
 * out of timelines and windows. Logs run in time order, so the bulk is where the last plausible
 * lines were: a time more than MAX_JUMP_MS away from them is out of range, unless CONFIRMING_LINES
 * lines in a row agree on the new place (the log resumed after a pause). The first time must lie
 * between 2000 and a year from now. Costs two comparisons a line while times stay in range.
 */
export class PlausibleTimes {
  /** Times found out of range (each the time of one line or event). */
  outOfRange = 0
  private low = EARLIEST
  private high: number
  private readonly latest: number
  private center = Number.NaN
  private candidate = Number.NaN
  private confirming = 0

  constructor(now = Date.now()) {
    this.latest = now + 366 * DAY
    this.high = this.latest
  }

  /** The time when it is plausible, else NaN (counted). NaN in, NaN out, not counted. */
  check(t: number): number {
    if (t >= this.low && t <= this.high) {
      // Re-centred only when the log has moved a quarter of the way to an edge.
      if (!(Math.abs(t - this.center) < MAX_JUMP_MS / 4)) this.recenter(t)
      this.confirming = 0
      return t
    }
    if (Number.isNaN(t)) return t
    if (t >= EARLIEST && t <= this.latest && !Number.isNaN(this.center)) {
      if (Math.abs(t - this.candidate) <= MAX_JUMP_MS) this.confirming++
      else {
        this.candidate = t
        this.confirming = 1
      }
      if (this.confirming >= CONFIRMING_LINES) {
        this.recenter(t)
        this.confirming = 0
        return t
      }
    }
    this.outOfRange++
    return Number.NaN
  }

  private recenter(t: number): void {
    this.center = t
    this.low = Math.max(EARLIEST, t - MAX_JUMP_MS)
    this.high = Math.min(this.latest, t + MAX_JUMP_MS)
  }
}

/** The section note for lines whose times were impossible or far from the rest, or undefined. */
export function outOfRangeNote(count: number, what: string): {input: string; message: string} | undefined {
  if (count === 0) return undefined
  return {
    input: 'times',
    message: `${count} ${what} had a time far from the rest of the log (such as 1970 or 9999): their time was taken as unknown, so they are counted but kept out of the timeline and of --since / --until; check the clock of the machine that wrote them`,
  }
}
