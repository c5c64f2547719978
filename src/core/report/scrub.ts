import {type RedactOptions, scrubText} from '../redact.js'
import type {Report} from './types.js'

/**
 * Passes every string of the report through scrubText, so that a session id or password that an
 * analyzer let through still never reaches an output. Values already redacted (`sid:…`) stay.
 */
export function scrubReport(report: Report, options: RedactOptions): Report {
  return scrubValue(report, options) as Report
}

function scrubValue(value: unknown, options: RedactOptions): unknown {
  if (typeof value === 'string') return scrubText(value, options)
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, options))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, options)
    return out
  }
  return value
}

export type {RedactOptions} from '../redact.js'
