import {open} from 'node:fs/promises'
import type {Readable} from 'node:stream'
import {isGzip} from '../access-log/parallel.js'
import {STDIN} from '../input/expand-inputs.js'
import {readTextBlocks} from '../input/read-lines.js'

/** Read size of a plain file: large reads, few round trips; the search itself runs at memchr speed. */
const BLOCK_BYTES = 4 * 1024 * 1024
/** A line longer than this is cut (an access-log line never is; a missing newline must not hold the file). */
const MAX_LINE_BYTES = 64 * 1024
const NEWLINE = 0x0a

/**
 * The needles a scan looks for. The caller may add one while the scan runs (the client, once the
 * id's first line named it): it applies from the line after the one being handled.
 */
export class Needles {
  readonly list: Buffer[] = []
  version = 0

  add(text: string): void {
    if (text === '' || this.list.some((n) => n.toString() === text)) return
    this.list.push(Buffer.from(text))
    this.version++
  }

  remove(text: string): void {
    const at = this.list.findIndex((n) => n.toString() === text)
    if (at < 0) return
    this.list.splice(at, 1)
    this.version++
  }
}

export interface ScanHooks {
  /** The first lines of the file, before any hit of it is handed over (format detection). */
  head(lines: string[]): void
  /** The first line of each block, before the block is searched (a needle may be dropped here). */
  block?(firstLine: string): void
  /** A whole line that holds a needle, once even when it holds several; `offset`: its byte offset. */
  line(line: string, offset: number): void
}

export interface FileScan {
  input: string
  bytes: number
  matchedLines: number
  error?: string
}

/**
 * `grep -F` for several needles: a plain file is read in 4 MB blocks and searched with
 * Buffer.indexOf (no decoding, no line splitting); only lines that hold a needle become strings.
 * A `.gz` file or standard input is read through the shared reader, then searched the same way.
 */
export async function scanFile(
  input: string,
  needles: Needles,
  hooks: ScanHooks,
  options: {stdin?: Readable; signal?: AbortSignal} = {},
): Promise<FileScan> {
  const result: FileScan = {input, bytes: 0, matchedLines: 0}
  if (input !== STDIN && !(await isGzip(input).catch(() => false))) {
    try {
      await scanPlain(input, needles, hooks, result, options.signal)
    } catch (error) {
      result.error = `${input}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`
    }
    return result
  }
  const blocks = readTextBlocks(input, {stdin: options.stdin, signal: options.signal, chunkBytes: BLOCK_BYTES})
  let first = true
  let lines = 0
  for (;;) {
    const next = await blocks.next(lines)
    if (next.done) {
      if (next.value.error) result.error = next.value.error
      break
    }
    for (const text of next.value) {
      const buffer = Buffer.from(text)
      if (first) {
        hooks.head(headLines(buffer, buffer.length))
        first = false
      }
      result.bytes += buffer.length
      result.matchedLines += searchBlock(buffer, buffer.length, result.bytes - buffer.length, needles, hooks)
    }
    lines += next.value.length
  }
  return result
}

/**
 * Reads ahead: the next block is read (in libuv's thread pool) while this one is searched, so the
 * search costs little more than the reading. Lines inside a block are searched in place; only the
 * line cut by a block's end is copied (with the start of the next block).
 */
async function scanPlain(path: string, needles: Needles, hooks: ScanHooks, result: FileScan, signal?: AbortSignal): Promise<void> {
  const file = await open(path, 'r')
  const buffers = [Buffer.allocUnsafe(BLOCK_BYTES), Buffer.allocUnsafe(BLOCK_BYTES)]
  let which = 0
  let position = 0
  let next = file.read(buffers[0]!, 0, BLOCK_BYTES, 0)
  try {
    let carry: Buffer = Buffer.alloc(0)
    let first = true
    for (;;) {
      const {bytesRead} = await next
      const data = buffers[which]!.subarray(0, bytesRead)
      const blockStart = position
      position += bytesRead
      if (bytesRead === 0 || signal?.aborted) {
        if (carry.length > 0 && !signal?.aborted)
          result.matchedLines += searchBlock(carry, carry.length, blockStart - carry.length, needles, hooks)
        return
      }
      which ^= 1
      next = file.read(buffers[which]!, 0, BLOCK_BYTES, position)
      result.bytes += bytesRead
      if (first) {
        hooks.head(headLines(data, data.length))
        first = false
      }
      const firstNewline = data.indexOf(NEWLINE)
      if (firstNewline < 0) {
        // No line ends here: the line goes on (one longer than any line may be is searched as it is).
        carry = Buffer.concat([carry, data])
        if (carry.length > MAX_LINE_BYTES) {
          result.matchedLines += searchBlock(carry, carry.length, position - carry.length, needles, hooks)
          carry = Buffer.alloc(0)
        }
        continue
      }
      const joined = carry.length > 0 ? Buffer.concat([carry, data.subarray(0, firstNewline + 1)]) : data.subarray(0, firstNewline + 1)
      result.matchedLines += searchBlock(joined, joined.length, blockStart - carry.length, needles, hooks)
      const lastNewline = data.lastIndexOf(NEWLINE)
      if (lastNewline > firstNewline)
        result.matchedLines += searchBlock(
          data.subarray(firstNewline + 1, lastNewline + 1),
          lastNewline - firstNewline,
          blockStart + firstNewline + 1,
          needles,
          hooks,
        )
      carry = Buffer.from(data.subarray(lastNewline + 1))
    }
  } finally {
    await next.catch(() => undefined)
    await file.close()
  }
}

/** The first 200 lines of a block, for format detection (the end of a live log is uniform; 1000 lines cost 30 ms more a file). */
function headLines(buffer: Buffer, end: number): string[] {
  let stop = 0
  for (let n = 0; n < 200 && stop < end; n++) {
    const nl = buffer.indexOf(NEWLINE, stop)
    stop = nl < 0 || nl >= end ? end : nl + 1
  }
  return buffer.toString('utf8', 0, stop).split('\n')
}

/**
 * The lines of `buffer[0, end)` that hold a needle, in order, each handed over once. The next
 * occurrence of each needle is remembered, so each byte is searched once per needle.
 */
function searchBlock(buffer: Buffer, end: number, base: number, needles: Needles, hooks: ScanHooks): number {
  if (hooks.block) {
    const nl = buffer.indexOf(NEWLINE)
    hooks.block(buffer.toString('utf8', 0, nl < 0 || nl > end ? Math.min(end, MAX_LINE_BYTES) : Math.min(nl, MAX_LINE_BYTES)))
  }
  let matched = 0
  let pos = 0
  let version = -1
  let next: number[] = []
  // A needle anchored at a line start (`\n` + address) finds the block's first line too.
  for (const n of needles.list) {
    if (n[0] === NEWLINE && n.length > 1 && buffer.compare(n, 1, n.length, 0, n.length - 1) === 0) {
      pos = emit(0)
      break
    }
  }
  while (pos < end) {
    if (version !== needles.version) {
      version = needles.version
      next = needles.list.map((n) => buffer.indexOf(n, pos))
    }
    let at = -1
    for (let i = 0; i < next.length; i++) {
      let found = next[i]!
      if (found >= 0 && found < pos) found = next[i] = buffer.indexOf(needles.list[i]!, pos)
      if (found >= 0 && found < end && (at < 0 || found < at)) at = found
    }
    if (at < 0) break
    // A needle that begins with the newline before its line (a line-start anchor) belongs to the next line.
    pos = emit(buffer[at] === NEWLINE ? at + 1 : at)
  }
  return matched

  /** Hands over the line that holds `at`; returns where the next search starts. */
  function emit(at: number): number {
    const lineStart = at === 0 ? 0 : buffer.lastIndexOf(NEWLINE, at - 1) + 1
    let lineEnd = buffer.indexOf(NEWLINE, at)
    if (lineEnd < 0 || lineEnd > end) lineEnd = end
    let textEnd = lineEnd
    if (textEnd > lineStart && buffer[textEnd - 1] === 13) textEnd--
    if (textEnd - lineStart > MAX_LINE_BYTES) textEnd = lineStart + MAX_LINE_BYTES
    matched++
    hooks.line(buffer.toString('utf8', lineStart, textEnd), base + lineStart)
    // Past the newline, but not past the end: a `\n`-anchored needle may start at this line's newline.
    return lineEnd
  }
}
