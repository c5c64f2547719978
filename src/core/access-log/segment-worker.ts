// A worker thread's job: analyze one byte range of one log file and send back its SegmentResult.
import {parentPort, workerData} from 'node:worker_threads'
import {readLineBatches} from '../input/read-lines.js'
import {AccessLogAnalyzer, type AnalyzerOptions} from './analyzer.js'
import {READ_OPTIONS} from './chunk.js'
import {parserFor} from './formats.js'
import type {SegmentJob} from './parallel.js'
import {ParsedLine} from './parsed-line.js'
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
const parsed = new ParsedLine()
const batches = readLineBatches(job.file, {start: job.start, end: job.end, ...READ_OPTIONS})
for (;;) {
  const next = await batches.next()
  if (next.done) {
    parentPort!.postMessage({segment: exportSegment(analyzer), read: next.value})
    break
  }
  const {lines, firstLineNumber} = next.value
  analyzer.lines += lines.length
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.length === 0) continue
    if (parser.parse(line, parsed)) analyzer.add(line, parsed, parser, job.rules)
    else analyzer.reject(line, job.file, firstLineNumber + i)
  }
}
