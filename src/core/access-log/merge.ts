import {setMaxListeners} from 'node:events'
import {open, stat} from 'node:fs/promises'
import type {FileReadResult, LineBatch} from '../input/read-lines.js'
import {readLineBatches} from '../input/read-lines.js'
import type {InputError} from '../report/types.js'
import type {AccessLogAnalyzer} from './analyzer.js'
import {type LineParser, ParsedLine, parseLine} from './parsed-line.js'
import type {SessionIdRules} from './session-id.js'
import type {AccessLogOptions} from './types.js'

/** The format and session rules of one stream (one front end's rotated set). */
export interface MergeFormat {
  parser: LineParser
  rules: SessionIdRules
}

export interface MergeRun {
  readonly analyzer: AccessLogAnalyzer
  readonly errors: InputError[]
  formatFor(lines: readonly string[], file?: string): MergeFormat
  noteFile(result: FileReadResult): void
}

/**
 * Streams read at once. More overlapping in time than this are merged a group at a time (a stream
 * waits until one ends): memory stays bounded however many files are given.
 */
export const MAX_OPEN_STREAMS = 32
/** Merged streams read in smaller pieces than one stream does: several are held at once. */
const MERGE_READ = {chunkBytes: 64 * 1024, decodeBytes: 64 * 1024} as const

/** One stream waiting to be read: its files, format and first time (read from its head, then let go). */
interface Pending {
  files: string[]
  order: number
  format: MergeFormat | null
  firstTime: number
}

/** One stream's position while several are merged in time order. */
class Cursor {
  readonly parsed = new ParsedLine()
  private lines: string[] = []
  private index = 0
  private firstLineNumber = 1
  private fileIndex = -1
  private batches: AsyncGenerator<LineBatch, FileReadResult> | null = null
  done = false
  /** The current line, parsed; valid while !done. */
  line = ''

  constructor(
    private readonly run: MergeRun,
    readonly pending: Pending,
    private readonly options: AccessLogOptions,
  ) {}

  get format(): MergeFormat {
    return this.pending.format!
  }

  /** The sort key: lines without a time go first (they take the time of the line before). */
  get time(): number {
    const t = this.parsed.timeMs
    return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t
  }

  /** Moves to the next line that parses (rejecting the others on the way). */
  async advance(): Promise<void> {
    const analyzer = this.run.analyzer
    for (;;) {
      while (this.index < this.lines.length) {
        const i = this.index++
        const line = this.lines[i]!
        analyzer.countLines(1)
        if (line.length === 0) continue
        if (parseLine(this.format.parser, line, this.parsed)) {
          this.line = line
          return
        }
        analyzer.reject(line, this.pending.files[this.fileIndex]!, this.firstLineNumber + i)
      }
      if (!(await this.nextBatch())) {
        this.done = true
        this.lines = []
        return
      }
    }
  }

  private async nextBatch(): Promise<boolean> {
    const files = this.pending.files
    for (;;) {
      if (this.options.signal?.aborted) {
        await this.batches?.return(undefined as never)
        return false
      }
      if (this.batches === null) {
        if (++this.fileIndex >= files.length) return false
        this.batches = readLineBatches(files[this.fileIndex]!, {signal: this.options.signal, stdin: this.options.stdin, ...MERGE_READ})
      }
      const next = await this.batches.next()
      if (next.done) {
        this.run.noteFile(next.value)
        this.batches = null
        continue
      }
      this.lines = next.value.lines
      this.index = 0
      this.firstLineNumber = next.value.firstLineNumber
      this.pending.format ??= this.run.formatFor(this.lines, files[this.fileIndex])
      return true
    }
  }
}

/**
 * The first lines of a stream's first file (which is then closed: nothing is held for a stream
 * until its turn), or null. A pipe cannot be read twice: it is left to be read from the start
 * (first time unknown, so it is opened first).
 */
async function peekLines(files: readonly string[], options: AccessLogOptions): Promise<string[] | null> {
  const first = files[0]!
  const info = first === '-' ? null : await stat(first).catch(() => null)
  if (!info?.isFile() || info.size === 0) return null
  return headLines(first, info.size, options).catch(() => null)
}

/** The stream's format and first time, from its first lines. */
function noteHead(run: MergeRun, pending: Pending, lines: string[] | null): void {
  if (lines === null || lines.length === 0) return
  pending.format = run.formatFor(lines, pending.files[0])
  const parsed = new ParsedLine()
  for (const line of lines) {
    if (line.length > 0 && parseLine(pending.format.parser, line, parsed)) {
      pending.firstTime = parsed.timeMs
      return
    }
  }
}

/** Heads read ahead while the current one is looked at: the thread pool reads several files at once. */
const PEEK_AHEAD = 8

const HEAD_BYTES = 256 * 1024

/** The whole lines of a file's first bytes: one read, no stream (a stream per file costs ~0.2 ms, and there may be thousands). */
async function headLines(path: string, size: number, options: AccessLogOptions): Promise<string[]> {
  const handle = await open(path, 'r')
  let buffer: Buffer
  try {
    buffer = Buffer.alloc(Math.min(size, HEAD_BYTES))
    buffer = buffer.subarray(0, (await handle.read(buffer, 0, buffer.length, 0)).bytesRead)
  } finally {
    await handle.close()
  }
  if (buffer[0] === 0x1f && buffer[1] === 0x8b) {
    // gzip: through the reader, which unpacks it.
    const batches = readLineBatches(path, {signal: options.signal, chunkBytes: HEAD_BYTES, decodeBytes: HEAD_BYTES})
    const head = await batches.next()
    await batches.return(undefined as never)
    return head.done ? [] : head.value.lines
  }
  const lines = buffer.toString('utf8').split('\n')
  if (buffer.length === HEAD_BYTES) lines.pop()
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
}

/** A binary min-heap of cursors by their line's time, then by stream order (stable for equal times). */
class CursorHeap {
  private readonly items: Cursor[] = []

  get size(): number {
    return this.items.length
  }

  peek(): Cursor | undefined {
    return this.items[0]
  }

  push(cursor: Cursor): void {
    const items = this.items
    items.push(cursor)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(items[i]!, items[parent]!)) break
      ;[items[i], items[parent]] = [items[parent]!, items[i]!]
      i = parent
    }
  }

  /** Puts the top back after its time changed, or removes it when it is done. */
  settleTop(): void {
    const items = this.items
    if (items[0]!.done) {
      const last = items.pop()!
      if (items.length === 0) return
      items[0] = last
    }
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let least = i
      if (left < items.length && before(items[left]!, items[least]!)) least = left
      if (right < items.length && before(items[right]!, items[least]!)) least = right
      if (least === i) return
      ;[items[i], items[least]] = [items[least]!, items[i]!]
      i = least
    }
  }
}

function before(a: Cursor, b: Cursor): boolean {
  const ta = a.time
  const tb = b.time
  return ta < tb || (ta === tb && a.pending.order < b.pending.order)
}

function startKey(p: Pending): number {
  return Number.isNaN(p.firstTime) ? Number.NEGATIVE_INFINITY : p.firstTime
}

/**
 * Several front ends: their requests are interleaved by time, so a session moving between them is
 * followed. Streams are opened in the order of their first time, when the merge reaches it, and
 * let go when they end: with thousands of small files only those overlapping in time are held.
 */
export async function analyzeMerged(run: MergeRun, streams: string[][], options: AccessLogOptions): Promise<void> {
  // Each open stream listens for the abort: allow as many listeners as streams may be open.
  if (options.signal) setMaxListeners(MAX_OPEN_STREAMS + 16, options.signal)
  const waiting: Pending[] = []
  const heads: Array<Promise<string[] | null>> = []
  for (const [order, files] of streams.entries()) {
    if (options.signal?.aborted) return
    while (heads.length < PEEK_AHEAD && order + heads.length < streams.length)
      heads.push(peekLines(streams[order + heads.length]!, options))
    const pending: Pending = {files, order, format: null, firstTime: Number.NaN}
    noteHead(run, pending, await heads.shift()!)
    waiting.push(pending)
  }
  waiting.sort((a, b) => startKey(a) - startKey(b) || a.order - b.order)
  const heap = new CursorHeap()
  let next = 0
  let held = false
  for (;;) {
    while (next < waiting.length && (heap.size === 0 || startKey(waiting[next]!) <= heap.peek()!.time)) {
      if (heap.size >= MAX_OPEN_STREAMS) {
        held = true
        break
      }
      const cursor = new Cursor(run, waiting[next++]!, options)
      await cursor.advance()
      if (!cursor.done) heap.push(cursor)
    }
    const top = heap.peek()
    if (top === undefined) break
    run.analyzer.add(top.line, top.parsed, top.format.parser, top.format.rules)
    await top.advance()
    heap.settleTop()
    if (options.signal?.aborted) break
  }
  if (held) {
    run.errors.push({
      input: 'merge',
      message: `more than ${MAX_OPEN_STREAMS} access logs overlap in time: they were merged ${MAX_OPEN_STREAMS} at a time, so a few requests were taken out of time order; give fewer logs at once (or one front end's files) for an exact merge`,
    })
  }
}
