import {createHash} from 'node:crypto'

export interface RedactOptions {
  /** --show-session-ids: leave session ids as they are. Passwords are masked regardless. */
  showSessionIds?: boolean
  /** What separates the session id from its route (Tomcat: `.`). */
  routeSeparator?: string
}

/** `sid:` + the first 8 hex digits of the id's SHA-256, keeping the route suffix. */
export function redactSessionId(value: string, options: RedactOptions = {}): string {
  if (options.showSessionIds) return value
  const separator = options.routeSeparator ?? '.'
  const at = separator ? value.indexOf(separator) : -1
  const base = at >= 0 ? value.slice(0, at) : value
  const route = at >= 0 ? value.slice(at) : ''
  return `sid:${hashId(base)}${route}`
}

export function hashId(base: string): string {
  return createHash('sha256').update(base).digest('hex').slice(0, 8)
}

const urlPassword = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):([^@/?#\s]*)@/gi

/** `redis://user:secret@host` → `redis://user:***@host`, anywhere in a text. */
export function maskUrlPasswords(text: string): string {
  return text.replace(urlPassword, '$1:***@')
}

const sessionCookie = /\b(jsessionid|session|sessionid|phpsessid|connect\.sid|sid)=("?)([^;,&\s"']+)/gi
const authHeader = /\b(authorization|proxy-authorization|x-auth-token)(:\s*)([^\r\n]+)/gi
const cookieHeader = /\b(cookie|set-cookie)(:\s*)([^\r\n"]+)/gi
const passwordPair = /\b(password|passwd|pwd|auth)(["']?\s*[=:]\s*["']?)([^\s"',;&]+)/gi
const passwordDirective = /\b(requirepass|masterauth)(\s+)([^\s"',;&]+)/gi
// Tomcat ids (32 hex), Spring Session ids (UUIDs) and other long tokens, with an optional route.
// A run of digits alone (a serialVersionUID, a timestamp) is not taken for an id. Bounded by any
// non-hex character, so an id glued to a word (`<id>_v2`, `x<id>`) is found too.
const bareId =
  /(?<![0-9A-Fa-f])([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|(?=[0-9]*[A-Fa-f])[0-9A-Fa-f]{16,})(?![0-9A-Fa-f])((?:[.!][A-Za-z0-9_-]{1,64})?)/g
// What is left of an id where a line or a sample was cut inside it: 12 hex digits or more (with
// a UUID's dashes) at the very end of the text, before the `…` of a cut sample.
const cutId = /(?<![0-9A-Za-z-])(?=[0-9-]*[A-Fa-f])[0-9A-Fa-f][0-9A-Fa-f-]{11,}(?=…?$)/
// Spring Session's SESSION cookie is the Base64 of a UUID (and route). Only a token that decodes
// to an id, whole or cut, is taken; other Base64 words decode to something else and stay.
const base64Token = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])/g
const decodedId = /^([0-9A-Fa-f][0-9A-Fa-f-]{11,})((?:[.!][A-Za-z0-9_-]{0,64})?)$/

/** The id a Base64 token stands for (`ZmY3…` → `ff7f…-….node1`), or null when it is no encoded id. */
export function decodeBase64Id(token: string): {base: string; route: string} | null {
  const decoded = decodedId.exec(Buffer.from(token, 'base64').toString('latin1'))
  if (!decoded?.[1] || hexDigits(decoded[1]) < 12) return null
  return {base: decoded[1], route: decoded[2] ?? ''}
}

function hexDigits(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== 45) n++
  return n
}

/**
 * The last line of defence for free text (log messages, samples): masks passwords always and
 * session ids unless they are to be shown. Structured values should be redacted where they are
 * produced, with redactSessionId.
 */
export function scrubText(text: string, options: RedactOptions = {}): string {
  let out = maskUrlPasswords(text)
  out = out.replace(passwordPair, (_m, key: string, sep: string) => `${key}${sep}***`)
  out = out.replace(passwordDirective, (_m, key: string, sep: string) => `${key}${sep}***`)
  out = out.replace(authHeader, (_m, name: string, sep: string) => `${name}${sep}[redacted]`)
  if (options.showSessionIds) return out
  out = out.replace(cookieHeader, (_m, name: string, sep: string, value: string) => `${name}${sep}${scrubCookies(value, options)}`)
  out = out.replace(sessionCookie, (_m, name: string, quote: string, value: string) =>
    value.startsWith('sid:') ? _m : `${name}=${quote}${redactCookieValue(value, options)}`,
  )
  out = out.replace(base64Token, (token: string) => {
    const id = decodeBase64Id(token)
    return id ? `sid:${hashId(id.base)}${id.route}` : token
  })
  out = out.replace(bareId, (_m, id: string, route: string) => `sid:${hashId(id)}${route}`)
  return out.replace(cutId, (id: string) => (hexDigits(id) >= 12 ? `sid:${hashId(id)}` : id))
}

/** A session cookie's value, Spring's Base64 decoded first, so that it hashes as the id does elsewhere. */
function redactCookieValue(value: string, options: RedactOptions): string {
  const id = value.length >= 16 ? decodeBase64Id(value) : null
  if (id) return `sid:${hashId(id.base)}${id.route}`
  return redactSessionId(value, {routeSeparator: '.', ...options})
}

function scrubCookies(header: string, options: RedactOptions): string {
  return header
    .split(';')
    .map((pair) => {
      const eq = pair.indexOf('=')
      if (eq < 0) return pair
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      return /^\s*(jsessionid|session)$/i.test(name) ? `${name}=${redactCookieValue(value.trim(), options)}` : `${name}=[redacted]`
    })
    .join(';')
}
