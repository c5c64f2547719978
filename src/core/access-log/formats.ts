import type {ApacheConfFacts} from './apache-conf.js'
import {HaproxyParser} from './haproxy.js'
import {inferKeyValueFormat} from './kv-format.js'
import {FormatError, type FormatKind, makeScanner} from './log-format.js'
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

/** A format a config declares (LogFormat + CustomLog, log_format + access_log, an AccessLogValve pattern). */
export interface DeclaredFormat {
  dialect: FormatKind
  format: string
  nickname: string | null
  /** The log file as configured (`*` where Tomcat puts the date), or null when the config names none. */
  logFile: string | null
  /** Where it is declared (file:line). */
  location: string
}

export interface FormatOptions {
  cookieName?: string
  timeZone?: string
  conf?: ApacheConfFacts
  /** Formats found in the configs given: they beat detection. */
  declared?: readonly DeclaredFormat[]
}

export function parserFor(name: string, kind: FormatKind | 'haproxy', format: string, options: FormatOptions): LineParser {
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
  if (spec.startsWith('tomcat:')) return parserFor(spec, 'tomcat', spec.slice('tomcat:'.length).trim(), options)
  if (spec.includes('%')) return parserFor(spec, looksLikeTomcat(spec) ? 'tomcat' : 'apache', spec, options)
  if (spec.includes('$')) return parserFor(spec, 'nginx', spec, options)
  const names = [...Object.keys(builtinFormats), 'haproxy', ...(options.conf?.formats.keys() ?? [])]
  throw new FormatError(`unknown log format '${spec}': give one of ${names.join(', ')}, or the LogFormat string itself`)
}

/**
 * An AccessLogValve pattern rather than an httpd LogFormat: `%{name}c`, `%{name}r`, `%{name}s` exist only in Tomcat,
 * and a `%S` beside a `%b` is the session id (httpd's `%S`, bytes, comes from mod_logio and never needs `%b`).
 */
export function looksLikeTomcat(format: string): boolean {
  return /%\{[^}]*\}[crs]/.test(format) || (/%S/.test(format) && /%b/.test(format) && !/\\"/.test(format))
}

/** The parsers of the formats the configs declare; one that does not compile is left out. */
export function declaredParsers(options: FormatOptions): Array<{parser: LineParser; logFile: string | null}> {
  const out: Array<{parser: LineParser; logFile: string | null}> = []
  const seen = new Set<string>()
  for (const d of options.declared ?? []) {
    const key = `${d.dialect}\n${d.format}\n${d.logFile}`
    if (seen.has(key)) continue
    seen.add(key)
    try {
      out.push({parser: parserFor(d.nickname ?? d.format, d.dialect, d.format, options), logFile: d.logFile})
    } catch {
      // a format we cannot compile is no evidence
    }
  }
  const conf = options.conf
  if (conf) {
    for (const name of new Set(conf.customLogFormats.filter((n) => conf.formats.has(n)))) {
      try {
        out.push({parser: parserFor(name, 'apache', conf.formats.get(name)!, options), logFile: null})
      } catch {
        // as above
      }
    }
  }
  return out
}

/** `access_log*.txt` (a config's log file, `*` where the date goes) matches the file read, by name. */
export function logFileMatches(logFile: string, file: string): boolean {
  const wanted = logFile.split('/').pop() ?? ''
  const name = file.split('/').pop() ?? ''
  if (wanted === '' || name === '') return false
  const pattern = new RegExp(`^${wanted.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}(?:\\.\\d{1,4})?(?:\\.gz)?$`)
  return pattern.test(name)
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

/** Detection looks at the whole first block read, up to this many lines. */
const DETECTION_LINES = 20_000

/** A `name=$var` nginx format read back from one of the sample's first lines, when they are such lines. */
function keyValueCandidate(sample: readonly string[], options: FormatOptions): LineParser[] {
  for (const line of sample.slice(0, 20)) {
    const format = inferKeyValueFormat(line, options.cookieName ?? 'JSESSIONID')
    if (format === null) continue
    try {
      return [parserFor(format, 'nginx', format, options)]
    } catch {
      return []
    }
  }
  return []
}

export interface Detection {
  parser: LineParser
  parsed: number
  sampled: number
  /** `config`: a format the configs declare fits the log; `detected`: the best of the candidates. */
  from: 'config' | 'detected'
}

interface Score {
  parser: LineParser
  parsed: number
  ids: number
  /** Lines whose serving backend the format names. */
  routes: number
  /** The format has a session field (a cookie field, the Cookie header): a log of cookie-less lines so far may still hold ids. */
  sessionField: boolean
}

/** A backend's name or address as a balancer logs it (a field that took in the rest of the line is none). */
const ROUTE = /^(?!-$)[\w.:[\]~/-]+$/

/** A candidate that parses this share of what the best one parses is in the running. */
const PARSE_TOLERANCE = 0.98

function score(parser: LineParser, sample: readonly string[], rules: Omit<SessionIdRules, 'sessionCookie'>, parsed: ParsedLine): Score {
  const idRules = {...rules, sessionCookie: parser.capabilities.sessionCookie, strict: true}
  let ok = 0
  let ids = 0
  let routes = 0
  for (const line of sample) {
    if (!parseLine(parser, line, parsed)) continue
    ok++
    if (extractSessionId(line, parsed, idRules) !== null) ids++
    if (parsed.workerEnd > parsed.workerStart && ROUTE.test(line.slice(parsed.workerStart, parsed.workerEnd))) routes++
  }
  const sessionField = parser.capabilities.sessionCookie !== null || parser.capabilities.cookieHeader
  return {parser, parsed: ok, ids, routes, sessionField}
}

/**
 * Of the candidates that parse (nearly) as many lines as the best: the one that finds most session ids, then most
 * routes, then one with a session field (a log that starts with cookie-less health checks is still a log of
 * sessions), then the one that parses most, then the one with most fields, then the earliest in the list.
 */
function pick(scores: readonly Score[]): Score | null {
  const most = Math.max(0, ...scores.map((s) => s.parsed))
  if (most === 0) return null
  let best: Score | null = null
  for (const s of scores) {
    if (s.parsed < most * PARSE_TOLERANCE) continue
    if (best === null) {
      best = s
      continue
    }
    const order =
      s.ids - best.ids ||
      s.routes - best.routes ||
      Number(s.sessionField) - Number(best.sessionField) ||
      s.parsed - best.parsed ||
      s.parser.fieldCount - best.parser.fieldCount
    if (order > 0) best = s
  }
  return best
}

/**
 * The format of a log from its first lines (the whole first block read). A format the configs declare for this
 * file, else any format they declare, wins when it parses at least half the sample, and as many lines and session
 * ids as the best guess: evidence beats guessing, but not the lines themselves. Otherwise every candidate is tried
 * (see pick).
 */
export function detectFormat(
  lines: readonly string[],
  givenCandidates: readonly LineParser[],
  rules: Omit<SessionIdRules, 'sessionCookie'>,
  options?: FormatOptions,
  file?: string,
): Detection {
  const sample: string[] = []
  for (const line of lines) {
    if (line.trim() === '') continue
    sample.push(line)
    if (sample.length >= DETECTION_LINES) break
  }
  const parsed = new ParsedLine()
  const candidates = options ? [...keyValueCandidate(sample, options), ...givenCandidates] : givenCandidates
  const best = pick(candidates.map((parser) => score(parser, sample, rules, parsed)))
  const declared = options ? declaredParsers(options) : []
  if (declared.length > 0) {
    const forFile = file === undefined ? [] : declared.filter((d) => d.logFile !== null && logFileMatches(d.logFile, file))
    for (const group of [forFile, declared]) {
      const fit = pick(group.map((d) => score(d.parser, sample, rules, parsed)))
      // Evidence, unless the lines say otherwise: a declared format that parses the sample as well and finds as many ids.
      const asGood = fit !== null && (best === null || (fit.ids >= best.ids && fit.parsed >= best.parsed * PARSE_TOLERANCE))
      if (fit && asGood && fit.parsed >= sample.length / 2)
        return {parser: fit.parser, parsed: fit.parsed, sampled: sample.length, from: 'config'}
    }
  }
  return {parser: best?.parser ?? candidates[0]!, parsed: best?.parsed ?? 0, sampled: sample.length, from: 'detected'}
}
