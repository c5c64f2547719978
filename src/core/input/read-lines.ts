import {constants, createReadStream, open as openFd} from 'node:fs'
import {stat} from 'node:fs/promises'
import {Socket} from 'node:net'
import {pipeline, Readable} from 'node:stream'
import {createGunzip} from 'node:zlib'
import {STDIN} from './stdin.js'

/** A line longer than this is cut and counted: a 10 MB line must not take 10 MB per copy. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024

export interface ReadLinesOptions {
  maxLineBytes?: number
  /** Read chunk size; larger chunks mean fewer, longer batches. */
  chunkBytes?: number
  /**
   * Decode and split each read in pieces of at most this many bytes (one batch each): large reads
   * (fewer round trips to the thread pool) with small strings (freed by the young-generation GC).
   */
  decodeBytes?: number
  signal?: AbortSignal
  /** Standard input, for `-` (tests pass their own stream). */
  stdin?: Readable
  /** Read only this byte range of a plain file (end inclusive), e.g. one worker's half; both at line starts. */
  start?: number
  end?: number
}

export interface FileReadResult {
  input: string
  lines: number
  bytes: number
  truncatedLines: number
  gzip: boolean
  /** Set when the file could not be read to its end; lines read before the error were handled. */
  error?: string
  /** Set when an abort (Ctrl-C) stopped the read: the lines before it were handled. */
  interrupted?: boolean
}

/**
 * Receives the lines of one chunk. The strings are slices of the chunk's text: copy any string
 * that outlives the call (see detachString) or the whole chunk stays in memory with it.
 */
export type LineBatchHandler = (lines: string[], firstLineNumber: number) => void

/**
 * Reads one input (file, `.gz`, or `-`) and hands its lines to `onBatch` a chunk at a time.
 * Never throws for the input's sake: a missing, unreadable or truncated file is an `error`
 * in the result, with what to do about it.
 */
export async function readLines(input: string, onBatch: LineBatchHandler, options: ReadLinesOptions = {}): Promise<FileReadResult> {
  const batches = readLineBatches(input, options)
  for (;;) {
    const next = await batches.next()
    if (next.done) return next.value
    onBatch(next.value.lines, next.value.firstLineNumber)
  }
}

export interface LineBatch {
  lines: string[]
  firstLineNumber: number
}

/**
 * The pull form of readLines, for callers that interleave several inputs (merging logs in time
 * order): yields the lines chunk by chunk and returns the same per-file result. An abort (Ctrl-C)
 * ends the read at once, even while waiting on a pipe, and marks the result `interrupted`.
 */
export async function* readLineBatches(input: string, options: ReadLinesOptions = {}): AsyncGenerator<LineBatch, FileReadResult> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
  const blocks = readTextBlocks(input, options)
  let lines = 0
  let cut = 0
  try {
    for (;;) {
      const next = await blocks.next(lines)
      if (next.done) return {...next.value, lines, truncatedLines: next.value.truncatedLines + cut}
      const batch: string[] = []
      for (const block of next.value) {
        for (const line of block.split('\n')) {
          const stripped = stripCr(line)
          // A JS string's length is at most its UTF-8 byte length, so this only cuts lines that are too long.
          if (stripped.length > maxLine) cut++
          batch.push(stripped.length > maxLine ? stripped.slice(0, maxLine) : stripped)
        }
      }
      if (batch.length === 0) continue
      yield {lines: batch, firstLineNumber: lines + 1}
      lines += batch.length
    }
  } finally {
    // A caller that stops early (return()) must close the file and drop the abort listener too.
    await blocks.return(undefined as never)
  }
}

/**
 * The fastest form: yields, per read, blocks of whole lines (see BlockSplitter) for callers that
 * scan a block in place instead of splitting it into strings. Such a caller counts the lines and
 * passes the count so far to `next()` (for the message of a read error; the result's `lines` is
 * that count), strips a `\r` before each newline, and cuts lines longer than `maxLineBytes`
 * (`truncatedLines` counts only the ones cut here, across reads).
 */
export async function* readTextBlocks(
  input: string,
  options: ReadLinesOptions = {},
): AsyncGenerator<string[], FileReadResult, number | undefined> {
  const result: FileReadResult = {input, lines: 0, bytes: 0, truncatedLines: 0, gzip: false}
  const {signal} = options
  let stream: Readable | undefined
  // The file or pipe before gzip detection: destroyed on abort even while it waits for its first bytes.
  let source: Readable | undefined = input === STDIN ? (options.stdin ?? process.stdin) : undefined
  const onAbort = (): void => {
    source?.destroy()
    stream?.destroy()
  }
  signal?.addEventListener('abort', onAbort, {once: true})
  const splitter = new BlockSplitter(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, options.decodeBytes)
  try {
    try {
      const opened = await openInput(input, options, (opened) => {
        source = opened
        if (signal?.aborted) opened.destroy()
      })
      stream = opened.stream
      result.gzip = opened.gzip
    } catch (error) {
      if (signal?.aborted) result.interrupted = true
      else result.error = describeOpenError(input, error)
      return result
    }
    for await (const read of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) break
      result.bytes += read.length
      const blocks = splitter.push(read)
      if (blocks.length > 0) result.lines = (yield blocks) ?? result.lines
    }
    const last = splitter.end()
    if (last.length > 0) result.lines = (yield last) ?? result.lines
  } catch (error) {
    if (signal?.aborted) result.interrupted = true
    else result.error = describeReadError(input, error, result.lines)
  } finally {
    signal?.removeEventListener('abort', onAbort)
    if (input !== STDIN) {
      stream?.destroy()
      source?.destroy()
    }
  }
  if (signal?.aborted) result.interrupted = true
  result.truncatedLines = splitter.truncatedLines
  return result
}

async function openInput(
  input: string,
  options: ReadLinesOptions,
  onSource: (source: Readable) => void,
): Promise<{stream: Readable; gzip: boolean}> {
  if (input === STDIN) return openStream(options.stdin ?? process.stdin)
  const info = await stat(input)
  if (info.isDirectory()) throw Object.assign(new Error('is a directory'), {code: 'EISDIR'})
  if (info.isFIFO()) {
    const pipe = await openFifo(input)
    onSource(pipe)
    return openStream(pipe)
  }
  const file = createReadStream(input, {highWaterMark: options.chunkBytes ?? 1024 * 1024, start: options.start, end: options.end})
  // Surface open errors (EACCES) here rather than mid-read.
  onSource(file)
  await new Promise<void>((resolve, reject) => file.once('open', () => resolve()).once('error', reject))
  return openStream(file)
}

/**
 * A named pipe, opened without blocking: a plain open() waits in a thread-pool thread until a
 * writer comes, which no abort can end (and the process cannot exit). Read as a socket, the pipe
 * waits for its writer in the event loop, and destroying it (Ctrl-C) ends the wait.
 */
function openFifo(path: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    openFd(path, constants.O_RDONLY | constants.O_NONBLOCK, (error, fd) => {
      if (error) reject(error)
      else resolve(new Socket({fd, readable: true, writable: false}))
    })
  })
}

/** Passes the bytes through gunzip when they start with the gzip magic, whatever the name. */
async function openStream(source: Readable): Promise<{stream: Readable; gzip: boolean}> {
  const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]()
  const first = await iterator.next()
  const gzip = !first.done && first.value.length >= 2 && first.value[0] === 0x1f && first.value[1] === 0x8b
  async function* replay(): AsyncGenerator<Buffer> {
    if (first.done) return
    yield first.value
    for (;;) {
      const next = await iterator.next()
      if (next.done) return
      yield next.value
    }
  }
  const raw = Readable.from(replay(), {objectMode: false})
  if (!gzip) return {stream: raw, gzip}
  return {stream: pipeline(raw, createGunzip({chunkSize: 256 * 1024}), () => {}), gzip}
}

function describeOpenError(input: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  switch (code) {
    case 'ENOENT':
      return `${input}: no such file; check the path (globs must match at least one file)`
    case 'EACCES':
    case 'EPERM':
      return `${input}: permission denied; run sessdoc as a user who can read it (e.g. in the adm group) or copy the file`
    case 'EISDIR':
      return `${input}: is a directory; give the log files inside it, e.g. '${input}/*.log'`
    default:
      return `${input}: cannot open (${(error as Error).message ?? String(error)}); check the file`
  }
}

function describeReadError(input: string, error: unknown, linesRead: number): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end of file|incorrect header/i.test(String(error))) {
    return `${input}: truncated or corrupt gzip after ${linesRead} lines; the lines before the damage were analyzed (check the file with gzip -t)`
  }
  return `${input}: read failed after ${linesRead} lines (${(error as Error).message ?? String(error)})`
}

const NEWLINE = 0x0a

/**
 * Cuts a byte stream into blocks of whole lines: each block is the decoded text of one or more
 * lines joined by `\n`, without the newline that ended the last one. A block is cut at a newline
 * at most `maxBlockBytes` into the read (unless one line is longer), so a multi-byte character is
 * never split and the pieces stay small young-generation strings. Bytes after the last newline
 * are carried to the next read; a line that grows past `maxLineBytes` that way is cut.
 */
export class BlockSplitter {
  truncatedLines = 0
  private carry: Buffer | null = null
  /** Inside an over-long line whose head was already emitted: drop bytes up to the next newline. */
  private skipping = false

  constructor(
    private readonly maxLineBytes: number,
    private readonly maxBlockBytes = Number.POSITIVE_INFINITY,
  ) {}

  push(chunk: Buffer): string[] {
    const out: string[] = []
    let start = 0
    if (this.skipping) {
      const nl = chunk.indexOf(NEWLINE)
      if (nl < 0) return out
      this.skipping = false
      start = nl + 1
    }
    if (this.carry) {
      const nl = chunk.indexOf(NEWLINE, start)
      if (nl < 0) {
        this.carryOver(chunk, start, out)
        return out
      }
      const head = this.carry
      this.carry = null
      this.emitCapped(Buffer.concat([head, chunk.subarray(start, nl)]), out)
      start = nl + 1
    }
    while (start < chunk.length) {
      const limit = Math.min(start + this.maxBlockBytes, chunk.length)
      let nl = chunk.lastIndexOf(NEWLINE, limit - 1)
      if (nl < start) nl = limit < chunk.length ? chunk.indexOf(NEWLINE, limit) : -1
      if (nl < 0) {
        this.carryOver(chunk, start, out)
        break
      }
      out.push(chunk.toString('utf8', start, nl))
      start = nl + 1
    }
    return out
  }

  end(): string[] {
    const out: string[] = []
    if (this.carry && this.carry.length > 0) this.emitCapped(this.carry, out)
    this.carry = null
    this.skipping = false
    return out
  }

  private carryOver(chunk: Buffer, from: number, out: string[]): void {
    if (from >= chunk.length) return
    const rest = chunk.subarray(from)
    const total = (this.carry?.length ?? 0) + rest.length
    if (total > this.maxLineBytes) {
      const joined = this.carry ? Buffer.concat([this.carry, rest]) : rest
      this.carry = null
      this.truncatedLines++
      out.push(joined.toString('utf8', 0, this.maxLineBytes))
      this.skipping = true
      return
    }
    // Copy: a subarray would keep the whole chunk alive.
    this.carry = this.carry ? Buffer.concat([this.carry, rest]) : Buffer.from(rest)
  }

  private emitCapped(line: Buffer, out: string[]): void {
    if (line.length > this.maxLineBytes) {
      this.truncatedLines++
      out.push(line.toString('utf8', 0, this.maxLineBytes))
    } else {
      out.push(line.toString('utf8'))
    }
  }
}

export function stripCr(line: string): string {
  return line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line
}

/** A copy of a string that does not pin the chunk it was sliced from. */
export function detachString(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8')
}
