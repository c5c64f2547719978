import type {TimelineEntry} from './types.js'

/** [start ms, requests, flips, newSessions, churn, flipsTo and flipsFrom as [route index, n], loss candidates as [route pair, n]] */
export type ExportedBucket = [
  number,
  number,
  number,
  number,
  number,
  Array<[number, number]>,
  Array<[number, number]>,
  Array<[number, number]>,
]

function addInto(into: Map<number, number> | null, from: Iterable<[number, number]>, map = (k: number) => k): Map<number, number> {
  const out = into ?? new Map<number, number>()
  for (const [k, n] of from) {
    const mine = map(k)
    out.set(mine, (out.get(mine) ?? 0) + n)
  }
  return out
}

export class Bucket {
  requests = 0
  flips = 0
  newSessions = 0
  churn = 0
  flipsTo: Map<number, number> | null = null
  /** Flips by the route the session moved away from. */
  flipsFrom: Map<number, number> | null = null
  /** Ids replaced after a request of (suffix, served route) as a pair key: a loss when that request was misrouted. */
  losses: Map<number, number> | null = null

  add(other: Bucket): void {
    this.requests += other.requests
    this.flips += other.flips
    this.newSessions += other.newSessions
    this.churn += other.churn
    if (other.flipsTo) this.flipsTo = addInto(this.flipsTo, other.flipsTo)
    if (other.flipsFrom) this.flipsFrom = addInto(this.flipsFrom, other.flipsFrom)
    if (other.losses) this.losses = addInto(this.losses, other.losses)
  }
}

const MINUTE = 60_000
/** Working buckets kept while streaming; beyond this they are merged pairwise (bounded memory). */
const MAX_WORKING_BUCKETS = 4096
/** The timeline in the report has at most this many entries. */
export const MAX_TIMELINE_ENTRIES = 240
const niceWidthsMinutes = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10_080]

/** Per-minute counters while streaming, widened when the span grows, cut to ≤ 240 entries at the end. */
export class Timeline {
  bucketMs = MINUTE
  private buckets = new Map<number, Bucket>()
  private lastKey = Number.NaN
  private last: Bucket | null = null

  at(timeMs: number): Bucket {
    const key = Math.floor(timeMs / this.bucketMs)
    if (key === this.lastKey && this.last) return this.last
    let bucket = this.buckets.get(key)
    if (!bucket) {
      if (this.buckets.size >= MAX_WORKING_BUCKETS) {
        this.widen()
        return this.at(timeMs)
      }
      bucket = new Bucket()
      this.buckets.set(key, bucket)
    }
    this.lastKey = key
    this.last = bucket
    return bucket
  }

  private widen(): void {
    const merged = new Map<number, Bucket>()
    for (const [key, bucket] of this.buckets) {
      const wide = Math.floor(key / 2)
      const target = merged.get(wide)
      if (target) target.add(bucket)
      else merged.set(wide, bucket)
    }
    this.bucketMs *= 2
    this.buckets = merged
    this.lastKey = Number.NaN
    this.last = null
  }

  /** The working buckets as plain data (for a worker's result). */
  exportBuckets(): ExportedBucket[] {
    return [...this.buckets].map(([key, b]) => [
      key * this.bucketMs,
      b.requests,
      b.flips,
      b.newSessions,
      b.churn,
      b.flipsTo ? [...b.flipsTo] : [],
      b.flipsFrom ? [...b.flipsFrom] : [],
      b.losses ? [...b.losses] : [],
    ])
  }

  /** Adds another part's buckets, with its route indexes mapped to ours. */
  absorb(buckets: readonly ExportedBucket[], route: (index: number) => number, pair: (key: number) => number): void {
    for (const [start, requests, flips, newSessions, churn, flipsTo, flipsFrom, losses] of buckets) {
      const bucket = this.at(start)
      bucket.requests += requests
      bucket.flips += flips
      bucket.newSessions += newSessions
      bucket.churn += churn
      if (flipsTo.length > 0) bucket.flipsTo = addInto(bucket.flipsTo, flipsTo, route)
      if (flipsFrom.length > 0) bucket.flipsFrom = addInto(bucket.flipsFrom, flipsFrom, route)
      if (losses.length > 0) bucket.losses = addInto(bucket.losses, losses, pair)
    }
  }

  /** One less new session at `timeMs` (a session seen on both sides of a cut between parts). */
  uncountNewSession(timeMs: number): void {
    this.at(timeMs).newSessions--
  }

  /** Dense entries from the first to the last bucket, in a width that keeps them ≤ 240. */
  entries(
    routeName: (index: number) => string,
    lostHome: (pair: number) => number = () => -1,
  ): {bucketSeconds: number; entries: TimelineEntry[]} {
    if (this.buckets.size === 0) return {bucketSeconds: this.bucketMs / 1000, entries: []}
    const keys = [...this.buckets.keys()]
    const first = Math.min(...keys) * this.bucketMs
    const last = Math.max(...keys) * this.bucketMs
    const span = last - first + this.bucketMs
    let width = this.bucketMs
    for (const minutes of niceWidthsMinutes) {
      width = Math.max(this.bucketMs, minutes * MINUTE)
      if (span / width <= MAX_TIMELINE_ENTRIES) break
    }
    while (span / width > MAX_TIMELINE_ENTRIES) width *= 2
    const start = Math.floor(first / width) * width
    const count = Math.floor((last - start) / width) + 1
    const dense = Array.from({length: count}, () => new Bucket())
    for (const [key, bucket] of this.buckets) dense[Math.floor((key * this.bucketMs - start) / width)]!.add(bucket)
    const entries = dense.map((bucket, i): TimelineEntry => {
      const entry: TimelineEntry = {
        start: new Date(start + i * width).toISOString(),
        requests: bucket.requests,
        flips: bucket.flips,
        newSessions: bucket.newSessions,
        churn: bucket.churn,
      }
      if (bucket.flipsTo && bucket.flipsTo.size > 0) {
        entry.flipsTo = named(bucket.flipsTo, routeName)
      }
      if (bucket.flipsFrom && bucket.flipsFrom.size > 0) entry.flipsFrom = named(bucket.flipsFrom, routeName)
      const lostFrom = new Map<number, number>()
      for (const [pair, n] of bucket.losses ?? []) {
        const home = lostHome(pair)
        if (home >= 0) lostFrom.set(home, (lostFrom.get(home) ?? 0) + n)
      }
      if (lostFrom.size > 0) {
        entry.lost = [...lostFrom.values()].reduce((a, b) => a + b, 0)
        entry.lostFrom = named(lostFrom, routeName)
      }
      return entry
    })
    return {bucketSeconds: width / 1000, entries}
  }
}

function named(counts: Map<number, number>, routeName: (index: number) => string): Record<string, number> {
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([r, n]) => [routeName(r), n]))
}
