import type {TimelineBucket} from '../report/types.js'
import type {Evidence} from './evidence.js'

const MINUTE = 60_000
const niceSizes = [1, 2, 5, 10, 15, 30, 60, 120, 360, 720, 1440].map((m) => m * MINUTE)

/** One timeline of flips, new sessions, app errors, Redis errors and restarts, at most `maxBuckets` long. */
export function mergeTimeline(evidence: Evidence, maxBuckets = 120): TimelineBucket[] {
  const access = evidence.access?.buckets ?? []
  const tomcat = evidence.tomcat
  const times = [
    ...access.map((b) => b.startMs),
    ...(tomcat?.errorsByMinute ?? []).map((m) => m.minuteMs),
    ...(tomcat?.redisErrorsByMinute ?? []).map((m) => m.minuteMs),
    ...(tomcat?.restarts ?? []).map((r) => r.timeMs),
  ]
  if (times.length === 0) return []
  const from = Math.min(...times)
  const to = Math.max(...times)
  const size = niceSizes.find((s) => (to - from) / s < maxBuckets) ?? niceSizes.at(-1)!
  const start = Math.floor(from / size) * size
  const count = Math.floor((to - start) / size) + 1
  const buckets: TimelineBucket[] = Array.from({length: count}, (_, i) => ({
    start: new Date(start + i * size).toISOString(),
    requests: 0,
    flips: 0,
    newSessions: 0,
    appErrors: 0,
    redisErrors: 0,
    restarts: 0,
  }))
  const at = (ms: number): TimelineBucket | undefined => buckets[Math.floor((ms - start) / size)]
  for (const b of access) {
    const bucket = at(b.startMs)
    if (!bucket) continue
    bucket.requests += b.requests
    bucket.flips += b.flips
    bucket.newSessions += b.newSessions
  }
  const add = (ms: number, field: 'appErrors' | 'redisErrors' | 'restarts', n: number): void => {
    const bucket = at(ms)
    if (bucket) bucket[field] += n
  }
  for (const m of tomcat?.errorsByMinute ?? []) add(m.minuteMs, 'appErrors', m.count)
  for (const m of tomcat?.redisErrorsByMinute ?? []) add(m.minuteMs, 'redisErrors', m.count)
  for (const r of tomcat?.restarts ?? []) add(r.timeMs, 'restarts', 1)
  return buckets
}
