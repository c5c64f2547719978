import type {TimelineEntry} from './types.js'

/** [start ms, requests, flips, newSessions, churn, flipsTo as [route index, n]] */
export type ExportedBucket = [number, number, number, number, number, Array<[number, number]>]

export class Bucket {
  requests = 0
  flips = 0
  newSessions = 0
  churn = 0
  flipsTo: Map<number, number> | null = null

  add(other: Bucket): void {
    this.requests += other.requests
    this.flips += other.flips
    this.newSessions += other.newSessions
    this.churn += other.churn
    if (other.flipsTo) {
      this.flipsTo ??= new Map()
      for (const [route, n] of other.flipsTo) this.flipsTo.set(route, (this.flipsTo.get(route) ?? 0) + n)
    }
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
    ])
  }

  /** Adds another part's buckets, with its route indexes mapped to ours. */
  absorb(buckets: readonly ExportedBucket[], route: (index: number) => number): void {
    for (const [start, requests, flips, newSessions, churn, flipsTo] of buckets) {
      const bucket = this.at(start)
      bucket.requests += requests
      bucket.flips += flips
      bucket.newSessions += newSessions
      bucket.churn += churn
      for (const [r, n] of flipsTo) {
        bucket.flipsTo ??= new Map()
        const mine = route(r)
        bucket.flipsTo.set(mine, (bucket.flipsTo.get(mine) ?? 0) + n)
      }
    }
  }

  /** Dense entries from the first to the last bucket, in a width that keeps them ≤ 240. */
  entries(routeName: (index: number) => string): {bucketSeconds: number; entries: TimelineEntry[]} {
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
        entry.flipsTo = Object.fromEntries([...bucket.flipsTo].sort((a, b) => b[1] - a[1]).map(([r, n]) => [routeName(r), n]))
      }
      return entry
    })
    return {bucketSeconds: width / 1000, entries}
  }
}
