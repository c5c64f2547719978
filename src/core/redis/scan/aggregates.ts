/** Streaming aggregates of the scan: fixed memory however many keys go through. */

/** TTL buckets of the report (seconds); keys without TTL are counted apart. */
export const ttlBucketBounds = [60, 300, 1800, 7200, 86_400] as const
export const ttlBucketLabels = ['≤1m', '≤5m', '≤30m', '≤2h', '≤1d', '>1d', 'none'] as const

export class TtlHistogram {
  /** One count per bound, then >1d, then no TTL. */
  readonly counts = new Array<number>(ttlBucketBounds.length + 2).fill(0)
  /** Longest TTL seen (ms), the upper bound of the >1d bucket. */
  maxMs = 0

  add(pttlMs: number): void {
    if (pttlMs < 0) {
      this.counts[this.counts.length - 1]!++
      return
    }
    if (pttlMs > this.maxMs) this.maxMs = pttlMs
    const seconds = pttlMs / 1000
    let i = 0
    while (i < ttlBucketBounds.length && seconds > ttlBucketBounds[i]!) i++
    this.counts[i]!++
  }

  merge(other: TtlHistogram): void {
    other.counts.forEach((c, i) => {
      this.counts[i]! += c
    })
    this.maxMs = Math.max(this.maxMs, other.maxMs)
  }

  /** CONTRACT.md shape: `le` in seconds, `null` for no TTL; the >1d bucket's `le` is the longest TTL seen. */
  toJSON(): Array<{le: number | null; label: string; count: number}> {
    return this.counts.map((count, i) => {
      const label = ttlBucketLabels[i]!
      if (i < ttlBucketBounds.length) return {le: ttlBucketBounds[i]!, label, count}
      if (i === ttlBucketBounds.length) return {le: Math.max(86_401, Math.ceil(this.maxMs / 1000)), label, count}
      return {le: null, label, count}
    })
  }
}

/**
 * Sizes in a log-scale histogram (buckets 2% apart, like DDSketch): percentiles within 2%,
 * mergeable across nodes, a few KB of memory. Max and thresholds are exact.
 */
export class SizeSketch {
  private static readonly gamma = 1.02
  private static readonly logGamma = Math.log(SizeSketch.gamma)
  private readonly buckets = new Map<number, number>()
  count = 0
  total = 0
  max = 0
  atLeast1KB = 0
  atLeast10KB = 0
  atLeast100KB = 0
  /** Bytes held by sessions of 10 KB and more. */
  bytesInAtLeast10KB = 0

  add(bytes: number): void {
    this.count++
    this.total += bytes
    if (bytes > this.max) this.max = bytes
    if (bytes >= 1024) this.atLeast1KB++
    if (bytes >= 10_240) {
      this.atLeast10KB++
      this.bytesInAtLeast10KB += bytes
    }
    if (bytes >= 102_400) this.atLeast100KB++
    const index = bytes <= 1 ? 0 : Math.ceil(Math.log(bytes) / SizeSketch.logGamma)
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1)
  }

  merge(other: SizeSketch): void {
    for (const [index, c] of other.buckets) this.buckets.set(index, (this.buckets.get(index) ?? 0) + c)
    this.count += other.count
    this.total += other.total
    this.max = Math.max(this.max, other.max)
    this.atLeast1KB += other.atLeast1KB
    this.atLeast10KB += other.atLeast10KB
    this.atLeast100KB += other.atLeast100KB
    this.bytesInAtLeast10KB += other.bytesInAtLeast10KB
  }

  /** The q-quantile (0..1), as the upper bound of its bucket, never above the exact max. */
  quantile(q: number): number | null {
    if (this.count === 0) return null
    const rank = Math.max(1, Math.ceil(q * this.count))
    let seen = 0
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index)!
      if (seen >= rank) return Math.min(this.max, Math.round(SizeSketch.gamma ** index))
    }
    return this.max
  }

  percentiles(): {p50: number | null; p95: number | null; p99: number | null; max: number | null} {
    return {p50: this.quantile(0.5), p95: this.quantile(0.95), p99: this.quantile(0.99), max: this.count ? this.max : null}
  }
}

/** The N largest items: a min-heap on `bytes`. */
export class TopN<T extends {bytes: number}> {
  private readonly heap: T[] = []
  constructor(readonly size: number) {}

  add(item: T): void {
    if (this.size <= 0) return
    if (this.heap.length < this.size) {
      this.heap.push(item)
      this.up(this.heap.length - 1)
    } else if (item.bytes > this.heap[0]!.bytes) {
      this.heap[0] = item
      this.down(0)
    }
  }

  /** The smallest size that would still enter (0 while not full): a cheap pre-check. */
  get threshold(): number {
    return this.heap.length < this.size ? 0 : this.heap[0]!.bytes
  }

  merge(other: TopN<T>): void {
    for (const item of other.heap) this.add(item)
  }

  sorted(): T[] {
    return [...this.heap].sort((a, b) => b.bytes - a.bytes)
  }

  private up(i: number): void {
    const h = this.heap
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (h[parent]!.bytes <= h[i]!.bytes) return
      ;[h[parent], h[i]] = [h[i]!, h[parent]!]
      i = parent
    }
  }

  private down(i: number): void {
    const h = this.heap
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let smallest = i
      if (l < h.length && h[l]!.bytes < h[smallest]!.bytes) smallest = l
      if (r < h.length && h[r]!.bytes < h[smallest]!.bytes) smallest = r
      if (smallest === i) return
      ;[h[smallest], h[i]] = [h[i]!, h[smallest]!]
      i = smallest
    }
  }
}

/**
 * Has this key been seen? SCAN may return a key twice (while the server rehashes); keeping the
 * keys themselves would cost ~100 bytes each, so a key is remembered as a 64-bit hash (FNV-1a and a
 * polynomial hash, both finalized) in an open-addressing table: 8 bytes a key, collisions ~1e-8 at 1M keys.
 */
export class SeenKeys {
  private hi = new Uint32Array(1 << 16)
  private lo = new Uint32Array(1 << 16)
  private used = new Uint8Array(1 << 16)
  size = 0
  /** True once the table is full (maxKeys): later keys are counted without dedupe. */
  saturated = false

  /** At most this many keys are remembered (about 18 bytes each, so ~150 MB at the default). */
  constructor(private readonly maxKeys = 8 * 1024 * 1024) {}

  /** True the first time a key is offered. */
  add(key: string): boolean {
    let h1 = 0x811c9dc5
    let h2 = key.length
    const even = key.length & ~1
    for (let i = 0; i < even; i += 2) {
      const c = key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16)
      h1 = Math.imul(h1 ^ c, 0x01000193)
      h2 = (h2 * 31 + c) | 0
    }
    if (even < key.length) h1 = Math.imul(h1 ^ key.charCodeAt(even), 0x01000193)
    h1 = mix(h1)
    h2 = mix(h2 ^ h1)
    if ((this.size + 1) * 2 > this.used.length) {
      if (this.used.length >= this.maxKeys * 2) {
        this.saturated = true
        return !this.contains(h1, h2)
      }
      this.grow()
    }
    return this.insert(h1, h2)
  }

  private insert(h1: number, h2: number): boolean {
    const mask = this.used.length - 1
    let slot = h1 & mask
    while (this.used[slot]) {
      if (this.hi[slot] === h1 && this.lo[slot] === h2) return false
      slot = (slot + 1) & mask
    }
    this.used[slot] = 1
    this.hi[slot] = h1
    this.lo[slot] = h2
    this.size++
    return true
  }

  private contains(h1: number, h2: number): boolean {
    const mask = this.used.length - 1
    let slot = h1 & mask
    while (this.used[slot]) {
      if (this.hi[slot] === h1 && this.lo[slot] === h2) return true
      slot = (slot + 1) & mask
    }
    return false
  }

  private grow(): void {
    const {hi, lo, used} = this
    this.hi = new Uint32Array(used.length * 2)
    this.lo = new Uint32Array(used.length * 2)
    this.used = new Uint8Array(used.length * 2)
    this.size = 0
    for (let i = 0; i < used.length; i++) if (used[i]) this.insert(hi[i]!, lo[i]!)
  }
}

/** MurmurHash3's finalizer: spreads every input bit over the output. */
function mix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
