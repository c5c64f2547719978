import {type FileHandle, open} from 'node:fs/promises'
import type {LineFormat, SessionCollector} from './session-collector.js'

/** Read size from the end: 1 MB holds a few thousand lines, so a quiet log takes one read. */
const CHUNK_BYTES = 1024 * 1024
/** A line longer than this is skipped: no access-log line is, and a missing newline must not hold the whole file. */
const MAX_LINE_BYTES = 64 * 1024
/**
 * Lines are written when a request ends, stamped with its start: a slow request's line comes after
 * newer ones. The read goes on this much past the window's start before it stops.
 */
export const ORDER_SLACK_MS = 2 * 60_000
const NEWLINE = 0x0a
/** Lines of the log's end the format is detected on (the analysis detects on 1000; the end of a live log is uniform). */
const DETECTION_LINES = 200

export type FormatChooser = (lines: string[]) => LineFormat | null

/**
 * One live access log, read from its end backwards as far as a time, then forwards as it grows
 * (through rotation and truncation). Only plain files: a `.gz` cannot be read from its end.
 */
export class LogTail {
  format: LineFormat | null = null
  /** Where the next forward read starts (the end of the last whole line read). */
  private offset = 0
  private inode = -1
  /** The file's first bytes: a file truncated and written to the same length again is told by them. */
  private head: Buffer = Buffer.alloc(0)
  bytesRead = 0
  /** True when the read reached the file's first byte before the window's start. */
  startsInsideWindow = false

  constructor(readonly path: string) {}

  /** Reads backwards from the end until the lines are older than `since` (minus the slack) or the file begins. */
  async readBack(since: number, collector: SessionCollector, choose: FormatChooser): Promise<void> {
    const file = await open(this.path, 'r')
    try {
      const info = await file.stat()
      if (!info.isFile()) throw new Error('not a regular file: drain-status reads the live log from its end (give the plain file)')
      this.inode = info.ino
      this.head = await readHead(file)
      let pos = info.size
      let carry: Buffer = Buffer.alloc(0)
      // The last line may be half written: the forward reads take it up once it ends.
      this.offset = pos
      let first = true
      while (pos > 0) {
        const size = Math.min(CHUNK_BYTES, pos)
        pos -= size
        const chunk = Buffer.allocUnsafe(size + carry.length)
        await readFully(file, chunk, size, pos)
        carry.copy(chunk, size)
        this.bytesRead += size
        let end = chunk.length
        if (first) {
          end = chunk.lastIndexOf(NEWLINE) + 1
          this.offset = pos + end
          first = false
        }
        // Bytes before the chunk's first newline belong to a line that began in the chunk before it.
        const cut = pos > 0 ? chunk.indexOf(NEWLINE) + 1 : 0
        if (pos > 0 && cut === 0) {
          if (chunk.length > MAX_LINE_BYTES) carry = Buffer.alloc(0)
          else carry = Buffer.from(chunk.subarray(0, end))
          continue
        }
        carry = Buffer.from(chunk.subarray(0, cut))
        if (carry.length > MAX_LINE_BYTES) carry = Buffer.alloc(0)
        const text = chunk.toString('utf8', cut, end)
        if (this.format === null) {
          this.format = choose(lastLines(text, DETECTION_LINES))
          if (this.format === null) return
        }
        const newest = collector.addLines(text, 0, text.length, this.format, false)
        if (newest < since - ORDER_SLACK_MS) return
      }
      this.startsInsideWindow = !(collector.oldest < since)
    } finally {
      await file.close()
    }
  }

  /**
   * The lines appended since the last read. A file that is now shorter (truncated) or another file
   * (rotated: a new inode) is read from its start.
   */
  async readNew(collector: SessionCollector, choose: FormatChooser): Promise<void> {
    let file: FileHandle
    try {
      file = await open(this.path, 'r')
    } catch (error) {
      // Between a rotation's rename and the new file: read it next time.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    try {
      const info = await file.stat()
      const head = await readHead(file)
      if (info.ino !== this.inode || info.size < this.offset || !head.subarray(0, this.head.length).equals(this.head)) {
        this.inode = info.ino
        this.offset = 0
      }
      this.head = head
      while (this.offset < info.size) {
        const size = Math.min(CHUNK_BYTES, info.size - this.offset)
        const chunk = Buffer.allocUnsafe(size)
        await readFully(file, chunk, size, this.offset)
        this.bytesRead += size
        let end = chunk.lastIndexOf(NEWLINE) + 1
        if (end === 0) {
          // No whole line yet; a longer one than the limit is skipped.
          if (size < MAX_LINE_BYTES) return
          end = size
        }
        const text = chunk.toString('utf8', 0, end)
        this.format ??= choose(lastLines(text, DETECTION_LINES))
        if (this.format !== null) collector.addLines(text, 0, text.length, this.format, true)
        this.offset += end
      }
    } finally {
      await file.close()
    }
  }
}

async function readFully(file: FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  let done = 0
  while (done < length) {
    const {bytesRead} = await file.read(buffer, done, length - done, position + done)
    if (bytesRead === 0) throw new Error('the file became shorter while it was read: it was truncated or rotated; run again')
    done += bytesRead
  }
}

const HEAD_BYTES = 256

async function readHead(file: FileHandle): Promise<Buffer> {
  const buffer = Buffer.alloc(HEAD_BYTES)
  const {bytesRead} = await file.read(buffer, 0, HEAD_BYTES, 0)
  return buffer.subarray(0, bytesRead)
}

function lastLines(text: string, count: number): string[] {
  const lines = text.split('\n')
  return lines.slice(Math.max(0, lines.length - count - 1))
}
