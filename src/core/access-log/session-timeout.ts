import {type Parsed, parseDuration} from '../input/time-window.js'

const MIN_MS = 60_000
const MAX_MS = 30 * 24 * 3_600_000

/** A session timeout (`30m`) in milliseconds: 1 minute (Tomcat's unit) to 30 days. */
export function parseSessionTimeout(spec: string): Parsed<number> {
  const parsed = parseDuration(spec)
  if (!parsed.ok) return parsed
  if (parsed.value < MIN_MS || parsed.value > MAX_MS)
    return {ok: false, error: `'${spec}' is out of range: a session timeout is from 1m to 30d (the app's timeout, usually 30m)`}
  return parsed
}
