import {levelOf} from './levels.js'
import type {Level} from './types.js'

export interface JsonEvent {
  timeMs: number | null
  level: Level
  logger: string
  message: string
  /** The stack trace, one line per entry. */
  trace: string[]
}

// Only lines that may be problems (or restarts) are worth a JSON.parse; the rest are counted.
// One scan of alternatives of literals (no quantifiers): linear.
const worthParsing =
  /"(?:ERROR|error|WARN|warn|SEVERE|FATAL|fatal|CRITICAL|critical)|stack_?trace|startup in|Started |Stopping service|eploying|graceful shutdown|Reloading Context/

export function jsonWorthParsing(line: string): boolean {
  return worthParsing.test(line)
}

/** A logstash / ECS JSON log line, or null when the line is not a JSON object. */
export function parseJsonEvent(line: string, toUtc: (wallMs: number) => number = (ms) => ms): JsonEvent | null {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return null
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null
  const record = value as Record<string, unknown>
  const time = pick(record, ['@timestamp', 'timestamp', 'time', 'ts', 'date'])
  const levelText = pick(record, ['level', 'log.level', 'severity', 'loglevel', 'log_level'])
  const trace = pick(record, ['stack_trace', 'error.stack_trace', 'exception', 'stacktrace', 'error.stack', 'throwable'])
  const errorType = pick(record, ['error.type', 'exception_class'])
  const errorMessage = pick(record, ['error.message', 'exception_message'])
  let traceLines = typeof trace === 'string' && trace.length > 0 ? trace.split(/\r?\n/) : []
  if (traceLines.length === 0 && typeof errorType === 'string') {
    traceLines = [typeof errorMessage === 'string' ? `${errorType}: ${errorMessage}` : errorType]
  }
  return {
    timeMs: toTime(time, toUtc),
    level: typeof levelText === 'string' ? (levelOf(levelText.toUpperCase()) ?? 'unknown') : 'unknown',
    logger: stringOf(pick(record, ['logger_name', 'log.logger', 'logger', 'loggerName'])),
    message: stringOf(pick(record, ['message', 'msg', 'log.message'])),
    trace: traceLines,
  }
}

/** A field by its flat name (`log.level`) or its nested path (`log: {level}`). */
function pick(record: Record<string, unknown>, names: string[]): unknown {
  for (const name of names) {
    if (name in record) return record[name]
    const dot = name.indexOf('.')
    if (dot > 0) {
      const inner = record[name.slice(0, dot)]
      if (inner && typeof inner === 'object' && name.slice(dot + 1) in inner) return (inner as Record<string, unknown>)[name.slice(dot + 1)]
    }
  }
  return undefined
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)
}

function toTime(value: unknown, toUtc: (wallMs: number) => number): number | null {
  if (typeof value === 'number') return value > 1e12 ? value : value * 1000
  if (typeof value !== 'string') return null
  // An ISO time without a zone is wall-clock time of the writer, like the text formats.
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/.test(value) || !/^\d{4}-\d\d-\d\d[T ]\d/.test(value)
  const ms = Date.parse(zoned ? value : `${value.replace(' ', 'T')}Z`)
  if (Number.isNaN(ms)) return null
  return zoned ? ms : toUtc(ms)
}
