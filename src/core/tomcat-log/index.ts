import type {Readable} from 'node:stream'
import {expandInputs} from '../input/expand-inputs.js'
import type {CarrierName} from '../input/line-carriers.js'
import {readLines} from '../input/read-lines.js'
import {outOfRangeNote} from '../input/time-range.js'
import type {TimeWindow} from '../input/time-window.js'
import {emptyWindowNote} from '../input/time-window.js'
import {checkTimeZone, machineTimeZone, wallToUtc} from '../input/time-zone.js'
import {chooseTomcatLogs} from '../input/tomcat-logs-dir.js'
import type {RedactOptions} from '../redact.js'
import type {FailedSection, InputError, SourceResult} from '../report/types.js'
import {iso, TomcatLogAggregator} from './aggregate.js'
import {tomcatFindings} from './findings.js'
import {EventJoiner} from './joiner.js'
import type {TomcatLogFile, TomcatLogSection} from './section.js'
import type {FormatName} from './types.js'

export interface TomcatLogOptions {
  /** Files, globs, `.gz` files or `-` for standard input. */
  paths: string[]
  window: TimeWindow
  /** IANA zone of log times that carry none; default: this machine's. */
  timezone?: string
  redact: RedactOptions
  signal?: AbortSignal
  /** Standard input for `-` (tests pass their own stream). */
  stdin?: Readable
}

const MAX_SIGNATURES_SHOWN = 50
/** Read size: 512 KB keeps peak RSS at 130–138 MB on the 1M-line benchmark (1 MB: up to 145; 256 KB: ~125 but 10–15% more CPU). */
const CHUNK_BYTES = 512 * 1024
const MAX_OTHER_SHOWN = 10

/** The application-log source of `tomcat-log` and `diagnose`. Never throws for the input's sake. */
export async function analyzeTomcatLogs(options: TomcatLogOptions): Promise<SourceResult<'tomcatLog'>> {
  const zoneError = options.timezone === undefined ? null : checkTimeZone(options.timezone)
  if (zoneError) return errorResult(zoneError, [])
  const zone = options.timezone ?? machineTimeZone()
  const toUtc = wallToUtc(options.timezone)
  const expanded = await expandInputs(options.paths, {chooseInDirectory: chooseTomcatLogs})
  const errors: InputError[] = [...expanded.errors]
  const aggregator = new TomcatLogAggregator(options.window, options.redact)
  const files: TomcatLogFile[] = []
  let lines = 0
  let truncated = 0
  let readable = 0
  for (const path of expanded.files) {
    if (options.signal?.aborted) break
    const joiner = new EventJoiner(path, toUtc, aggregator)
    const result = await readLines(path, (batch, first) => joiner.push(batch, first), {
      signal: options.signal,
      stdin: options.stdin,
      chunkBytes: CHUNK_BYTES,
    })
    joiner.end()
    if (result.error) errors.push({input: path, message: result.error})
    if (result.error && result.lines === 0) continue
    readable++
    lines += result.lines
    truncated += result.truncatedLines
    const format = dominant(joiner.stats.formats)
    const carrier = dominant(joiner.stats.carriers)
    if (format === null && carrier === null && result.lines > 0) {
      errors.push({
        input: path,
        message: `${path}: no line looks like a Tomcat, Spring Boot, logback/log4j2 or JSON log line; check that this is an application log (see docs/tomcat-log.md for the formats read)`,
      })
    }
    files.push({
      path,
      lines: result.lines,
      events: joiner.stats.events,
      format,
      formats: joiner.stats.formats,
      gzip: result.gzip,
      ...(carrier ? {carrier} : {}),
    })
  }
  if (readable === 0) {
    return errorResult(
      errors.length > 0 ? `no log could be read: ${errors[0]!.message}` : 'no log file given: pass catalina.out or the application log',
      errors,
    )
  }
  const signatures = aggregator.signatureSummaries()
  const lifecycle = [...aggregator.lifecycleEvents].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
  const section: TomcatLogSection = {
    status: 'analyzed',
    files: files.length,
    lines,
    events: files.reduce((sum, f) => sum + f.events, 0),
    signatures: signatures.slice(0, MAX_SIGNATURES_SHOWN),
    byCategory: {...aggregator.byCategory},
    restarts: lifecycle.filter((l) => l.kind === 'startup').map((l) => l.time),
    lifecycle,
    redisErrorsByMinute: sortedSeries(aggregator.redisByMinute, 60_000).map(([minute, count]) => ({minute, count})),
    errorsByMinute: sortedSeries(aggregator.errorsByMinute, 60_000).map(([minute, count]) => ({minute, count})),
    perHour: sortedSeries(aggregator.perHour, 3_600_000).map(([hour, count]) => ({hour, count})),
    problemEvents: aggregator.problemEvents,
    unclassified: aggregator.unclassified,
    otherSignatures: [...aggregator.other.values()].sort((a, b) => b.count - a.count).slice(0, MAX_OTHER_SHOWN),
    signaturesTotal: signatures.length,
    firstSeen: iso(aggregator.firstMs),
    lastSeen: iso(aggregator.lastMs),
    timezone: zone,
    fileDetails: files,
    truncatedLines: truncated,
  }
  const timesNote = outOfRangeNote(aggregator.timesOutOfRange, 'log events')
  if (timesNote) {
    section.timesOutOfRange = aggregator.timesOutOfRange
    errors.push(timesNote)
  }
  const windowNote = emptyWindowNote(options.window, aggregator.dated, aggregator.outsideWindow, 'dated log events')
  if (windowNote) errors.push(windowNote)
  if (errors.length > 0) section.errors = errors
  if (options.signal?.aborted) section.partial = true
  const findings = tomcatFindings({signatures, lifecycle})
  const nothing = findings.length === 0 ? nothingAnalyzable(section, windowNote?.message, options.signal?.aborted === true) : null
  // Figures stay beside the reason: they show what was read.
  if (nothing) return {key: 'tomcatLog', section: {...section, status: 'error', reason: nothing}, findings: []}
  return {key: 'tomcatLog', section, findings}
}

/** Why nothing in the logs read could be judged (then the verdict is UNKNOWN, never OK), or null. */
function nothingAnalyzable(section: TomcatLogSection, windowNote: string | undefined, aborted: boolean): string | null {
  if (section.lines === 0)
    return aborted
      ? 'interrupted before any line was read'
      : 'the log is empty: no line to analyze; check the path (was it rotated away?) and that the application writes there'
  if (section.fileDetails.every((f) => f.format === null && f.carrier === undefined))
    return (
      section.errors?.find((e) => e.message.includes('no line looks like'))?.message ??
      'no line looks like an application log line (see docs/tomcat-log.md)'
    )
  return windowNote ?? null
}

function dominant<Name extends FormatName | CarrierName>(formats: Partial<Record<Name, number>>): Name | null {
  let best: Name | null = null
  let bestCount = 0
  for (const [name, count] of Object.entries(formats) as Array<[Name, number]>) {
    if (count > bestCount) {
      best = name
      bestCount = count
    }
  }
  return best
}

function sortedSeries(map: Map<number, number>, unitMs: number): Array<[string, number]> {
  return [...map.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [new Date(k * unitMs).toISOString(), v])
}

function errorResult(reason: string, errors: InputError[]): SourceResult<'tomcatLog'> {
  const section: FailedSection = {status: 'error', reason, ...(errors.length > 0 ? {errors} : {})}
  return {key: 'tomcatLog', section, findings: []}
}

export type {TomcatLogFile, TomcatLogSection} from './section.js'
export type {Category, LifecycleEvent, SignatureSummary} from './types.js'
