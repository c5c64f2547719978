import type {HeaderParser} from './header.js'
import {sourceLine} from './header-fields.js'
import {levelOf} from './levels.js'

/** Header shapes without a date in front, read into a HeaderParser: the level first, or a SimpleFormatter source line alone. */

const LEVEL_FIRST_FORMAT_ID = 6

/**
 * The level first, no time or a bracketed one: `SEVERE: msg` (a SimpleFormatter level line whose
 * date line is gone), `ERROR     [thread] logger: msg`, `ERROR logger - msg`,
 * `DEBUG [2024-10-25 21:05:20,021]  logger: msg`, `WARNING org.x.Y.method msg`.
 */
export function levelFirst(h: HeaderParser, line: string): boolean {
  let end = 0
  while (end < 16 && end < line.length) {
    const ch = line.charCodeAt(end)
    if (ch === 32 || ch === 58 || ch === 124) break
    end++
  }
  if (end < 2 || end >= 16) return false
  const word = line.slice(0, end)
  if (word === 'AM' || word !== word.toUpperCase()) return false
  const level = levelOf(word)
  if (level === undefined) return false
  let p = end
  let msgStart: number
  let separator = -1
  if (line.charCodeAt(p) === 58 && line.charCodeAt(p + 1) === 32) msgStart = p + 2
  else {
    while (line.charCodeAt(p) === 32) p++
    if (p === end) return false
    const next = line.charCodeAt(p)
    if (next !== 91 && next !== 123) {
      // Else a logger must follow: a dotted name.
      const dot = line.indexOf('.', p)
      const space = line.indexOf(' ', p)
      if (dot < 0 || (space >= 0 && dot > space)) return false
    }
    const colon = line.indexOf(': ', p)
    const dash = line.indexOf(' - ', p)
    separator = dash >= 0 && (colon < 0 || dash < colon) ? dash : colon
    msgStart = separator < 0 ? line.length : separator + (separator === dash ? 3 : 2)
  }
  h.hasDate = false
  h.format = 'level-first'
  h.formatId = LEVEL_FIRST_FORMAT_ID
  h.level = level
  h.levelOnNextLine = false
  h.msgStart = msgStart
  h.separator = separator
  h.loggerStart = -1
  h.loggerEnd = -1
  h.zoneMinutes = Number.NaN
  return true
}

/** `org.apache.catalina.ha.session.DeltaManager getAllClusterSessions`: a SimpleFormatter source line without its date. */
export function sourceOnly(h: HeaderParser, line: string): boolean {
  sourceLine.lastIndex = 0
  if (!sourceLine.test(line) || sourceLine.lastIndex !== line.length) return false
  h.hasDate = false
  h.format = 'juli-simple'
  h.formatId = 1
  h.level = 'unknown'
  h.levelOnNextLine = true
  h.loggerStart = 0
  h.loggerEnd = line.indexOf(' ')
  h.msgStart = line.length
  h.separator = -1
  h.zoneMinutes = Number.NaN
  return true
}
