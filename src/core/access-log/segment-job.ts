import {readTextBlocks} from '../input/read-lines.js'
import {AccessLogAnalyzer, type AnalyzerOptions} from './analyzer.js'
import {analyzeBlocks} from './blocks.js'
import {READ_OPTIONS} from './chunk.js'
import {parserFor} from './formats.js'
import type {SegmentJob, SegmentOutcome} from './parallel.js'
import {exportSegment} from './segment.js'

/** Analyzes one byte range of one log file: in a worker thread, or on the main thread as one of the lanes. */
export async function runSegmentJob(job: SegmentJob, signal?: AbortSignal): Promise<SegmentOutcome> {
  const parser = parserFor(job.format.name, job.format.kind, job.format.formatText, {
    cookieName: job.format.cookieName,
    timeZone: job.format.timeZone,
  })
  const options: AnalyzerOptions = {
    ...job.analyzer,
    window: {
      since: job.window.since === null ? null : new Date(job.window.since),
      until: job.window.until === null ? null : new Date(job.window.until),
    },
    trackHead: job.head,
  }
  const analyzer = new AccessLogAnalyzer(options)
  const blocks = readTextBlocks(job.file, {start: job.start, end: job.end, signal, ...READ_OPTIONS})
  const read = await analyzeBlocks(analyzer, job.file, blocks, () => ({parser, rules: job.rules}))
  return {segment: exportSegment(analyzer, {tail: job.tail}), read}
}
