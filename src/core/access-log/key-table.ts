/**
 * Rows by key, for the join of a file's parts: the keys are hashes of session ids and clients (up to
 * 2^53 and beyond, so not small integers), and a join looks up and adds one per session and client
 * held at a cut. A Map of such keys costs ~1 µs an operation; this table (open addressing over
 * typed arrays) a tenth of that.
 */
export class KeyTable {
  private readonly keys: Float64Array
  private readonly rows: Int32Array
  private readonly mask: number

  constructor(expected: number) {
    let capacity = 16
    while (capacity < expected * 2) capacity *= 2
    this.keys = new Float64Array(capacity)
    this.rows = new Int32Array(capacity).fill(-1)
    this.mask = capacity - 1
  }

  /** The row of `key`, or -1. */
  get(key: number): number {
    const mask = this.mask
    for (let i = slot(key) & mask; ; i = (i + 1) & mask) {
      const row = this.rows[i]!
      if (row < 0 || this.keys[i] === key) return row
    }
  }

  /** Sets the row of `key` (a key set again takes the last row). At most `expected` keys. */
  set(key: number, row: number): void {
    const mask = this.mask
    let i = slot(key) & mask
    while (this.rows[i]! >= 0 && this.keys[i] !== key) i = (i + 1) & mask
    this.keys[i] = key
    this.rows[i] = row
  }
}

/** The keys are hashes: their value modulo a prime spreads them (their low bits may be zero above 2^53). */
function slot(key: number): number {
  return key % 4_294_967_291
}
