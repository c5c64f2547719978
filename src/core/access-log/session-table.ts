/** What the table needs of a session: the two hashes of its id. */
export interface Keyed {
  /** 30 bits of one hash of the id: where the table looks first. */
  key: number
  /** 32 bits of a second hash: tells apart ids whose `key` is the same. */
  check: number
}

/**
 * Active sessions by the hashes of their ids: open addressing over typed arrays (a lookup reads
 * two Int32Arrays, no Map entry and no chain of objects). Sessions are removed only in bulk, by
 * `retain` (the analyzer's sweep), which rebuilds the table.
 */
export class SessionTable<S extends Keyed> {
  private keys: Int32Array = new Int32Array(1024)
  private checks: Int32Array = new Int32Array(1024)
  private slots: Array<S | undefined> = new Array<S | undefined>(1024).fill(undefined)
  private mask = 1023
  private spare: {keys: Int32Array; checks: Int32Array; slots: Array<S | undefined>} | null = null
  size = 0

  get(key: number, check: number): S | undefined {
    const mask = this.mask
    for (let i = key & mask; ; i = (i + 1) & mask) {
      const session = this.slots[i]
      if (session === undefined || (this.keys[i] === key && this.checks[i] === check)) return session
    }
  }

  /** Adds a session whose key and check are not in the table. */
  add(session: S): void {
    if ((this.size + 1) * 2 > this.slots.length) this.rebuild(this.slots.length * 2, () => true)
    this.place(session)
    this.size++
  }

  /** Keeps the sessions `keep` says yes to; returns how many were dropped. */
  retain(keep: (session: S) => boolean): number {
    const before = this.size
    let capacity = this.slots.length
    while (capacity > 1024 && before * 8 < capacity) capacity /= 2
    this.rebuild(capacity, keep)
    return before - this.size
  }

  *values(): IterableIterator<S> {
    for (const session of this.slots) if (session !== undefined) yield session
  }

  private rebuild(capacity: number, keep: (session: S) => boolean): void {
    const old = this.slots
    const oldCapacity = old.length
    // The sweep rebuilds the table every minute of log: the arrays of the same size are reused,
    // so they are not garbage for the old generation (the slots of a large table are ~128 KB).
    const spare = this.spare?.slots.length === capacity ? this.spare : null
    const previous = {keys: this.keys, checks: this.checks, slots: old}
    this.keys = spare?.keys ?? new Int32Array(capacity)
    this.checks = spare?.checks ?? new Int32Array(capacity)
    this.slots = spare?.slots ?? new Array<S | undefined>(capacity).fill(undefined)
    this.mask = capacity - 1
    this.size = 0
    for (let i = 0; i < oldCapacity; i++) {
      const session = old[i]
      if (session !== undefined && keep(session)) {
        this.place(session)
        this.size++
      }
    }
    old.fill(undefined)
    this.spare = previous
  }

  private place(session: S): void {
    const mask = this.mask
    let i = session.key & mask
    while (this.slots[i] !== undefined) i = (i + 1) & mask
    this.keys[i] = session.key
    this.checks[i] = session.check
    this.slots[i] = session
  }
}
