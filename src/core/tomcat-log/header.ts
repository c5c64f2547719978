import {
  bootInfo,
  bootQuiet,
  carrierAfterTime,
  digitAt,
  fourDigits,
  juliCatalina,
  juliQuiet,
  logbackInfo,
  logbackQuiet,
  monthIndex,
  quickLevel,
  skipFraction,
  twoDigits,
} from './header-fields.js'
import {levelFirst, sourceOnly} from './header-shapes.js'
import type {FormatName, Level} from './types.js'

/** Formats in a fixed order: HeaderParser.formatId indexes this list. */
export const formatNames: readonly FormatName[] = [
  'juli-oneline',
  'juli-simple',
  'spring-boot',
  'logback',
  'time-only',
  'json',
  'level-first',
]
export const JSON_FORMAT_ID = 5

/**
 * Recognizes the first line of a log event and reads its time, level, logger and where the
 * message starts. One instance is reused for every line (no allocation per line but the level
 * word). Tests are char-code comparisons and sticky regexes without nested quantifiers: nothing
 * can backtrack catastrophically.
 */
export class HeaderParser {
  format: FormatName = 'juli-oneline'
  /** The format as its index in formatNames (numbers count faster than names). */
  formatId = 0
  level: Level = 'unknown'
  /** The old SimpleFormatter prints the level on the next line. */
  levelOnNextLine = false
  msgStart = 0
  /** Where Spring Boot's ` : ` or logback's ` - ` sits, to find the logger; -1 when unknown. */
  separator = -1
  loggerStart = -1
  loggerEnd = -1
  hasDate = false
  year = 0
  month = 0
  day = 0
  hour = 0
  minute = 0
  second = 0
  millis = 0
  /** Minutes east of UTC when the line names its zone, else NaN (wall-clock time). */
  zoneMinutes = Number.NaN
  /** Set by the fast path: time, logger and (mostly) msgStart were not read. */
  quick = false
  /** The month name of the last JULI line: consecutive lines share it, so it is read once. */
  private lastMonthText = ''
  private lastMonthLength = -1
  private lastMonth = -1

  /**
   * Whether the line starts an event; sets level and format. The two layouts that fill most big
   * logs (JULI with a 3-letter month, Spring Boot) take a fast path that reads no time and leaves
   * msgStart at -1 unless the line may be a lifecycle message: call full() for the rest.
   */
  parse(line: string): boolean {
    const c = line.charCodeAt(0)
    if (c >= 48 && c <= 57) {
      if (line.charCodeAt(2) === 45) {
        if (this.quickJuli(line)) return true
      } else if (line.charCodeAt(4) === 45 && (this.quickBoot(line) || this.quickLogback(line))) return true
    }
    return this.full(line)
  }

  /** logback / log4j2 `2026-11-28 10:15:30,123 [thread] INFO  logger - message` at INFO / DEBUG / TRACE. */
  private quickLogback(line: string): boolean {
    let level: Level
    logbackInfo.lastIndex = 0
    if (logbackInfo.test(line)) level = 'info'
    else {
      logbackQuiet.lastIndex = 0
      if (!logbackQuiet.test(line)) return false
      level = 'debug'
    }
    this.quick = true
    this.format = 'logback'
    this.formatId = 3
    this.level = level
    this.levelOnNextLine = false
    this.msgStart = -1
    if (level === 'info') {
      // As for Spring Boot: a message that may be a start or stop begins with S or C.
      const sep = line.indexOf(' - ', logbackInfo.lastIndex)
      const first = sep < 0 ? 0 : line.charCodeAt(sep + 3)
      if (first === 83 || first === 67) this.msgStart = sep + 3
    }
    return true
  }

  /** JULI OneLineFormatter with a 3-letter month and milliseconds, at INFO or FINE*. */
  private quickJuli(line: string): boolean {
    juliQuiet.lastIndex = 0
    if (!juliQuiet.test(line)) return false
    const level: Level = line.charCodeAt(25) === 73 ? 'info' : 'debug'
    this.quick = true
    this.format = 'juli-oneline'
    this.formatId = 0
    this.level = level
    this.levelOnNextLine = false
    this.msgStart = -1
    // Tomcat's start/stop/deploy messages come from org.apache.catalina loggers on the threads
    // main, Catalina-utility-N / ContainerBackgroundProcessor, localhost-startStop-N (8.5 deploys)
    // or Thread-N (the JVM shutdown hook): one character rules out request threads.
    const thread = line.charCodeAt(31)
    if (level === 'info' && (thread === 109 || thread === 67 || thread === 108 || thread === 84)) {
      juliCatalina.lastIndex = 30
      if (juliCatalina.test(line)) {
        const loggerEnd = line.indexOf(' ', juliCatalina.lastIndex)
        this.msgStart = loggerEnd < 0 ? line.length : loggerEnd + 1
      }
    }
    return true
  }

  /** Spring Boot's console pattern at INFO / DEBUG / TRACE: `… INFO 4242 --- [app] [thread] logger : message`. */
  private quickBoot(line: string): boolean {
    let level: Level
    bootInfo.lastIndex = 0
    if (bootInfo.test(line)) level = 'info'
    else {
      bootQuiet.lastIndex = 0
      if (!bootQuiet.test(line)) return false
      level = 'debug'
    }
    this.quick = true
    this.format = 'spring-boot'
    this.formatId = 2
    this.level = level
    this.levelOnNextLine = false
    this.msgStart = -1
    if (level === 'info') {
      // Only messages that may be a start or stop (they begin with S or C) need their start.
      // Starts and stops are logged by named threads (main, the shutdown hook); request and
      // scheduler threads end in a number and are ruled out without a search.
      const end = bootInfo.lastIndex
      const lastOfThread = line.charCodeAt(end - 3)
      if (lastOfThread < 48 || lastOfThread > 57) {
        const sep = line.indexOf(' : ', end)
        const first = sep < 0 ? 0 : line.charCodeAt(sep + 3)
        if (first === 83 || first === 67) this.msgStart = sep + 3
      }
    }
    return true
  }

  /** Every layout, with time, logger and message start. */
  full(line: string): boolean {
    this.quick = false
    const c = line.charCodeAt(0)
    if (c >= 48 && c <= 57) {
      const c2 = line.charCodeAt(2)
      if (c2 === 45) return this.juli(line)
      if (line.charCodeAt(4) === 45) return this.iso(line, 0)
      if (c2 === 58) return this.timeOnly(line)
      if (c2 === 46) return this.dottedSimple(line)
      return false
    }
    if (c === 91) return line.charCodeAt(5) === 45 ? this.iso(line, 1) : false
    if ((c >= 65 && c <= 90) || c > 127) return this.simple(line) || levelFirst(this, line)
    if (c >= 97 && c <= 122) return this.simple(line) || sourceOnly(this, line)
    return false
  }

  /** `28-Nov-2026 10:15:30.123 SEVERE [thread] logger.method message` (Tomcat 8.5+ default). */
  private juli(line: string): boolean {
    const day = twoDigits(line, 0)
    if (day < 0) return false
    let p = 3
    const monthStart = p
    while (p < 10 && line.charCodeAt(p) !== 45) p++
    if (line.charCodeAt(p) !== 45) return false
    let month: number
    if (p - monthStart === this.lastMonthLength && line.startsWith(this.lastMonthText, monthStart)) month = this.lastMonth
    else {
      month = monthIndex(line, monthStart, p)
      if (month < 0) return false
      this.lastMonthText = line.slice(monthStart, p)
      this.lastMonthLength = p - monthStart
      this.lastMonth = month
    }
    p++
    const year = fourDigits(line, p)
    if (year < 0 || line.charCodeAt(p + 4) !== 32) return false
    p = this.clock(line, p + 5)
    if (p < 0) return false
    p = skipFraction(line, p, this)
    if (line.charCodeAt(p) !== 32) return false
    p++
    const levelEnd = line.indexOf(' ', p)
    if (levelEnd < 0 || levelEnd - p > 16) return false
    const level = quickLevel(line, p, levelEnd)
    if (level === undefined) return false
    let q = levelEnd + 1
    if (line.charCodeAt(q) !== 91) {
      // `AM FEINSTEN` (German FINEST) is two words.
      const next = line.indexOf(' ', q)
      if (next < 0 || line.charCodeAt(next + 1) !== 91) return false
      q = next + 1
    }
    const threadEnd = line.indexOf('] ', q)
    if (threadEnd < 0) return false
    this.setDate(year, month, day)
    this.format = 'juli-oneline'
    this.formatId = 0
    this.level = level
    this.levelOnNextLine = false
    this.loggerStart = threadEnd + 2
    const loggerEnd = line.indexOf(' ', this.loggerStart)
    this.loggerEnd = loggerEnd < 0 ? line.length : loggerEnd
    this.msgStart = loggerEnd < 0 ? line.length : loggerEnd + 1
    this.separator = -1
    this.zoneMinutes = Number.NaN
    return true
  }

  /** `2026-11-28T10:15:30.123Z ERROR 4242 --- [app] [thread] logger : message` and logback/log4j2 patterns. */
  private iso(line: string, from: number): boolean {
    const year = fourDigits(line, from)
    if (year < 0 || line.charCodeAt(from + 7) !== 45) return false
    const month = twoDigits(line, from + 5)
    const day = twoDigits(line, from + 8)
    if (month < 1 || month > 12 || day < 1) return false
    const t = line.charCodeAt(from + 10)
    if (t !== 84 && t !== 32) return false
    let p = this.clock(line, from + 11)
    if (p < 0) return false
    p = skipFraction(line, p, this)
    this.zoneMinutes = Number.NaN
    p = this.zone(line, p)
    // kubectl --timestamps, CRI, journalctl -o short-iso: a carrier's time, the log line comes after it.
    if (from === 0 && line.charCodeAt(p) === 32 && carrierAfterTime(line, p + 1)) return false
    if (from === 1) {
      if (line.charCodeAt(p) !== 93) return false
      p++
    }
    if (!this.levelAfter(line, p)) return false
    this.setDate(year, month - 1, day)
    return true
  }

  /** `10:15:30.123 [thread] ERROR logger - message` (log4j2 / logback defaults): no date. */
  private timeOnly(line: string): boolean {
    let p = this.clock(line, 0)
    if (p < 0) return false
    p = skipFraction(line, p, this)
    this.zoneMinutes = Number.NaN
    if (!this.levelAfter(line, p)) return false
    this.hasDate = false
    this.format = 'time-only'
    this.formatId = 4
    return true
  }

  /** Finds the level among the first tokens after the time: `[thread]`, pid, padding. */
  private levelAfter(line: string, from: number): boolean {
    let p = from
    for (let token = 0; token < 4; token++) {
      while (line.charCodeAt(p) === 32 || line.charCodeAt(p) === 124) p++
      if (p >= line.length) return false
      if (line.charCodeAt(p) === 91) {
        const close = line.indexOf(']', p)
        if (close < 0) return false
        // `[ERROR]`: a level in brackets.
        const bracketed = close - p <= 12 ? quickLevel(line, p + 1, close) : undefined
        if (bracketed === undefined) {
          p = close + 1
          continue
        }
        this.level = bracketed
        this.levelOnNextLine = false
        this.format = 'logback'
        this.formatId = 3
        const sep = line.indexOf(' - ', close)
        this.separator = sep
        this.msgStart = sep >= 0 ? sep + 3 : Math.min(line.length, close + 2)
        this.loggerStart = -1
        this.loggerEnd = -1
        return true
      }
      let end = p
      while (end < line.length && end - p < 12) {
        const ch = line.charCodeAt(end)
        if (ch === 32 || ch === 124 || ch === 93) break
        end++
      }
      const level = quickLevel(line, p, end)
      if (level !== undefined && line.charCodeAt(end) !== 58) {
        this.level = level
        this.levelOnNextLine = false
        // Spring Boot: `LEVEL pid --- ` right after the level (a bounded look, not a search).
        let q = end
        while (line.charCodeAt(q) === 32) q++
        while (q - end < 12 && line.charCodeAt(q) >= 48 && line.charCodeAt(q) <= 57) q++
        const bootish = line.startsWith(' --- ', q) || line.startsWith('--- ', q)
        this.format = bootish ? 'spring-boot' : 'logback'
        this.formatId = bootish ? 2 : 3
        const sep = line.indexOf(bootish ? ' : ' : ' - ', end)
        this.separator = sep
        this.msgStart = sep >= 0 ? sep + 3 : Math.min(line.length, end + 1)
        this.loggerStart = -1
        this.loggerEnd = -1
        return true
      }
      p = line.indexOf(' ', end)
      if (p < 0) return false
    }
    return false
  }

  /** `Nov 28, 2026 10:15:30 AM org.apache.catalina.startup.Catalina start` (old two-line SimpleFormatter). */
  private simple(line: string): boolean {
    const space = line.indexOf(' ')
    if (space < 2 || space > 6) return false
    const month = monthIndex(line, 0, space)
    if (month < 0) return false
    let p = space + 1
    let day = digitAt(line, p)
    if (day < 0) return false
    p++
    if (digitAt(line, p) >= 0) day = day * 10 + digitAt(line, p++)
    if (line.charCodeAt(p) !== 44 || line.charCodeAt(p + 1) !== 32) return false
    const year = fourDigits(line, p + 2)
    if (year < 0 || line.charCodeAt(p + 6) !== 32) return false
    p += 7
    let hour = digitAt(line, p)
    if (hour < 0) return false
    p++
    if (digitAt(line, p) >= 0) hour = hour * 10 + digitAt(line, p++)
    if (line.charCodeAt(p) !== 58) return false
    const minute = twoDigits(line, p + 1)
    const second = twoDigits(line, p + 4)
    if (minute < 0 || second < 0 || line.charCodeAt(p + 3) !== 58 || line.charCodeAt(p + 6) !== 32) return false
    p += 7
    const a = line.charCodeAt(p)
    if ((a === 65 || a === 80) && line.charCodeAt(p + 1) === 77 && line.charCodeAt(p + 2) === 32) {
      hour = (hour % 12) + (a === 80 ? 12 : 0)
      p += 3
    } else if ((line.startsWith('上午', p) || line.startsWith('下午', p)) && line.charCodeAt(p + 2) === 32) {
      // zh-CN JULI: 上午 is a.m., 下午 p.m.
      hour = (hour % 12) + (line.startsWith('下午', p) ? 12 : 0)
      p += 3
    }
    this.hour = hour
    this.minute = minute
    this.second = second
    this.millis = 0
    return this.simpleRest(line, p, year, month, day)
  }

  /** `28.11.2026 10:15:30 org.apache.catalina.startup.Catalina start` (SimpleFormatter, German locale). */
  private dottedSimple(line: string): boolean {
    const day = twoDigits(line, 0)
    const month = twoDigits(line, 3)
    const year = fourDigits(line, 6)
    if (day < 0 || month < 1 || month > 12 || year < 0 || line.charCodeAt(5) !== 46 || line.charCodeAt(10) !== 32) return false
    const p = this.clock(line, 11)
    if (p < 0 || line.charCodeAt(p) !== 32) return false
    this.millis = 0
    return this.simpleRest(line, p + 1, year, month - 1, day)
  }

  private simpleRest(line: string, p: number, year: number, month: number, day: number): boolean {
    // The source class: a dotted Java name, then the method.
    const end = line.indexOf(' ', p)
    if (end < 0 || line.indexOf('.', p) > end || line.indexOf('.', p) < 0) return false
    this.setDate(year, month, day)
    this.format = 'juli-simple'
    this.formatId = 1
    this.level = 'unknown'
    this.levelOnNextLine = true
    this.loggerStart = p
    this.loggerEnd = end
    this.msgStart = line.length
    this.separator = -1
    this.zoneMinutes = Number.NaN
    return true
  }

  /** `HH:mm:ss` at p; returns the index after it or -1. */
  private clock(line: string, p: number): number {
    const hour = twoDigits(line, p)
    const minute = twoDigits(line, p + 3)
    const second = twoDigits(line, p + 6)
    if (hour < 0 || minute < 0 || second < 0 || line.charCodeAt(p + 2) !== 58 || line.charCodeAt(p + 5) !== 58) return -1
    this.hour = hour
    this.minute = minute
    this.second = second
    this.millis = 0
    return p + 8
  }

  private zone(line: string, p: number): number {
    const c = line.charCodeAt(p)
    if (c === 90) {
      this.zoneMinutes = 0
      return p + 1
    }
    if (c === 43 || c === 45) {
      const hh = twoDigits(line, p + 1)
      if (hh < 0) return p
      let q = p + 3
      if (line.charCodeAt(q) === 58) q++
      const mm = twoDigits(line, q)
      if (mm < 0) return p
      this.zoneMinutes = (c === 45 ? -1 : 1) * (hh * 60 + mm)
      return q + 2
    }
    return p
  }

  private setDate(year: number, month: number, day: number): void {
    this.hasDate = true
    this.year = year
    this.month = month
    this.day = day
  }

  /** The logger name of the last header, or '' (computed on demand: most lines never need it). */
  logger(line: string): string {
    if (this.loggerStart >= 0) return line.slice(this.loggerStart, this.loggerEnd)
    if (this.separator < 0) return ''
    let end = this.separator
    while (end > 0 && line.charCodeAt(end - 1) === 32) end--
    const last = line.charCodeAt(end - 1)
    if (last === 93 || last === 125) {
      // `[abbrev.Logger 477]`, WSO2's `{org.x.Logger}`: the first word inside.
      const open = line.lastIndexOf(last === 93 ? '[' : '{', end - 1)
      if (open >= 0) {
        const space = line.indexOf(' ', open)
        return line.slice(open + 1, space > open && space < end ? space : end - 1)
      }
    }
    const start = line.lastIndexOf(' ', end - 1) + 1
    return line.slice(start, end)
  }
}

export {parseLevelLine} from './header-fields.js'
