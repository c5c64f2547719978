/** The session-store layouts sessdoc knows, by the exact shape of their keys. */
export const presetNames = ['spring-session', 'redisson-tomcat', 'tomcat-redis-session-manager', 'connect-redis', 'php', 'generic'] as const
export type PresetName = (typeof presetNames)[number]

/** What a key is within its layout: a session, or a companion key kept beside the sessions. */
export type KeyRole = 'session' | 'expires' | 'expirations' | 'index' | 'notified-nodes'

export interface KeyClass {
  preset: PresetName
  role: KeyRole
  /** Where the session id starts and ends in the key (for redaction); absent for companions without one. */
  idStart?: number
  idEnd?: number
  /** Spring namespace or Redisson prefix, when the layout has one. */
  namespace?: string
}

export interface ClassifierOptions {
  /** Only this layout (keys of other layouts are not sessions). */
  preset?: PresetName
  /** Spring Session namespace; default: any (`<ns>:sessions:<id>`), spring:session being the usual one. */
  namespace?: string
  /** A custom MATCH glob: every matched key is a session (of `preset`, default generic). */
  pattern?: string
}

export type Classifier = (key: string) => KeyClass | undefined

const springKey = /^(.+?):(sessions:(?:(expires):)?([^:]+)|expirations:(\d+)|index:(.+))$/
const redissonKey = /^(?:(.*):)?redisson:(tomcat_session|tomcat_notified_nodes):([^:]+)$/
const tomcatId = /^[0-9A-F]{16,64}(?:\.[A-Za-z0-9_-]{1,64})?$/

function spring(key: string, namespace: string | undefined): KeyClass | undefined {
  if (namespace !== undefined) {
    if (!key.startsWith(`${namespace}:`)) return undefined
  } else if (!key.includes(':sessions:') && !key.includes(':expirations:') && !key.includes(':index:')) {
    return undefined
  }
  const m = springKey.exec(key)
  if (!m) return undefined
  const ns = m[1]!
  if (namespace !== undefined && ns !== namespace) return undefined
  if (m[4] !== undefined) {
    const idEnd = key.length
    const idStart = idEnd - m[4].length
    return {preset: 'spring-session', role: m[3] ? 'expires' : 'session', idStart, idEnd, namespace: ns}
  }
  if (m[5] !== undefined) return {preset: 'spring-session', role: 'expirations', namespace: ns}
  // Index sets: NS:index:<index name>:<value>; the value is a user name, not a session id.
  if (m[6] !== undefined) return {preset: 'spring-session', role: 'index', namespace: ns}
  return undefined
}

function redisson(key: string): KeyClass | undefined {
  if (!key.includes('redisson:tomcat_')) return undefined
  const m = redissonKey.exec(key)
  if (!m) return undefined
  const idEnd = key.length
  const result: KeyClass = {
    preset: 'redisson-tomcat',
    role: m[2] === 'tomcat_session' ? 'session' : 'notified-nodes',
    idStart: idEnd - m[3]!.length,
    idEnd,
  }
  if (m[1] !== undefined) result.namespace = m[1]
  return result
}

function prefixed(key: string, prefix: string, preset: PresetName): KeyClass | undefined {
  if (!key.startsWith(prefix) || key.length === prefix.length) return undefined
  return {preset, role: 'session', idStart: prefix.length, idEnd: key.length}
}

function tomcatBare(key: string): KeyClass | undefined {
  if (key.length < 16 || !tomcatId.test(key)) return undefined
  const dot = key.indexOf('.')
  return {preset: 'tomcat-redis-session-manager', role: 'session', idStart: 0, idEnd: dot < 0 ? key.length : dot}
}

const byPreset: Record<PresetName, (key: string, options: ClassifierOptions) => KeyClass | undefined> = {
  'spring-session': (key, o) => spring(key, o.namespace),
  'redisson-tomcat': (key) => redisson(key),
  'tomcat-redis-session-manager': (key) => tomcatBare(key),
  'connect-redis': (key) => prefixed(key, 'sess:', 'connect-redis'),
  php: (key) => prefixed(key, 'PHPREDIS_SESSION:', 'php'),
  generic: (key) => {
    const c = prefixed(key, 'session:', 'generic')
    return c && !key.includes(':', 8) ? c : undefined
  },
}

/** Most specific first: a Spring or Redisson key must not be taken for a generic one. */
const detectionOrder: PresetName[] = [
  'spring-session',
  'redisson-tomcat',
  'connect-redis',
  'php',
  'generic',
  'tomcat-redis-session-manager',
]

export function makeClassifier(options: ClassifierOptions = {}): Classifier {
  if (options.pattern !== undefined) {
    const preset = options.preset ?? 'generic'
    const specific = byPreset[preset]
    return (key) => {
      const c = specific(key, options)
      if (c) return c
      const colon = key.lastIndexOf(':')
      return {preset, role: 'session', idStart: colon + 1, idEnd: key.length}
    }
  }
  const presets = options.preset ? [options.preset] : detectionOrder
  const classifiers = presets.map((p) => byPreset[p])
  return (key) => {
    for (const classify of classifiers) {
      const c = classify(key, options)
      if (c) return c
    }
    return undefined
  }
}

/** The SCAN MATCH glob that narrows the replies to a layout (the server still walks every key). */
export function matchPattern(options: ClassifierOptions): string | undefined {
  if (options.pattern !== undefined) return options.pattern
  switch (options.preset) {
    case 'spring-session':
      return options.namespace !== undefined ? `${escapeGlob(options.namespace)}:*` : undefined
    case 'redisson-tomcat':
      return '*redisson:tomcat_*'
    case 'connect-redis':
      return 'sess:*'
    case 'php':
      return 'PHPREDIS_SESSION:*'
    case 'generic':
      return 'session:*'
    default:
      return undefined
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`)
}

/** The hash fields that hold a session's inactivity timeout and last access, per layout. */
export const metadataFields: Partial<Record<PresetName, {maxInactiveInterval: string; lastAccessedTime: string}>> = {
  'spring-session': {maxInactiveInterval: 'maxInactiveInterval', lastAccessedTime: 'lastAccessedTime'},
  'redisson-tomcat': {maxInactiveInterval: 'session:maxInactiveInterval', lastAccessedTime: 'session:lastAccessedTime'},
}
