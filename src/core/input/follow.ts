import {type FileHandle, open, stat} from 'node:fs/promises'
import type {Readable} from 'node:stream'

const NEWLINE = 0x0a
/** One read: at 20,000 lines a second a 200 ms poll finds ~1 MB, two reads. */
const CHUNK_BYTES = 512 * 1024
/** A longer line is cut here (no log line is this long; a missing newline must not hold the whole file). */
export const MAX_LINE_BYTES = 64 * 1024
/** The file's first bytes: a file truncated and written past the old length between two polls is told by them. */
const HEAD_BYTES = 256
/** How far back from the end the start looks for the last whole line (and the lines the format is detected on). */
const START_BYTES = 256 * 1024

/** Cuts a byte stream into whole lines as it comes; the unfinished last line waits for its newline. */
export class LineSplitter {
  private carry: Buffer = Buffer.alloc(0)
  /** Lines longer than MAX_LINE_BYTES, kept cut. */
  linesCut = 0

  /** The whole lines that `chunk` ends (with the bytes carried), joined by `\n` without the last one; null when no line ended. */
  push(chunk: Buffer): string | null {
    const nl = chunk.lastIndexOf(NEWLINE)
    if (nl < 0) {
      this.keep(this.carry.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.carry, chunk]))
      return null
    }
    // A line already cut drops the rest of its bytes up to its newline.
    const from = this.carry.length > MAX_LINE_BYTES ? chunk.indexOf(NEWLINE) : 0
    const whole = this.carry.length === 0 ? chunk.subarray(0, nl) : Buffer.concat([this.carry, chunk.subarray(from, nl)])
    this.carry = Buffer.alloc(0)
    this.keep(Buffer.from(chunk.subarray(nl + 1)))
    return whole.toString('utf8')
  }

  /** The unfinished line, when the stream ends without a newline (or its file was rotated away). */
  flush(): string | null {
    if (this.carry.length === 0) return null
    const text = this.carry.toString('utf8')
    this.carry = Buffer.alloc(0)
    return text
  }

  reset(): void {
    this.carry = Buffer.alloc(0)
  }

  private keep(bytes: Buffer): void {
    if (bytes.length > MAX_LINE_BYTES) {
      if (this.carry.length <= MAX_LINE_BYTES) this.linesCut++
      this.carry = Buffer.from(bytes.subarray(0, MAX_LINE_BYTES + 1))
    } else this.carry = bytes
  }
}

export type FollowEvent = 'rotated' | 'truncated'

/** What a follower hands on: whole lines (joined by `\n`), and rotations and truncations as they are seen. */
export interface FollowSink {
  text(text: string): void
  event(kind: FollowEvent): void
}

/** A followed input: a file (like `tail -F`) or a stream that ends (standard input). */
export interface LineSource {
  readonly path: string
  bytesRead: number
  rotations: number
  truncations: number
  maxBacklogBytes: number
  /** True once a stream has ended and all it held was read (a file never ends). */
  readonly ended: boolean
  /** Places the read (end or start of the file); returns the last whole lines before it, for format detection. */
  start(detectLines: number): Promise<string[]>
  /** Reads what was appended since the last read, at most about `maxBytes`; returns the bytes read. */
  read(sink: FollowSink, maxBytes: number): Promise<number>
  close(): Promise<void>
}

/**
 * One file followed like `tail -F`: from its end (or start), reading what is appended. A new file at
 * the path (rotated: another inode, or the path gone) is read from its start once the old one is
 * read to its end; a file that became shorter, or whose first bytes changed (truncated, copytruncate),
 * is read again from its start. A path that does not exist yet is waited for.
 *
 * `close()` between reads keeps the place: the next read opens the file again and goes on from it
 * (drain-status, which checks now and then, holds no file open between checks); a file rotated
 * meanwhile is then read from its start, the old one's last lines unread.
 */
export class FileFollower implements LineSource {
  bytesRead = 0
  rotations = 0
  truncations = 0
  maxBacklogBytes = 0
  readonly ended = false
  private handle: FileHandle | null = null
  private ino = -1
  private offset = 0
  private head: Buffer = Buffer.alloc(0)
  private readonly splitter = new LineSplitter()
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES)

  constructor(
    readonly path: string,
    private readonly fromStart: boolean,
  ) {}

  async start(detectLines: number): Promise<string[]> {
    const info = await statOrNull(this.path)
    if (info === null) return []
    if (!info.isFile()) throw new Error(`${this.path}: not a regular file: watch follows plain files (or - for standard input)`)
    await this.openFile()
    if (this.fromStart || info.size === 0) return []
    const from = Math.max(0, info.size - START_BYTES)
    const tail = Buffer.allocUnsafe(info.size - from)
    const {bytesRead} = await this.handle!.read(tail, 0, tail.length, from)
    const nl = tail.subarray(0, bytesRead).lastIndexOf(NEWLINE)
    // The last line may be half written: it is read once it ends.
    this.offset = nl >= 0 ? from + nl + 1 : from === 0 ? 0 : info.size
    if (nl < 0) return []
    const lines = tail.toString('utf8', 0, nl).split('\n')
    if (from > 0) lines.shift()
    return lines.slice(-detectLines)
  }

  /**
   * Goes on from `offset` of `file`, the file at the path read up to there another way (drain-status
   * reads its log backwards first); the file stays the caller's to close.
   */
  async placeAt(file: FileHandle, offset: number): Promise<void> {
    await this.close()
    this.ino = (await file.stat()).ino
    this.head = await readHead(file)
    this.offset = offset
    this.splitter.reset()
  }

  async read(sink: FollowSink, maxBytes: number): Promise<number> {
    const info = await statOrNull(this.path)
    if (this.handle === null) {
      if (info === null || !info.isFile()) return 0
      const placed = this.ino
      await this.openFile(true)
      if (placed !== -1 && this.ino !== placed) this.rotated(sink)
    } else if (info === null || info.ino !== this.ino) {
      // Rotated: the old file's last lines first (the handle still reads it), then the new file from its start.
      const n = await this.readOpen(sink, maxBytes)
      if (n > 0) return n
      const last = this.splitter.flush()
      if (last !== null) sink.text(last)
      await this.handle.close()
      this.handle = null
      this.ino = -1
      this.rotated(sink)
      if (info === null || !info.isFile()) return 0
      await this.openFile()
    }
    const size = (await this.handle!.stat()).size
    const head = await readHead(this.handle!)
    if (size < this.offset || !head.subarray(0, this.head.length).equals(this.head)) {
      this.offset = 0
      this.splitter.reset()
      this.truncations++
      sink.event('truncated')
    }
    this.head = head
    this.maxBacklogBytes = Math.max(this.maxBacklogBytes, size - this.offset)
    return this.readOpen(sink, maxBytes)
  }

  async close(): Promise<void> {
    await this.handle?.close()
    this.handle = null
  }

  /** Opens the file at the path: from its start, or (`keepPlace`) where the reads were when it is the same file. */
  private async openFile(keepPlace = false): Promise<void> {
    this.handle = await open(this.path, 'r')
    const ino = (await this.handle.stat()).ino
    if (keepPlace && ino === this.ino) return
    this.ino = ino
    this.offset = 0
    this.splitter.reset()
    this.head = await readHead(this.handle!)
  }

  private rotated(sink: FollowSink): void {
    this.rotations++
    sink.event('rotated')
  }

  private async readOpen(sink: FollowSink, maxBytes: number): Promise<number> {
    let total = 0
    while (total < maxBytes) {
      const {bytesRead} = await this.handle!.read(this.buffer, 0, CHUNK_BYTES, this.offset)
      if (bytesRead === 0) break
      this.offset += bytesRead
      total += bytesRead
      const text = this.splitter.push(this.buffer.subarray(0, bytesRead))
      if (text !== null) sink.text(text)
    }
    this.bytesRead += total
    return total
  }
}

/** Standard input (`-`): read as it comes, until it ends (`tail -F log | sessdoc watch --access-log -`). */
export class StreamFollower implements LineSource {
  bytesRead = 0
  rotations = 0
  truncations = 0
  maxBacklogBytes = 0
  private streamEnded = false
  private readonly queue: string[] = []
  private queued = 0
  private readonly splitter = new LineSplitter()

  constructor(
    readonly path: string,
    private readonly stream: Readable,
  ) {}

  async start(): Promise<string[]> {
    this.stream.on('data', (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      this.bytesRead += bytes.length
      const text = this.splitter.push(bytes)
      if (text !== null) this.enqueue(text)
    })
    this.stream.on('end', () => this.finish())
    this.stream.on('error', () => this.finish())
    this.stream.on('close', () => this.finish())
    return []
  }

  async read(sink: FollowSink, maxBytes: number): Promise<number> {
    let total = 0
    while (this.queue.length > 0 && total < maxBytes) {
      const text = this.queue.shift()!
      total += text.length
      sink.text(text)
    }
    this.queued -= total
    this.maxBacklogBytes = Math.max(this.maxBacklogBytes, this.queued + total)
    if (this.stream.isPaused() && this.queued < CHUNK_BYTES * 4 && !this.streamEnded) this.stream.resume()
    return total
  }

  /** No more data will come, and everything read was handed on. */
  get ended(): boolean {
    return this.streamEnded && this.queue.length === 0
  }

  async close(): Promise<void> {
    this.stream.pause()
  }

  private enqueue(text: string): void {
    this.queue.push(text)
    this.queued += text.length
    // Backpressure: a fast producer waits while the analysis catches up.
    if (this.queued > CHUNK_BYTES * 8) this.stream.pause()
  }

  private finish(): void {
    if (this.streamEnded) return
    const last = this.splitter.flush()
    if (last !== null) this.enqueue(last)
    this.streamEnded = true
  }
}

async function readHead(file: FileHandle): Promise<Buffer> {
  const head = Buffer.alloc(HEAD_BYTES)
  const {bytesRead} = await file.read(head, 0, HEAD_BYTES, 0)
  return head.subarray(0, bytesRead)
}

async function statOrNull(path: string) {
  try {
    return await stat(path)
  } catch (error) {
    // Between a rotation's rename and the new file, or not created yet.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}
