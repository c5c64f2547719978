import createDebug from 'debug'
import {accessLogFormatsFromConfig} from '../config/access-log-formats.js'
import {expandInputs} from '../input/expand-inputs.js'
import {readLineBatches, readTextBlocks} from '../input/read-lines.js'
import type {InputError, SourceResult} from '../report/types.js'
import {analyzeBlocks} from './blocks.js'
import {READ_OPTIONS} from './chunk.js'
import {analyzeClickHouseAccessLog, isClickHouseUrl} from './clickhouse/index.js'
import {groupStreams} from './inputs.js'
import {FormatError} from './log-format.js'
import {analyzeMerged} from './merge.js'
import {defaultParallelPlan, planSegments, runSegments, type SegmentJob, type SegmentOutcome} from './parallel.js'
import {accessLogResult} from './result.js'
import {Run, type StreamFormat} from './run.js'
import {joinSegments} from './segment.js'
import type {AccessLogOptions} from './types.js'

export {builtinFormats} from './formats.js'
export {defaultParallelPlan, PARALLEL_MIN_BYTES} from './parallel.js'
export {DEFAULT_SESSION_TIMEOUT_MS, nodeFromPath, Run, type StreamFormat} from './run.js'
export type {AccessLogOptions, AccessLogSection, TimelineEntry} from './types.js'

const debug = createDebug('sessdoc:access-log')

/** Reads one stream's files in turn, parsing each block of lines as it goes (the fast path for one front end). */
async function analyzeStream(run: Run, files: string[], options: AccessLogOptions): Promise<void> {
  let format: StreamFormat | null = null
  for (const file of files) {
    if (options.signal?.aborted) return
    const blocks = readTextBlocks(file, {signal: options.signal, stdin: options.stdin, ...READ_OPTIONS})
    const result = await analyzeBlocks(run.analyzer, file, blocks, (lines) => {
      format ??= run.formatFor(lines, file)
      return format
    })
    run.noteFile(result)
  }
}

/**
 * One front end's large plain files on several threads: each worker analyzes a byte range, and the
 * parts are joined in order. Returns false when one thread should do it (or a worker failed
 * before anything was counted).
 */
async function analyzeInParallel(run: Run, files: string[], options: AccessLogOptions): Promise<boolean> {
  if (options.parallel === false) return false
  const plan = options.parallel ?? defaultParallelPlan()
  const segments = await planSegments(files, plan)
  if (!segments || segments.length < 2) return false
  const firstBatch = readLineBatches(files[0]!, {end: 1024 * 1024 - 1})
  const head = await firstBatch.next()
  await firstBatch.return(undefined as never)
  if (head.done) return false
  const format = run.formatFor(head.value.lines, files[0])
  const {window: _window, ...analyzerRest} = run.analyzerOptions
  const jobs: SegmentJob[] = segments.map((segment, i) => ({
    ...segment,
    head: i > 0,
    tail: i < segments.length - 1,
    format: {
      name: format.parser.name,
      kind: format.parser.kind,
      formatText: format.parser.formatText,
      cookieName: options.cookieName,
      timeZone: options.timeZone,
    },
    rules: format.rules,
    analyzer: analyzerRest,
    window: {since: options.window.since?.getTime() ?? null, until: options.window.until?.getTime() ?? null},
  }))
  let outcomes: SegmentOutcome[]
  try {
    outcomes = await runSegments(jobs, plan.threads, options.signal)
  } catch (error) {
    if (options.signal?.aborted) return true
    debug('worker threads failed, one thread reads %o: %s', files, (error as Error).message)
    run.formats.pop()
    return false
  }
  joinSegments(
    run.analyzer,
    outcomes.map((o) => o.segment),
  )
  for (const file of files) {
    const reads = outcomes.filter((o) => o.read.input === file).map((o) => o.read)
    const error = reads.find((r) => r.error)?.error
    run.noteFile({
      input: file,
      lines: reads.reduce((n, r) => n + r.lines, 0),
      bytes: reads.reduce((n, r) => n + r.bytes, 0),
      truncatedLines: 0,
      gzip: false,
      error,
    })
  }
  return true
}

/** The access-log source: reads the logs, follows sessions across routes, and raises the access.* findings. */
export async function analyzeAccessLogs(options: AccessLogOptions): Promise<SourceResult<'accessLog'>> {
  // A clickhouse:// table (#20): the fold runs in ClickHouse (its column map in the URL: ?map=time=ts,session=…).
  const table = options.paths.find(isClickHouseUrl)
  if (table && options.paths.length > 1) {
    const others = options.paths.filter((p) => p !== table).map((p) => (isClickHouseUrl(p) ? 'another table' : p))
    return errorResult(
      `--access-log: a ClickHouse table is read alone, and ${others.join(', ')} came with it: one run per table, or the files loaded into the table`,
    )
  }
  if (table) return analyzeClickHouseAccessLog(table, options)
  const declared = options.configs?.length ? await accessLogFormatsFromConfig(options.configs) : null
  if (declared?.errors.length) debug('configs: %o', declared.errors)
  let run: Run
  try {
    run = new Run(options, declared?.formats)
  } catch (error) {
    if (error instanceof FormatError) return errorResult(`${error.message}`)
    throw error
  }
  const expanded = await expandInputs(options.paths)
  run.errors.push(...expanded.errors)
  const streams = groupStreams(expanded.files)
  if (streams.length === 1) {
    if (!(await analyzeInParallel(run, streams[0]!, options))) await analyzeStream(run, streams[0]!, options)
  } else if (streams.length > 1) await analyzeMerged(run, streams, options)

  if (run.filesRead === 0) {
    const reason = run.errors.map((e) => e.message).join('; ') || 'no access log to read: give a file, a glob or - for standard input'
    return errorResult(reason, run.errors)
  }
  return accessLogResult(run, options)
}

function errorResult(reason: string, errors: InputError[] = []): SourceResult<'accessLog'> {
  return {key: 'accessLog', section: {status: 'error', reason, ...(errors.length > 0 ? {errors} : {})}, findings: []}
}
