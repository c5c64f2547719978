import {type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments} from 'yaml'
import type {InputError} from '../report/types.js'
import {configLines, cutLinesError, logicalLines, maxNestingDepth, tooDeepError} from './limits.js'
import {type AppFacts, type ConfigKind, type Located, parseError} from './types.js'

/** A Spring property as read: the key as written, its relaxed-binding form, the value and where. */
export interface SpringProperty extends Located {
  key: string
  /** Lower case without `-` and `_`: Spring's relaxed binding (`http-only` = `httpOnly`). */
  canonical: string
}

export function canonicalKey(key: string): string {
  return key
    .toLowerCase()
    .replace(/[-_]/g, '')
    .replace(/\[(\d+)\]/g, '[$1]')
}

/** Flattens every document of an application.yml into dotted properties with their lines. */
export function yamlProperties(source: string, file: string): {properties: SpringProperty[]; errors: InputError[]} {
  const {lines, cut} = configLines(source)
  const text = cut.length > 0 ? lines.join('\n') : source
  const lineCounter = new LineCounter()
  const properties: SpringProperty[] = []
  const errors: InputError[] = cutLinesError(file, cut)
  const list = parseYaml(text, lineCounter)
  if (!list)
    return {
      properties,
      errors: [...errors, parseError(file, 1, 'the yaml library could not read this file', 'check it with a YAML linter')],
    }
  let tooDeep = false
  for (const doc of list) {
    const lineOf = (node: Node | null | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 1)
    const visit = (node: unknown, prefix: string, keyLine: number, depth: number): void => {
      if (tooDeep) return
      if (depth > maxNestingDepth) {
        errors.push(tooDeepError(file, keyLine, 'YAML mappings and lists'))
        tooDeep = true
        return
      }
      if (isMap(node)) {
        for (const pair of node.items) {
          const keyNode = pair.key as Node | null
          const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode ?? '')
          visit(pair.value, prefix ? `${prefix}.${key}` : key, lineOf(keyNode), depth + 1)
        }
      } else if (isSeq(node)) {
        const scalars: string[] = []
        node.items.forEach((item, index) => {
          if (isScalar(item)) scalars.push(String(item.value))
          visit(item, `${prefix}[${index}]`, lineOf(item as Node), depth + 1)
        })
        if (scalars.length === node.items.length) properties.push(property(prefix, scalars.join(','), file, keyLine))
      } else if (isScalar(node)) {
        properties.push(property(prefix, node.value === null ? '' : String(node.value), file, keyLine))
      } else if (node === null || node === undefined) {
        if (prefix) properties.push(property(prefix, '', file, keyLine))
      }
    }
    visit(doc.contents, '', 1, 0)
    for (const error of doc.errors) {
      const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line
      // The yaml library reports its own stack overflow on deep nesting as a parse error.
      if (!/call stack/i.test(error.message)) errors.push(parseError(file, line, `malformed YAML: ${error.message.split('\n')[0]}`))
      else if (!tooDeep) {
        errors.push(tooDeepError(file, line, 'YAML mappings and lists'))
        tooDeep = true
      }
    }
  }
  return {properties, errors}
}

function parseYaml(text: string, lineCounter: LineCounter): Document.Parsed[] | undefined {
  try {
    const docs = parseAllDocuments(text, {lineCounter, prettyErrors: false, uniqueKeys: false})
    return Array.isArray(docs) ? docs : []
  } catch {
    // It reports malformed YAML as errors; a throw is its own failure, and must not stop the other files.
    return undefined
  }
}

/**
 * Reads a Java .properties file: `key=value`, `key: value`, `key value`, comments, continuations,
 * escapes. A logical line (continuations joined) is cut at 64 KB.
 */
export function propertiesFile(text: string, file: string): {properties: SpringProperty[]; errors: InputError[]} {
  const properties: SpringProperty[] = []
  const errors: InputError[] = []
  const {lines, cut} = logicalLines(text, (line) => (endsWithContinuation(line) ? line.slice(0, -1) : null), {
    clean: (line) => line.replace(/^\s+/, ''),
    skip: (line) => !line || line.startsWith('#') || line.startsWith('!'),
  })
  for (const {text: logical, line} of lines) {
    const split = splitProperty(logical)
    if (!split) {
      errors.push(parseError(file, line, `not a property line: ${logical.slice(0, 80)}`))
      continue
    }
    properties.push(property(unescapeJava(split.key), unescapeJava(split.value), file, line))
  }
  return {properties, errors: [...cutLinesError(file, cut), ...errors]}
}

/**
 * The key (up to the first unescaped `=`, `:` or white space) and the value (after white space and
 * at most one `=` or `:`). Undefined for an empty key or a key that ends in a lone backslash.
 */
function splitProperty(line: string): {key: string; value: string} | undefined {
  let end = 0
  while (end < line.length) {
    const c = line[end]!
    if (c === '\\') {
      if (end + 1 >= line.length) return undefined
      end += 2
    } else if (c === '=' || c === ':' || /\s/.test(c)) break
    else end++
  }
  if (end === 0) return undefined
  let start = end
  while (start < line.length && /\s/.test(line[start]!)) start++
  if (line[start] === '=' || line[start] === ':') start++
  while (start < line.length && /\s/.test(line[start]!)) start++
  return {key: line.slice(0, end), value: line.slice(start)}
}

/** An odd number of trailing backslashes continues the line (counted from the end: linear in the run). */
function endsWithContinuation(line: string): boolean {
  let trailing = 0
  for (let i = line.length - 1; i >= 0 && line.charCodeAt(i) === 92; i--) trailing++
  return trailing % 2 === 1
}

function unescapeJava(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\(.)/g, (_m, hex: string | undefined, c: string | undefined) =>
    hex ? String.fromCharCode(parseInt(hex, 16)) : c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : (c ?? ''),
  )
}

function property(key: string, value: string, file: string, line: number): SpringProperty {
  return {key, canonical: canonicalKey(key), value: resolvePlaceholder(value.trim()), file, line}
}

/** `${SESSION_TIMEOUT:30m}` → `30m`; a placeholder without default stays as written. */
function resolvePlaceholder(value: string): string {
  const match = /^\$\{[^:}]+:([^}]*)\}$/.exec(value)
  return match ? match[1]!.trim() : value
}

/**
 * Spring Boot durations: a bare number is seconds (server.servlet.session.timeout), or 30m, 1h,
 * 90s, 500ms, 1d, or ISO-8601 PT30M. Undefined when unreadable.
 */
export function durationSeconds(value: string): number | undefined {
  const text = value.trim()
  const simple = /^(-?\d+(?:\.\d+)?)\s*(ns|us|ms|s|m|h|d)?$/i.exec(text)
  if (simple) {
    const n = Number(simple[1])
    const unit = (simple[2] ?? 's').toLowerCase()
    const factor: Record<string, number> = {ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400}
    return n * factor[unit]!
  }
  const iso = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text)
  if (iso && text.length > 1 && !/T$/i.test(text)) {
    const [, sign, d, h, m, s] = iso
    const total = Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0)
    return sign ? -total : total
  }
  return undefined
}

const sessionPrefixes = ['server.servlet.session.', 'server.session.'].map(canonicalKey)
const sessionSettings = ['timeout', 'cookie.name', 'cookie.httponly', 'cookie.secure', 'cookie.samesite', 'trackingmodes'] as const
type SessionSetting = (typeof sessionSettings)[number]

/** Canonical key → the session setting it names, under either prefix (computed once: this runs per property). */
const sessionKeys = new Map<string, SessionSetting>(
  sessionPrefixes.flatMap((prefix) => sessionSettings.map((s) => [prefix + s, s] as const)),
)
sessionKeys.set('spring.session.timeout', 'timeout')

/** Turns the Spring Boot properties of one file into facts. */
export function springFacts(properties: SpringProperty[], file: string, facts: AppFacts, errors: InputError[]): void {
  let sawTrackingModes = false
  let sessionLine: number | undefined
  for (const p of properties) {
    const c = p.canonical
    const where = {file: p.file, line: p.line}
    if (sessionLine === undefined && sessionPrefixes.some((prefix) => c.startsWith(prefix))) sessionLine = p.line
    const setting = sessionKeys.get(c)
    if (setting === 'timeout') {
      if (p.value === '') continue
      const seconds = durationSeconds(p.value)
      if (seconds === undefined)
        errors.push(parseError(p.file, p.line, `${p.key}: "${p.value}" is not a duration (write 30m, 1800s or PT30M)`))
      else facts.timeouts.push({value: seconds, ...where})
    } else if (setting === 'cookie.name' && p.value) facts.cookieNames.push({value: p.value, ...where})
    else if (setting === 'cookie.httponly' && p.value) facts.httpOnly.push({value: isTrue(p.value), ...where})
    else if (setting === 'cookie.secure' && p.value) facts.secure.push({value: isTrue(p.value), ...where})
    else if (setting === 'cookie.samesite' && p.value) facts.sameSite.push({value: p.value, ...where})
    else if (setting === 'trackingmodes' && p.value) {
      sawTrackingModes = true
      facts.trackingModes.push({
        value: p.value
          .split(/[\s,]+/)
          .filter(Boolean)
          .map((m) => m.toUpperCase()),
        ...where,
      })
    } else if (/^server\.servlet\.session\.trackingmodes\[\d+\]$/.test(c)) sawTrackingModes = true
    else if (c === 'spring.session.storetype') storeTypeHint(p, facts)
    else if (c.startsWith('spring.session.redis.')) {
      facts.storeHints.push({store: 'redis', evidence: p.key, springSession: true, ...where})
    } else if (/^spring\.(data\.)?redis\./.test(c) && !facts.storeHints.some((h) => h.store === 'redis-client-only' && h.file === p.file)) {
      facts.storeHints.push({store: 'redis-client-only', evidence: p.key, ...where})
    } else if (c === 'server.forwardheadersstrategy' && /^(native|framework)$/i.test(p.value)) {
      facts.secureTransport.push({value: `${p.key}=${p.value}`, ...where})
    } else if ((c === 'server.useforwardheaders' || c === 'server.ssl.enabled') && isTrue(p.value)) {
      facts.secureTransport.push({value: `${p.key}=${p.value}`, ...where})
    } else if (c === 'server.tomcat.remoteip.protocolheader' && p.value) {
      facts.secureTransport.push({value: `${p.key}=${p.value}`, ...where})
    }
  }
  if (!sawTrackingModes) facts.trackingModeDefaults.push({file, line: sessionLine ?? 1})
  facts.cookieConfigPlaces.push({file, line: sessionLine ?? 1})
}

function storeTypeHint(p: SpringProperty, facts: AppFacts): void {
  const type = p.value.toLowerCase()
  const where = {file: p.file, line: p.line}
  const evidence = `${p.key}=${p.value}`
  if (type === 'redis') facts.storeHints.push({store: 'redis', evidence, springSession: true, ...where})
  else if (type === 'none') facts.storeHints.push({store: 'node-local', evidence, ...where})
  else if (['jdbc', 'hazelcast', 'mongodb'].includes(type))
    facts.storeHints.push({store: 'shared', evidence, springSession: true, ...where})
}

function isTrue(value: string): boolean {
  return /^\s*(true|yes|on|1)\s*$/i.test(value)
}

export function springKind(path: string): ConfigKind {
  return /\.ya?ml$/i.test(path) ? 'spring-yaml' : 'spring-properties'
}
