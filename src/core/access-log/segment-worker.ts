// A worker thread's job: analyze one byte range of one log file and send back its SegmentResult.
import {parentPort, workerData} from 'node:worker_threads'
import {readTextBlocks} from '../input/read-lines.js'
import {AccessLogAnalyzer, type AnalyzerOptions} from './analyzer.js'
import {analyzeBlocks} from './blocks.js'
import {READ_OPTIONS} from './chunk.js'
import {parserFor} from './formats.js'
import type {SegmentJob} from './parallel.js'
import {exportSegment} from './segment.js'

const job = workerData as SegmentJob
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
  trackHead: true,
}
const analyzer = new AccessLogAnalyzer(options)
const blocks = readTextBlocks(job.file, {start: job.start, end: job.end, ...READ_OPTIONS})
const read = await analyzeBlocks(analyzer, job.file, blocks, () => ({parser, rules: job.rules}))
parentPort!.postMessage({segment: exportSegment(analyzer), read})
