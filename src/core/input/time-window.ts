export interface TimeWindow {
  since: Date | null
  until: Date | null
}

export type Parsed<T> = {ok: true; value: T} | {ok: false; error: string}

const unitMs: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}

/** `--since` / `--until`: an ISO time, or a duration before now such as `90s`, `30m`, `2h`, `7d`. */
export function parseTimeSpec(spec: string, now: Date = new Date()): Parsed<Date> {
  const trimmed = spec.trim()
  const relative = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(trimmed)
  if (relative?.[1] && relative[2]) {
    return {ok: true, value: new Date(now.getTime() - Number(relative[1]) * (unitMs[relative[2].toLowerCase()] ?? 0))}
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const ms = Date.parse(trimmed)
    if (!Number.isNaN(ms)) return {ok: true, value: new Date(ms)}
  }
  return {
    ok: false,
    error: `cannot read the time '${spec}': give an ISO time (2026-11-28T10:00:00Z) or a duration before now (30m, 2h, 7d)`,
  }
}

export function parseTimeWindow(since: string | undefined, until: string | undefined, now: Date = new Date()): Parsed<TimeWindow> {
  const window: TimeWindow = {since: null, until: null}
  for (const [key, spec] of [
    ['since', since],
    ['until', until],
  ] as const) {
    if (spec === undefined) continue
    const parsed = parseTimeSpec(spec, now)
    if (!parsed.ok) return {ok: false, error: `--${key}: ${parsed.error}`}
    window[key] = parsed.value
  }
  if (window.since && window.until && window.since > window.until) {
    return {ok: false, error: '--since is after --until: swap them or widen the window'}
  }
  return {ok: true, value: window}
}

/** Whether a time (ms since the epoch) falls inside the window; times unknown are kept. */
export function inWindow(window: TimeWindow, timeMs: number | null | undefined): boolean {
  if (timeMs === null || timeMs === undefined || Number.isNaN(timeMs)) return true
  if (window.since && timeMs < window.since.getTime()) return false
  if (window.until && timeMs > window.until.getTime()) return false
  return true
}

/** A duration such as `30m`, `1h`, `1800s` or a bare number of minutes, in milliseconds. */
export function parseDuration(spec: string): Parsed<number> {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])?$/i.exec(spec.trim())
  if (!m?.[1]) return {ok: false, error: `cannot read the duration '${spec}': give a number with a unit, such as 30m, 1h or 1800s`}
  return {ok: true, value: Number(m[1]) * (unitMs[(m[2] ?? 'm').toLowerCase()] ?? 60_000)}
}

/** The note for a section whose every dated entry fell outside --since/--until (nothing left to judge). */
export function emptyWindowNote(
  window: TimeWindow,
  dated: number,
  outside: number,
  what: string,
): {input: string; message: string} | undefined {
  if (dated === 0 || outside < dated || (!window.since && !window.until)) return undefined
  const range = [window.since && `since ${window.since.toISOString()}`, window.until && `until ${window.until.toISOString()}`]
    .filter(Boolean)
    .join(' ')
  return {
    input: 'window',
    message: `all ${dated} ${what} fall outside the window (${range}): nothing in it was analyzed; widen --since / --until`,
  }
}
