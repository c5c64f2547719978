import type {ApacheConfFacts} from './apache-conf.js'
import {HaproxyParser} from './haproxy.js'
import {inferKeyValueFormat} from './kv-format.js'
import {FormatError, makeScanner} from './log-format.js'
import {type LineParser, ParsedLine, parseLine} from './parsed-line.js'
import {extractSessionId, type SessionIdRules} from './session-id.js'

const COMBINED = '%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\"'

/** A built-in format logs the session cookie given by --cookie. */
function withCookie(format: string, cookieName: string | undefined): string {
  return cookieName ? format.replace(/JSESSIONID/g, cookieName) : format
}

/** The formats known by name (Apache LogFormat or nginx log_format strings). */
export const builtinFormats: Record<string, {kind: 'apache' | 'nginx'; format: string}> = {
  'combined-cookie': {kind: 'apache', format: `${COMBINED} \\"%{JSESSIONID}C\\"`},
  'combined-cookie-header': {kind: 'apache', format: `${COMBINED} \\"%{Cookie}i\\"`},
  'combined-balancer': {
    kind: 'apache',
    format: `${COMBINED} \\"%{JSESSIONID}C\\" %{BALANCER_SESSION_ROUTE}e %{BALANCER_WORKER_ROUTE}e %{BALANCER_ROUTE_CHANGED}e`,
  },
  combined: {kind: 'apache', format: COMBINED},
  common: {kind: 'apache', format: '%h %l %u %t \\"%r\\" %>s %b'},
  'nginx-cookie': {
    kind: 'nginx',
    format:
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$cookie_JSESSIONID" $upstream_addr',
  },
  'nginx-combined': {
    kind: 'nginx',
    format: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
  },
}

export interface FormatOptions {
  cookieName?: string
  timeZone?: string
  conf?: ApacheConfFacts
}

export function parserFor(name: string, kind: 'apache' | 'nginx' | 'haproxy', format: string, options: FormatOptions): LineParser {
  if (kind === 'haproxy') return new HaproxyParser(options.timeZone)
  const cookieName =
    options.cookieName === undefined || options.cookieName === 'JSESSIONID'
      ? cookieForFormat(format, options.cookieName)
      : options.cookieName
  return makeScanner(name, kind, format, {cookieName, timeZone: options.timeZone})
}

/** With the default cookie name, a format that logs exactly one other cookie (SESSION) names it. */
function cookieForFormat(format: string, cookieName: string | undefined): string | undefined {
  const names = [...format.matchAll(/%\{([^}]+)\}C|\$cookie_([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? m[2]!)
  if (names.some((n) => n.toLowerCase() === (cookieName ?? 'JSESSIONID').toLowerCase())) return cookieName ?? 'JSESSIONID'
  return names.length === 1 ? names[0] : cookieName
}

/**
 * `--log-format`: a built-in or httpd-config nickname, `haproxy`, or a format string (Apache when
 * it holds `%` directives, nginx when it holds `$variables`). Throws FormatError with the fix.
 */
export function resolveFormat(spec: string, options: FormatOptions): LineParser {
  const confFormat = options.conf?.formats.get(spec)
  if (confFormat !== undefined) return parserFor(spec, 'apache', confFormat, options)
  if (spec === 'haproxy') return parserFor('haproxy', 'haproxy', '', options)
  const builtin = builtinFormats[spec]
  if (builtin) return parserFor(spec, builtin.kind, withCookie(builtin.format, options.cookieName), options)
  if (spec.includes('%')) return parserFor(spec, 'apache', spec, options)
  if (spec.includes('$')) return parserFor(spec, 'nginx', spec, options)
  const names = [...Object.keys(builtinFormats), 'haproxy', ...(options.conf?.formats.keys() ?? [])]
  throw new FormatError(`unknown log format '${spec}': give one of ${names.join(', ')}, or the LogFormat string itself`)
}

/** Candidates tried by detection: the httpd config's formats first (those used by CustomLog first), then the built-ins. */
export function candidateParsers(options: FormatOptions): LineParser[] {
  const out: LineParser[] = []
  const conf = options.conf
  if (conf) {
    const names = [...new Set([...conf.customLogFormats.filter((n) => conf.formats.has(n)), ...conf.formats.keys()])]
    for (const name of names) {
      try {
        out.push(parserFor(name, 'apache', conf.formats.get(name)!, options))
      } catch {
        // a format we cannot compile is simply not a candidate
      }
    }
  }
  for (const [name, {kind, format}] of Object.entries(builtinFormats))
    out.push(parserFor(name, kind, withCookie(format, options.cookieName), options))
  out.push(parserFor('haproxy', 'haproxy', '', options))
  return out
}

const DETECTION_LINES = 1000

/** A `name=$var` nginx format read back from the sample's first line, when it is one. */
function keyValueCandidate(sample: readonly string[], options: FormatOptions): LineParser[] {
  const format = sample[0] === undefined ? null : inferKeyValueFormat(sample[0], options.cookieName ?? 'JSESSIONID')
  if (format === null) return []
  try {
    return [parserFor(format, 'nginx', format, options)]
  } catch {
    return []
  }
}

export interface Detection {
  parser: LineParser
  parsed: number
  sampled: number
}

/**
 * Picks the candidate that parses most of the first lines, then the one that finds most session
 * ids, then the earliest (the more specific) in the list.
 */
export function detectFormat(
  lines: readonly string[],
  givenCandidates: readonly LineParser[],
  rules: Omit<SessionIdRules, 'sessionCookie'>,
  options?: FormatOptions,
): Detection {
  const sample = lines.filter((l) => l.trim() !== '').slice(0, DETECTION_LINES)
  const candidates = options ? [...keyValueCandidate(sample, options), ...givenCandidates] : givenCandidates
  const parsed = new ParsedLine()
  let best: Detection & {ids: number} = {parser: candidates[0]!, parsed: -1, sampled: sample.length, ids: -1}
  for (const parser of candidates) {
    let ok = 0
    let ids = 0
    for (const line of sample) {
      if (!parseLine(parser, line, parsed)) continue
      ok++
      if (extractSessionId(line, parsed, {...rules, sessionCookie: parser.capabilities.sessionCookie, strict: true}) !== null) ids++
    }
    const better =
      ok > best.parsed || (ok === best.parsed && (ids > best.ids || (ids === best.ids && parser.fieldCount > best.parser.fieldCount)))
    if (better) best = {parser, parsed: ok, sampled: sample.length, ids}
  }
  return best
}
