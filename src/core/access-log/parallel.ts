import {existsSync, readFileSync} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import {availableParallelism, loadavg} from 'node:os'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'
import type {FileReadResult} from '../input/read-lines.js'
import type {AnalyzerOptions} from './analyzer.js'
import type {LineParser} from './parsed-line.js'
import type {SegmentResult} from './segment.js'
import type {SessionIdRules} from './session-id.js'

/** What a worker is given: plain data only. */
export interface SegmentJob {
  file: string
  start: number
  /** Inclusive, as createReadStream wants it. */
  end: number
  format: {name: string; kind: LineParser['kind']; formatText: string; cookieName?: string; timeZone?: string}
  rules: SessionIdRules
  analyzer: Omit<AnalyzerOptions, 'window' | 'trackHead'>
  window: {since: number | null; until: number | null}
  /** A part before it: keep what its start needs to join (trackHead). */
  head: boolean
  /** A part after it: send what its end holds. */
  tail: boolean
}

/** Below this many bytes in all, one thread does it all (a worker costs ~100 ms to start). */
export const PARALLEL_MIN_BYTES = 48 * 1024 * 1024

export interface ParallelPlan {
  threads: number
  /** Below this many bytes in all, one thread does it all (a worker costs ~50 ms to start). */
  minBytes: number
  /** Parts are at least this big (default PART_MIN_BYTES; tests cut a small file into several parts). */
  partBytes?: number
}

/** The smallest part a file is cut into. */
export const PART_MIN_BYTES = 8 * 1024 * 1024

/**
 * As many threads as there are idle cores, at most 4. Measured on 2 cores: two workers beat one
 * thread by ~1.3x when the second core is free, and lose by ~1.2x when another process keeps it
 * busy. `busy` is how many cores other processes keep busy now (see busyCoresNow). `--threads`
 * overrides.
 */
export function defaultParallelPlan(cores = availableParallelism(), busy = busyCoresNow()): ParallelPlan {
  return {threads: Math.max(1, Math.min(4, Math.round(cores - busy))), minBytes: PARALLEL_MIN_BYTES}
}

/**
 * Cores other processes keep busy at this moment: on Linux the fewest runnable tasks in five
 * reads of /proc/loadavg 2 ms apart, less this process; elsewhere the 1-minute load average. (That average
 * also counts work that just ended, such as the previous run of a benchmark: it once made two
 * runs in a row pick one thread on an idle machine.)
 */
export function busyCoresNow(): number {
  let fewest = Number.POSITIVE_INFINITY
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (let i = 0; i < 5; i++) {
    if (i > 0) Atomics.wait(pause, 0, 0, 2)
    let text: string
    try {
      text = readFileSync('/proc/loadavg', 'latin1')
    } catch {
      return loadavg()[0] ?? 0
    }
    const runnable = Number(/ (\d+)\//.exec(text)?.[1])
    if (!Number.isFinite(runnable)) return loadavg()[0] ?? 0
    fewest = Math.min(fewest, runnable)
  }
  return Math.max(0, fewest - 1)
}

/** A small young generation per worker: measured peak RSS ~155 MB with 8 MB vs ~200 MB with the default, same CPU. */
const WORKER_YOUNG_GENERATION_MB = 8

const workerUrl = new URL('./segment-worker.js', import.meta.url)

/** Workers need the compiled worker file (dist/); under a TypeScript test runner there is none. */
export function workersAvailable(): boolean {
  return existsSync(fileURLToPath(workerUrl))
}

/** Whether a file starts with gzip's magic bytes (it may be named anything: access.log.2). */
export async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const magic = Buffer.alloc(2)
    const {bytesRead} = await handle.read(magic, 0, 2, 0)
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b
  } finally {
    await handle.close()
  }
}

/** The first line start at or after `offset`. */
async function lineStartAfter(file: string, offset: number): Promise<number> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(64 * 1024)
    for (let at = offset; ; at += buffer.length) {
      const {bytesRead} = await handle.read(buffer, 0, buffer.length, at)
      if (bytesRead === 0) return at
      const nl = buffer.subarray(0, bytesRead).indexOf(0x0a)
      if (nl >= 0) return at + nl + 1
    }
  } finally {
    await handle.close()
  }
}

/**
 * Cuts the files of one stream (plain files only) into byte ranges of about equal size at line
 * starts, or returns null when one thread should do it (small, gzip, stdin, one core).
 */
export async function planSegments(
  files: readonly string[],
  plan: ParallelPlan,
): Promise<Array<{file: string; start: number; end: number}> | null> {
  if (plan.threads < 2 || !workersAvailable()) return null
  const sizes: number[] = []
  for (const file of files) {
    if (file === '-') return null
    const info = await stat(file).catch(() => null)
    if (!info?.isFile() || (await isGzip(file).catch(() => true))) return null
    sizes.push(info.size)
  }
  const total = sizes.reduce((a, b) => a + b, 0)
  if (total < plan.minBytes) return null
  const target = Math.max(total / plan.threads, plan.partBytes ?? PART_MIN_BYTES)
  const segments: Array<{file: string; start: number; end: number}> = []
  for (const [i, file] of files.entries()) {
    const size = sizes[i]!
    const parts = Math.max(1, Math.round(size / target))
    let start = 0
    for (let p = 1; p <= parts && start < size; p++) {
      const cut = p === parts ? size : await lineStartAfter(file, Math.floor((size * p) / parts))
      if (cut > start) segments.push({file, start, end: cut - 1})
      start = cut
    }
  }
  return segments
}

export interface SegmentOutcome {
  segment: SegmentResult
  read: FileReadResult
}

/** Runs the jobs on at most `threads` workers at once; results in job order. Rejects when a worker fails. */
export async function runSegments(jobs: readonly SegmentJob[], threads: number, signal?: AbortSignal): Promise<SegmentOutcome[]> {
  const results: SegmentOutcome[] = new Array(jobs.length)
  let next = 0
  const live = new Set<Worker>()
  const onAbort = (): void => {
    for (const worker of live) void worker.terminate()
  }
  signal?.addEventListener('abort', onAbort, {once: true})
  const runOne = (job: SegmentJob): Promise<SegmentOutcome> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(workerUrl, {workerData: job, resourceLimits: {maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB}})
      live.add(worker)
      let done = false
      worker.once('message', (message: SegmentOutcome) => {
        done = true
        resolve(message)
      })
      worker.once('error', reject)
      worker.once('exit', (code) => {
        live.delete(worker)
        if (!done) reject(new Error(signal?.aborted ? 'interrupted' : `access-log worker exited with code ${code}`))
      })
    })
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++
      results[index] = await runOne(jobs[index]!)
    }
  }
  try {
    await Promise.all(Array.from({length: Math.min(threads, jobs.length)}, lane))
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
  return results
}
