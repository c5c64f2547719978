import {isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments} from 'yaml'
import type {InputError} from '../report/types.js'
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
export function yamlProperties(text: string, file: string): {properties: SpringProperty[]; errors: InputError[]} {
  const lineCounter = new LineCounter()
  const properties: SpringProperty[] = []
  const errors: InputError[] = []
  const docs = parseAllDocuments(text, {lineCounter, prettyErrors: false, uniqueKeys: false})
  const list = Array.isArray(docs) ? docs : []
  for (const doc of list) {
    for (const error of doc.errors) {
      const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line
      errors.push(parseError(file, line, `malformed YAML: ${error.message.split('\n')[0]}`))
    }
    const lineOf = (node: Node | null | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 1)
    const visit = (node: unknown, prefix: string, keyLine: number): void => {
      if (isMap(node)) {
        for (const pair of node.items) {
          const keyNode = pair.key as Node | null
          const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode ?? '')
          visit(pair.value, prefix ? `${prefix}.${key}` : key, lineOf(keyNode))
        }
      } else if (isSeq(node)) {
        const scalars: string[] = []
        node.items.forEach((item, index) => {
          if (isScalar(item)) scalars.push(String(item.value))
          visit(item, `${prefix}[${index}]`, lineOf(item as Node))
        })
        if (scalars.length === node.items.length) properties.push(property(prefix, scalars.join(','), file, keyLine))
      } else if (isScalar(node)) {
        properties.push(property(prefix, node.value === null ? '' : String(node.value), file, keyLine))
      } else if (node === null || node === undefined) {
        if (prefix) properties.push(property(prefix, '', file, keyLine))
      }
    }
    visit(doc.contents, '', 1)
  }
  return {properties, errors}
}

/** Reads a Java .properties file: `key=value`, `key: value`, `key value`, comments, continuations, escapes. */
export function propertiesFile(text: string, file: string): {properties: SpringProperty[]; errors: InputError[]} {
  const properties: SpringProperty[] = []
  const errors: InputError[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1
    let logical = lines[i]!.replace(/^\s+/, '')
    if (!logical || logical.startsWith('#') || logical.startsWith('!')) continue
    while (endsWithContinuation(logical) && i + 1 < lines.length) logical = logical.slice(0, -1) + lines[++i]!.replace(/^\s+/, '')
    const match = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(logical) ?? /^((?:\\.|[^=:\s\\])+)$/.exec(logical)
    if (!match?.[1]) {
      errors.push(parseError(file, startLine, `not a property line: ${logical.slice(0, 80)}`))
      continue
    }
    properties.push(property(unescapeJava(match[1]), unescapeJava(match[2] ?? ''), file, startLine))
  }
  return {properties, errors}
}

function endsWithContinuation(line: string): boolean {
  const trailing = /\\+$/.exec(line)?.[0].length ?? 0
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
