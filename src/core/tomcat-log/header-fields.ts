import {levelOf} from './levels.js'
import type {Level} from './types.js'

/** The pieces of a header line: fast-path patterns, digits, fractions, level words, month names. */
// The fast paths: fixed layouts, no nested quantifiers (linear), matched by the regexp engine on
// the line in place (cheaper than many charCodeAt calls on a sliced string).
export const juliQuiet = /\d\d-[A-Z][a-z][a-z]-\d{4} \d\d:\d\d:\d\d\.\d{3} (?:INFO|FINE)/y
export const bootInfo = /\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)? +INFO \d* ?--- (?:\[[^\]]*\] )?\[[^\]]*\] /y
// After `INFO ` (sticky): `[thread] org.apache.catalina.` (thread names may hold brackets, not spaces)
export const juliCatalina = /\[\S*\] org\.apache\.catalina\./y
export const logbackTime = String.raw`\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)? +(?:\[[^\]]*\] +)?`
export const logbackInfo = new RegExp(`${logbackTime}INFO +(?!\\d+ ?---)`, 'y')
export const logbackQuiet = new RegExp(`${logbackTime}(?:DEBUG|TRACE) +(?!\\d+ ?---)`, 'y')
export const bootQuiet = /\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)? +(?:DEBUG|TRACE) \d* ?--- /y

// A class and its method, nothing else (bounded runs: linear).
export const sourceLine = /[a-z][\w$]{0,40}(?:\.[\w$]{1,60}){2,20} [\w$<>]{1,80}/y
// After a time: `stdout F ` / `stderr P ` (CRI), another date or time (kubectl --timestamps), `host ident[pid]: ` (journald).
export const carrierTail = /(?:std(?:out|err) [FP](?: |$)|\d|[\w.-]{1,64} [^\s[:]{1,64}\[\d{1,10}\]: )/y

export function carrierAfterTime(line: string, p: number): boolean {
  carrierTail.lastIndex = p
  return carrierTail.test(line)
}

/** `SEVERE: message` after a SimpleFormatter header: the level, and where the message starts (or -1). */
export function parseLevelLine(line: string): {level: Level; msgStart: number} | null {
  const colon = line.indexOf(': ')
  if (colon < 2 || colon > 16) return null
  const level = levelOf(line.slice(0, colon))
  return level ? {level, msgStart: colon + 2} : null
}

export function quickLevel(line: string, start: number, end: number): Level | undefined {
  // The common case without a substring.
  if (end - start === 4 && line.charCodeAt(start) === 73 && line.startsWith('INFO', start)) return 'info'
  if (end - start === 5 && line.charCodeAt(start) === 68 && line.startsWith('DEBUG', start)) return 'debug'
  if (end <= start) return undefined
  return levelOf(line.slice(start, end))
}

export function digitAt(line: string, i: number): number {
  const d = line.charCodeAt(i) - 48
  return d >= 0 && d <= 9 ? d : -1
}

export function twoDigits(line: string, i: number): number {
  const a = digitAt(line, i)
  const b = digitAt(line, i + 1)
  return a < 0 || b < 0 ? -1 : a * 10 + b
}

export function fourDigits(line: string, i: number): number {
  const a = twoDigits(line, i)
  const b = twoDigits(line, i + 2)
  return a < 0 || b < 0 ? -1 : a * 100 + b
}

/** `.123` or `,123456`: reads up to milliseconds, skips finer digits. */
export function skipFraction(line: string, p: number, header: {millis: number}): number {
  const c = line.charCodeAt(p)
  if (c !== 46 && c !== 44) return p
  let q = p + 1
  let millis = 0
  let digits = 0
  while (digitAt(line, q) >= 0) {
    if (digits < 3) millis = millis * 10 + digitAt(line, q)
    digits++
    q++
  }
  if (digits === 0) return p
  while (digits < 3) {
    millis *= 10
    digits++
  }
  header.millis = millis
  return q
}

// Month abbreviations of the locales Tomcat is commonly run in (en, de, fr, es, it, nl, pt).
const months = new Map<string, number>()
const monthNames: string[][] = [
  ['jan', 'ene', 'gen', 'janv'],
  ['feb', 'fév', 'fev', 'févr', 'fevr', 'fev'],
  ['mar', 'mär', 'mrz', 'mars', 'maa', 'mrt'],
  ['apr', 'avr', 'abr'],
  ['may', 'mai', 'mag', 'mei', 'mayo'],
  ['jun', 'juin', 'giu'],
  ['jul', 'juil', 'lug'],
  ['aug', 'aoû', 'aou', 'ago'],
  ['sep', 'sept', 'set'],
  ['oct', 'okt', 'ott', 'out'],
  ['nov'],
  ['dec', 'dez', 'déc', 'dic', 'dez'],
]
for (const [index, names] of monthNames.entries()) {
  for (const name of names) months.set(name, index)
}
// zh-CN / zh-TW JULI: 一月 … 十二月.
for (const [index, name] of ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'].entries())
  months.set(`${name}月`, index)

export function monthIndex(line: string, start: number, end: number): number {
  let name = line.slice(start, end).toLowerCase()
  if (name.endsWith('.')) name = name.slice(0, -1)
  const exact = months.get(name)
  if (exact !== undefined) return exact
  if (name.length > 3 && name !== 'juin' && name !== 'juil' && !name.endsWith('月'))
    return months.get(name.slice(0, 3)) ?? months.get(name.slice(0, 4)) ?? -1
  return -1
}
