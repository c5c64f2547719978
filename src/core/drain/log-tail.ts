import {type FileHandle, open} from 'node:fs/promises'
import {FileFollower, type FollowSink, MAX_LINE_BYTES} from '../input/follow.js'
import type {LineFormat, SessionCollector} from './session-collector.js'

/** Read size from the end: 1 MB holds a few thousand lines, so a quiet log takes one read. */
const CHUNK_BYTES = 1024 * 1024
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
 * (followed through rotation and truncation by a FileFollower that holds no file open between
 * reads). Only plain files: a `.gz` cannot be read from its end.
 */
export class LogTail {
  format: LineFormat | null = null
  /** True when the read reached the file's first byte before the window's start. */
  startsInsideWindow = false
  private backBytes = 0
  private readonly follower: FileFollower

  constructor(readonly path: string) {
    this.follower = new FileFollower(path, true)
  }

  get bytesRead(): number {
    return this.backBytes + this.follower.bytesRead
  }

  /** Reads backwards from the end until the lines are older than `since` (minus the slack) or the file begins. */
  async readBack(since: number, collector: SessionCollector, choose: FormatChooser): Promise<void> {
    const file = await open(this.path, 'r')
    try {
      const info = await file.stat()
      if (!info.isFile()) throw new Error('not a regular file: drain-status reads the live log from its end (give the plain file)')
      let pos = info.size
      let carry: Buffer = Buffer.alloc(0)
      let first = true
      while (pos > 0) {
        const size = Math.min(CHUNK_BYTES, pos)
        pos -= size
        const chunk = Buffer.allocUnsafe(size + carry.length)
        await readFully(file, chunk, size, pos)
        carry.copy(chunk, size)
        this.backBytes += size
        let end = chunk.length
        if (first) {
          // The last line may be half written: the forward reads begin at its start (an empty file is followed from byte 0).
          end = chunk.lastIndexOf(NEWLINE) + 1
          await this.follower.placeAt(file, pos + end)
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
   * (rotated: a new inode) is read from its start; between a rotation's rename and the new file, nothing.
   */
  async readNew(collector: SessionCollector, choose: FormatChooser): Promise<void> {
    const sink: FollowSink = {
      text: (text) => {
        this.format ??= choose(lastLines(text, DETECTION_LINES))
        if (this.format !== null) collector.addLines(text, 0, text.length, this.format, true)
      },
      event: () => {},
    }
    try {
      await this.follower.read(sink, Number.POSITIVE_INFINITY)
    } finally {
      await this.follower.close()
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

/** The last `count` lines of `text` (a line ending the text with its newline is not followed by an empty one). */
function lastLines(text: string, count: number): string[] {
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines.slice(-count)
}
