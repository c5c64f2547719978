import {decodeBase64Id} from '../redact.js'

/** The ID argument of `sessdoc trace`: a raw session id (with or without route), or a redacted `sid:`. */
export type TraceId = {kind: 'raw'; base: string; route: string | null} | {kind: 'hash'; hash: string; route: string | null}

export type ParsedTraceId = {ok: true; id: TraceId} | {ok: false; error: string; hint: string}

const HINT =
  'give the JSESSIONID as the browser holds it (e.g. 1F3A…9C.node2, with or without the .route), or the sid:xxxxxxxx[.route] a sessdoc report printed'
const idChars = /^[A-Za-z0-9_.\-+/:!~]+=*$/
const routeChars = /^[A-Za-z0-9_-]{1,64}$/

/**
 * Reads the ID argument. A raw id is at least 8 characters of a cookie value; a Spring `SESSION`
 * cookie value (Base64) is read as the id it encodes. HAProxy's `server~` prefix is dropped.
 * Never echoes the raw id in an error.
 */
export function parseTraceId(input: string, routeSeparator = '.'): ParsedTraceId {
  // As copied from a report or a ticket: in backticks or quotes, or ending a sentence (no id or route ends in these).
  let text = input.trim().replace(/^[`'"]+|[`'".,;]+$/g, '')
  if (text === '') return {ok: false, error: 'the session ID is empty', hint: HINT}
  if (/^sid:/i.test(text)) return parseSid(text, routeSeparator)
  if (/^jsessionid=|^session=/i.test(text)) text = text.slice(text.indexOf('=') + 1)
  const tilde = text.indexOf('~')
  if (tilde >= 0) text = text.slice(tilde + 1)
  if (text.length < 8 || text.length > 512 || !idChars.test(text))
    return {
      ok: false,
      error: `the session ID (${text.length} characters) is neither a session id nor a sid:`,
      hint: HINT,
    }
  const at = routeSeparator ? text.indexOf(routeSeparator) : -1
  const base = at >= 0 ? text.slice(0, at) : text
  const route = at >= 0 ? text.slice(at + routeSeparator.length) : null
  // Spring's SESSION cookie value (Base64): the id it encodes, with the route inside it or appended after it.
  const whole = isBase64Shaped(text) ? decodeBase64Id(text) : null
  if (whole) return {ok: true, id: {kind: 'raw', base: whole.base, route: whole.route.slice(1) || null}}
  const head = at >= 0 && isBase64Shaped(base) ? decodeBase64Id(base) : null
  if (head) return {ok: true, id: {kind: 'raw', base: head.base, route: route || null}}
  if (base.length < 8)
    return {ok: false, error: 'the session ID is too short to be a session id (8 characters at least before the route)', hint: HINT}
  return {ok: true, id: {kind: 'raw', base, route: route === '' ? null : route}}
}

/** Base64 that may encode an id: 16 characters at least, not a hex id (Tomcat's, a UUID), with or without a route. */
function isBase64Shaped(text: string): boolean {
  return text.length >= 16 && /[=+/]|^[A-Za-z0-9]+$/.test(text) && !/^[0-9A-Fa-f-]+(\..*)?$/.test(text)
}

/**
 * `sid:` + 8 hex digits, then optionally the route after the separator: the route is not part of
 * the hash, it only tells which of the id's routes was seen.
 */
function parseSid(text: string, routeSeparator: string): ParsedTraceId {
  const bad: ParsedTraceId = {
    ok: false,
    error: `'${text.slice(0, 40)}' is not a redacted session id`,
    hint: `a sid: is sid: and 8 hex digits, then optionally the route: sid:3f9a1c2e${routeSeparator || '.'}node2`,
  }
  const m = /^sid:([0-9a-f]{8})(.*)$/i.exec(text)
  if (!m) return bad
  const rest = m[2]!
  if (rest === '') return {ok: true, id: {kind: 'hash', hash: m[1]!.toLowerCase(), route: null}}
  if (!routeSeparator || !rest.startsWith(routeSeparator)) return bad
  const route = rest.slice(routeSeparator.length)
  if (!routeChars.test(route)) return bad
  return {ok: true, id: {kind: 'hash', hash: m[1]!.toLowerCase(), route}}
}
