/**
 * What carries a log line: the prefix (or the JSON envelope) that a service wrapper, a container
 * runtime, journald, docker compose, a CI runner or an editor puts around every line the
 * application wrote. Each carrier is a small unit: it recognizes its own shape and hands back the
 * line as the application wrote it, with the time and level the carrier knew, if any.
 *
 * Every pattern is anchored and made of bounded runs of single character classes: linear.
 */

export type CarrierName =
  | 'journald-json'
  | 'journald-short'
  | 'journald-short-iso'
  | 'docker-json'
  | 'cri'
  | 'timestamp'
  | 'java-service-wrapper'
  | 'docker-compose'
  | 'maven'
  | 'line-number'
  | 'epoch-csv'
  | 'table-pipe'

export type CarrierLevel = 'error' | 'warn' | 'info' | 'debug'

export interface Carried {
  carrier: CarrierName
  /** The line as the application wrote it (may hold `\n` when the envelope carried several lines). */
  text: string
  /** Milliseconds since the epoch, NaN when the carrier has no time. */
  timeMs: number
  /** True when timeMs is UTC; false when it is the writer's wall-clock time. */
  zoned: boolean
  level: CarrierLevel | null
  /** A fragment of a longer line (CRI `P`, a docker json-file entry without its newline). */
  partial: boolean
  /**
   * A shape that a plain log line could have too (a number, a pipe): take it as a carrier only
   * when the line inside is a log header or part of a stack trace.
   */
  ambiguous: boolean
}

interface Carrier {
  name: CarrierName
  /** Cheap first test on the first character code. */
  first(c: number): boolean
  unwrap(line: string, now: number): Carried | null
}

const ISO = String.raw`(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d:?\d\d)`
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

const cri = new RegExp(`^${ISO} (?:stdout|stderr) ([FP]) ?`)
const journaldIso = new RegExp(`^${ISO} [\\w.-]{1,64} [^\\s\\[:]{1,64}\\[\\d{1,10}\\]: ?`)
const timestamp = new RegExp(`^${ISO} `)
const journaldShort =
  /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? [\w.-]{1,64} [^\s[:]{1,64}(?:\[\d{1,10}\])?: ?/
const wrapper =
  /^(?:STATUS|INFO|WARN|ERROR|DEBUG|FATAL|ADVICE|NOTICE) {0,8}\| (?:jvm \d{1,4}|wrapperp?) {0,8}\| (\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)(?:\.\d{1,3})? \| ?/
const compose = /^[A-Za-z0-9][\w.-]{0,62} {0,40}\| /
const maven = /^\[(?:INFO|WARNING|WARN|ERROR|DEBUG)\] (?:\[[\w.-]{1,64}\] )?/
const lineNumber = /^ {0,8}\d{1,7}(?: |$)/
const epochCsv = /^(\d{10,13}),/
const tablePipe = /^ {0,8}\| ?/

function isoMs(m: RegExpExecArray, from: number): {ms: number; zoned: boolean} {
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[from + i - 1]))
  const fraction = m[from + 6] ?? ''
  const millis = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0
  const wall = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, millis)
  const zone = m[from + 7]!
  if (zone === 'Z') return {ms: wall, zoned: true}
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.replace(':', '')
  const offset = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)))
  return {ms: wall - offset * 60_000, zoned: true}
}

function carried(carrier: CarrierName, text: string, extra: Partial<Carried> = {}): Carried {
  return {carrier, text, timeMs: Number.NaN, zoned: false, level: null, partial: false, ambiguous: false, ...extra}
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57
const isUpper = (c: number): boolean => c >= 65 && c <= 90

/** syslog priorities (journald's PRIORITY): 0–3 error, 4 warning, 5–6 info, 7 debug. */
export function priorityLevel(priority: number): CarrierLevel | null {
  if (!Number.isInteger(priority) || priority < 0 || priority > 7) return null
  return priority <= 3 ? 'error' : priority === 4 ? 'warn' : priority <= 6 ? 'info' : 'debug'
}

/** `journalctl -o json`: one entry per line; MESSAGE is a string, or bytes when not UTF-8. */
function journaldJson(line: string): Carried | null {
  if (!line.includes('"__REALTIME_TIMESTAMP"')) return null
  const entry = parseObject(line)
  if (!entry) return null
  const message = entry.MESSAGE
  let text: string
  if (typeof message === 'string') text = message
  else if (Array.isArray(message) && message.every((b) => typeof b === 'number')) text = Buffer.from(message as number[]).toString('utf8')
  else text = ''
  const micros = Number(entry.__REALTIME_TIMESTAMP)
  const priority = Number(entry.PRIORITY)
  return carried('journald-json', text.replace(/\n$/, ''), {
    timeMs: Number.isFinite(micros) ? Math.floor(micros / 1000) : Number.NaN,
    zoned: true,
    level: typeof entry.PRIORITY === 'string' || typeof entry.PRIORITY === 'number' ? priorityLevel(priority) : null,
  })
}

/** docker's json-file driver: `{"log":"…\n","stream":"stdout","time":"…"}`; a line cut at 16 KB has no `\n`. */
function dockerJson(line: string): Carried | null {
  if (!line.startsWith('{"log":')) return null
  const entry = parseObject(line)
  if (!entry || typeof entry.log !== 'string') return null
  const time = typeof entry.time === 'string' ? Date.parse(entry.time) : Number.NaN
  const log = entry.log
  const whole = log.endsWith('\n')
  return carried('docker-json', whole ? log.slice(0, log.endsWith('\r\n') ? -2 : -1) : log, {
    timeMs: time,
    zoned: !Number.isNaN(time),
    partial: !whole,
  })
}

function parseObject(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** The year of a syslog-style time without one: this year, or last year when that would be in the future. */
function guessYear(month0: number, day: number, now: number): number {
  const year = new Date(now).getUTCFullYear()
  return Date.UTC(year, month0, day) > now + 2 * 86_400_000 ? year - 1 : year
}

const carriers: readonly Carrier[] = [
  {name: 'journald-json', first: (c) => c === 123, unwrap: (line) => journaldJson(line)},
  {name: 'docker-json', first: (c) => c === 123, unwrap: (line) => dockerJson(line)},
  {
    name: 'cri',
    first: isDigit,
    unwrap(line) {
      const m = cri.exec(line)
      if (!m) return null
      const {ms, zoned} = isoMs(m, 1)
      return carried('cri', line.slice(m[0].length), {timeMs: ms, zoned, partial: m[9] === 'P'})
    },
  },
  {
    name: 'journald-short-iso',
    first: isDigit,
    unwrap(line) {
      const m = journaldIso.exec(line)
      if (!m) return null
      const {ms, zoned} = isoMs(m, 1)
      return carried('journald-short-iso', line.slice(m[0].length), {timeMs: ms, zoned})
    },
  },
  {
    name: 'timestamp',
    first: isDigit,
    unwrap(line) {
      const m = timestamp.exec(line)
      if (!m) return null
      const {ms, zoned} = isoMs(m, 1)
      // A Spring Boot line starts with a time too: only a log line behind the time makes it a carrier.
      return carried('timestamp', line.slice(m[0].length), {timeMs: ms, zoned, ambiguous: true})
    },
  },
  {
    name: 'epoch-csv',
    first: isDigit,
    unwrap(line) {
      const m = epochCsv.exec(line)
      if (!m) return null
      const n = Number(m[1])
      return carried('epoch-csv', line.slice(m[0].length), {timeMs: m[1]!.length === 13 ? n : n * 1000, zoned: true, ambiguous: true})
    },
  },
  {
    name: 'journald-short',
    first: isUpper,
    unwrap(line, now) {
      const m = journaldShort.exec(line)
      if (!m) return null
      const month = MONTHS.indexOf(m[1]!)
      const day = Number(m[2]!.trim())
      const millis = m[6] ? Number(m[6].slice(0, 3).padEnd(3, '0')) : 0
      const wall = Date.UTC(guessYear(month, day, now), month, day, Number(m[3]), Number(m[4]), Number(m[5]), millis)
      return carried('journald-short', line.slice(m[0].length), {timeMs: wall})
    },
  },
  {
    name: 'java-service-wrapper',
    first: isUpper,
    unwrap(line) {
      const m = wrapper.exec(line)
      if (!m) return null
      const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number)
      return carried('java-service-wrapper', line.slice(m[0].length), {timeMs: Date.UTC(year!, month! - 1, day!, hour!, minute!, second!)})
    },
  },
  {
    name: 'docker-compose',
    first: (c) => isDigit(c) || isUpper(c) || (c >= 97 && c <= 122),
    unwrap(line) {
      const m = compose.exec(line)
      return m ? carried('docker-compose', line.slice(m[0].length)) : null
    },
  },
  {
    name: 'maven',
    first: (c) => c === 91,
    unwrap(line) {
      const m = maven.exec(line)
      return m ? carried('maven', line.slice(m[0].length)) : null
    },
  },
  {
    name: 'line-number',
    first: (c) => c === 32 || isDigit(c),
    unwrap(line) {
      const m = lineNumber.exec(line)
      return m ? carried('line-number', line.slice(m[0].length), {ambiguous: true}) : null
    },
  },
  {
    name: 'table-pipe',
    first: (c) => c === 32 || c === 124,
    unwrap(line) {
      const m = tablePipe.exec(line)
      return m ? carried('table-pipe', line.slice(m[0].length), {ambiguous: true}) : null
    },
  },
]

/**
 * The line inside its carrier, or null when no carrier's shape fits. `accept` decides on the
 * ambiguous shapes (a leading number, a pipe): only when the inner line looks like a log line.
 */
export function unwrapCarrier(line: string, accept: (inner: string) => boolean, now = Date.now()): Carried | null {
  const c = line.charCodeAt(0)
  for (const carrier of carriers) {
    if (!carrier.first(c)) continue
    const found = carrier.unwrap(line, now)
    if (found && (!found.ambiguous || accept(found.text))) return found
  }
  return null
}
