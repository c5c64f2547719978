import type {AccessLogOptions, AccessLogSection} from './types.js'

/** Why no request could be judged (then the verdict is UNKNOWN, never OK), or null. */
export function nothingAnalyzable(s: AccessLogSection, options: AccessLogOptions): string | null {
  if (s.parsed === 0 && s.rejected === 0)
    return options.signal?.aborted
      ? 'interrupted before any line was read'
      : 'the log is empty: no request to analyze; check the path (was it rotated away?)'
  if (s.parsed === 0) {
    const first = s.rejectedSamples[0]
    const where = first ? ` (the first at ${first.file}:${first.line})` : ''
    return s.formatSource === 'flag'
      ? `no line fits the log format ${options.logFormat} (${s.rejected} lines${where}): check --log-format against the server's LogFormat`
      : `no line fits a known access-log format (${s.rejected} lines${where}): is this an access log? If it is, give its format with --log-format`
  }
  return s.errors?.find((e) => e.input === 'window')?.message ?? null
}
