/**
 * The INFO text of Redis 2.8 to 8 (and Valkey): `# Section` headers, `field:value` lines, CRLF or
 * LF. Unknown fields and sections are kept as they are, so a newer server never breaks the parse;
 * lines that fit no shape are counted, never thrown on.
 */
export interface ParsedInfo {
  /** Lower-cased section name → its fields, in the order the server wrote them. */
  sections: Map<string, Map<string, string>>
  /** Every field of every section (a later section wins on a clash, which INFO never has). */
  fields: Map<string, string>
  /** Lines that were neither a header, a field nor blank. */
  malformed: number
}

export function parseInfo(text: string): ParsedInfo {
  const sections = new Map<string, Map<string, string>>()
  const fields = new Map<string, string>()
  let malformed = 0
  let current = sectionOf(sections, '')
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (line.trim() === '') continue
    if (line.startsWith('#')) {
      current = sectionOf(sections, line.slice(1).trim().toLowerCase())
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) {
      malformed++
      continue
    }
    const name = line.slice(0, colon)
    const value = line.slice(colon + 1)
    current.set(name, value)
    fields.set(name, value)
  }
  if (sections.get('')?.size === 0) sections.delete('')
  return {sections, fields, malformed}
}

function sectionOf(sections: Map<string, Map<string, string>>, name: string): Map<string, string> {
  let section = sections.get(name)
  if (!section) {
    section = new Map()
    sections.set(name, section)
  }
  return section
}

/** `ip=10.0.0.2,port=6379,state=online` → its pairs; a part without `=` is kept under its position. */
export function parseFieldList(value: string): Map<string, string> {
  const pairs = new Map<string, string>()
  value.split(',').forEach((part, index) => {
    const eq = part.indexOf('=')
    if (eq < 0) pairs.set(String(index), part)
    else pairs.set(part.slice(0, eq), part.slice(eq + 1))
  })
  return pairs
}

/** A whole number, a decimal or a percentage (`12.5%`); anything else is null. */
export function toNumber(value: string | undefined): number | null {
  if (value === undefined) return null
  const text = value.trim().replace(/%$/, '')
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null
  const n = Number(text)
  return Number.isFinite(n) ? n : null
}

export function numberField(info: ParsedInfo, ...names: string[]): number | null {
  for (const name of names) {
    const n = toNumber(info.fields.get(name))
    if (n !== null) return n
  }
  return null
}

export function stringField(info: ParsedInfo, ...names: string[]): string | null {
  for (const name of names) {
    const value = info.fields.get(name)
    if (value !== undefined) return value.trim()
  }
  return null
}

export interface KeyspaceDb {
  db: number
  keys: number
  expires: number
  /** Average TTL in ms of the keys that have one (0: none, or not sampled yet). */
  avgTtlMs: number | null
}

/** `db0:keys=12,expires=10,avg_ttl=1800000[,subexpiry=0]` lines of the Keyspace section. */
export function parseKeyspace(info: ParsedInfo): KeyspaceDb[] {
  const section = info.sections.get('keyspace') ?? info.fields
  const dbs: KeyspaceDb[] = []
  for (const [name, value] of section) {
    const match = /^db(\d+)$/.exec(name)
    if (!match) continue
    const pairs = parseFieldList(value)
    const keys = toNumber(pairs.get('keys'))
    if (keys === null) continue
    dbs.push({db: Number(match[1]), keys, expires: toNumber(pairs.get('expires')) ?? 0, avgTtlMs: toNumber(pairs.get('avg_ttl'))})
  }
  return dbs.sort((a, b) => a.db - b.db)
}

export interface ReplicaLine {
  address: string
  state: string | null
  offset: number | null
  /** Seconds since the replica last acknowledged (it does so every second). */
  lagSeconds: number | null
}

/**
 * The replicas a primary lists: `slave0:ip=…,port=…,state=online,offset=…,lag=0` (Redis 2.8+;
 * `replica0:` accepted too), and the oldest form `slave0:10.0.0.2,6379,online`.
 */
export function parseReplicaLines(info: ParsedInfo): ReplicaLine[] {
  const section = info.sections.get('replication') ?? info.fields
  const replicas: Array<ReplicaLine & {index: number}> = []
  for (const [name, value] of section) {
    const match = /^(?:slave|replica)(\d+)$/.exec(name)
    if (!match) continue
    const pairs = parseFieldList(value)
    const ip = pairs.get('ip') ?? pairs.get('0') ?? '?'
    const port = pairs.get('port') ?? pairs.get('1') ?? '?'
    replicas.push({
      index: Number(match[1]),
      address: `${ip}:${port}`,
      state: pairs.get('state') ?? pairs.get('2') ?? null,
      offset: toNumber(pairs.get('offset')),
      lagSeconds: toNumber(pairs.get('lag')),
    })
  }
  return replicas.sort((a, b) => a.index - b.index).map(({index: _index, ...replica}) => replica)
}

/** One bucket of a Redis 8 key-size histogram: values from `from` (a power of two) up to the next. */
export interface KeySizeBucket {
  from: number
  count: number
}

/** `db0_distrib_strings_sizes:8=3,1K=2` → per db, per kind (`strings_sizes`, `hashes_items`…). */
export type KeySizes = Record<string, Record<string, KeySizeBucket[]>>

const unitFactor: Record<string, number> = {'': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50}

/** Redis 8's `INFO keysizes`: empty on older servers (an unknown section is no error there). */
export function parseKeySizes(info: ParsedInfo): KeySizes {
  const out: KeySizes = {}
  const section = info.sections.get('keysizes') ?? info.fields
  for (const [name, value] of section) {
    const match = /^(db\d+)_distrib_([a-z]+_[a-z]+)$/.exec(name)
    if (!match) continue
    const buckets: KeySizeBucket[] = []
    for (const [bound, count] of parseFieldList(value)) {
      const parsed = /^(\d+)([KMGTP]?)$/.exec(bound)
      const n = toNumber(count)
      if (!parsed || n === null) continue
      buckets.push({from: Number(parsed[1]) * unitFactor[parsed[2] ?? '']!, count: n})
    }
    const db = match[1]!
    ;(out[db] ??= {})[match[2]!] = buckets.sort((a, b) => a.from - b.from)
  }
  return out
}
