import type {ParsedLine} from './parsed-line.js'

export interface SessionIdRules {
  /** The cookie the format logs as its own field (null: none). */
  sessionCookie: string | null
  /** The cookie to look for in Cookie headers (JSESSIONID, SESSION, …). */
  cookieName: string
  /** Spring Session's SESSION cookie holds the id in Base64. */
  base64: boolean
  /** Check every character of a cookie field (format detection); the analysis only rejects `-`. */
  strict?: boolean
  /** The node whose own access log this is (a Tomcat's, named by its path): it served every request. */
  node?: string
}

/** Where a request's session id is: a range of `text` (the line itself, or a decoded cookie). */
export interface SessionRef {
  text: string
  start: number
  end: number
  from: 'cookie' | 'header' | 'url'
}

const URL_PARAM = ';jsessionid='

/** A cookie value character of a session id (Tomcat hex + route, UUIDs, Base64 minus padding). */
function isIdChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 46 ||
    c === 45 ||
    c === 95 ||
    c === 33 ||
    c === 126 ||
    c === 43 ||
    c === 47 ||
    c === 58
  )
}

function validRange(text: string, start: number, end: number, base64: boolean): boolean {
  if (end <= start) return false
  if (end - start === 1 && text.charCodeAt(start) === 45) return false
  let last = end
  if (base64) while (last > start && text.charCodeAt(last - 1) === 61) last--
  for (let i = start; i < last; i++) if (!isIdChar(text.charCodeAt(i))) return false
  return last > start
}

/** Whether `text[start, end)` holds a `name=value` pair: an `=` with a value after it (Base64 padding has none). */
function holdsNamedValue(text: string, start: number, end: number): boolean {
  for (let i = start; i < end - 1; i++) {
    if (text.charCodeAt(i) !== 61) continue
    const next = text.charCodeAt(i + 1)
    if (next !== 61 && next !== 34 && next !== 59 && next !== 32) return true
  }
  return false
}

function notEmpty(text: string, start: number, end: number): boolean {
  return end > start && !(end - start === 1 && text.charCodeAt(start) === 45)
}

/**
 * indexOf limited to `text[from, end)`. A line may sit in a block of many lines, where a plain
 * indexOf for something the line lacks would run on through the following lines.
 */
export function indexWithin(text: string, needle: string, from: number, end: number): number {
  if (needle.length === 1 && end - from <= 128) {
    const c = needle.charCodeAt(0)
    for (let i = from; i < end; i++) if (text.charCodeAt(i) === c) return i
    return -1
  }
  const at = text.slice(from, end).indexOf(needle)
  return at < 0 ? -1 : from + at
}

/**
 * The next occurrence of a character at or after a position, remembered: the lines of a block are
 * visited in order, so the search for a character most lines lack (`;` in a request) reads each
 * character of the block once, not once per line.
 */
class NextChar {
  private text = ''
  private from = 0
  private at = -1

  constructor(private readonly char: string) {}

  find(text: string, from: number): number {
    if (text !== this.text || from < this.from || (this.at >= 0 && from > this.at)) {
      this.text = text
      this.from = from
      this.at = text.indexOf(this.char, from)
    }
    return this.at
  }
}

const nextSemicolon = new NextChar(';')

/** Finds `name=` as a cookie of a Cookie header (at its start or after `;` / space). */
export function findCookie(text: string, start: number, end: number, name: string): [number, number] | null {
  if (start > 0 || end < text.length) {
    const found = findCookie(text.slice(start, end), 0, end - start, name)
    return found && [found[0] + start, found[1] + start]
  }
  let at = text.indexOf(name, start)
  while (at >= 0 && at < end) {
    const before = at === start ? 59 : text.charCodeAt(at - 1)
    const eqAt = at + name.length
    if ((before === 59 || before === 32 || before === 34) && text.charCodeAt(eqAt) === 61) {
      let valueEnd = text.indexOf(';', eqAt + 1)
      if (valueEnd < 0 || valueEnd > end) valueEnd = end
      let valueStart = eqAt + 1
      if (text.charCodeAt(valueStart) === 34 && text.charCodeAt(valueEnd - 1) === 34 && valueEnd - valueStart >= 2) {
        valueStart++
        valueEnd--
      }
      return [valueStart, valueEnd]
    }
    at = text.indexOf(name, at + 1)
  }
  return null
}

/** The range of a `;jsessionid=` value in the request, or null. */
export function findUrlSessionId(line: string, parsed: ParsedLine): [number, number] | null {
  if (parsed.requestStart < 0) return null
  let at = nextSemicolon.find(line, parsed.requestStart)
  while (at >= 0 && at < parsed.requestEnd && !line.startsWith(URL_PARAM, at)) at = nextSemicolon.find(line, at + 1)
  if (at < 0 || at >= parsed.requestEnd) return null
  const start = at + URL_PARAM.length
  let end = start
  while (end < parsed.requestEnd) {
    const c = line.charCodeAt(end)
    if (c === 63 || c === 35 || c === 59 || c === 32 || c === 47 || c === 38) break
    end++
  }
  return end > start ? [start, end] : null
}

function decodeBase64(text: string, start: number, end: number): string | null {
  const decoded = Buffer.from(text.slice(start, end), 'base64').toString('latin1')
  if (decoded.length === 0) return null
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i)
    if (c < 33 || c > 126) return null
  }
  return decoded
}

/**
 * The session id of a request, in order: the session cookie field, the Cookie header, then
 * `;jsessionid=` in the URL. Returns null when the request carries none. `out` is reused.
 */
export function extractSessionId(line: string, parsed: ParsedLine, rules: SessionIdRules, out?: SessionRef): SessionRef | null {
  const ref = out ?? {text: line, start: 0, end: 0, from: 'cookie'}
  let start = -1
  let end = -1
  let from: SessionRef['from'] = 'cookie'
  // Not while detecting (strict): a format whose field holds the cookie alone must win over one that happens to hold the header.
  const namedInField = !rules.strict && parsed.cookieStart >= 0 && holdsNamedValue(line, parsed.cookieStart, parsed.cookieEnd)
  if (namedInField) {
    // A cookie field that holds `name=value` pairs (the whole Cookie header logged where one cookie was
    // expected): the id is the named cookie's value, never the whole field.
    const found = findCookie(line, parsed.cookieStart, parsed.cookieEnd, rules.cookieName)
    if (found && validRange(line, found[0], found[1], rules.base64)) [start, end] = found
  } else if (
    parsed.cookieStart >= 0 &&
    (rules.strict
      ? validRange(line, parsed.cookieStart, parsed.cookieEnd, rules.base64)
      : notEmpty(line, parsed.cookieStart, parsed.cookieEnd))
  ) {
    start = parsed.cookieStart
    end = parsed.cookieEnd
    if (line.charCodeAt(start) === 34 && line.charCodeAt(end - 1) === 34) {
      start++
      end--
    }
  }
  if (start < 0 && parsed.cookieHeaderStart >= 0) {
    const found = findCookie(line, parsed.cookieHeaderStart, parsed.cookieHeaderEnd, rules.cookieName)
    if (found && validRange(line, found[0], found[1], rules.base64)) {
      ;[start, end] = found
      from = 'header'
    }
  }
  if (start < 0) {
    const inUrl = findUrlSessionId(line, parsed)
    if (!inUrl || !validRange(line, inUrl[0], inUrl[1], false)) return null
    ref.text = line
    ref.start = inUrl[0]
    ref.end = inUrl[1]
    ref.from = 'url'
    return ref
  }
  if (rules.base64) {
    const decoded = decodeBase64(line, start, end)
    if (decoded === null) return null
    ref.text = decoded
    ref.start = 0
    ref.end = decoded.length
  } else {
    ref.text = line
    ref.start = start
    ref.end = end
  }
  ref.from = from
  return ref
}
