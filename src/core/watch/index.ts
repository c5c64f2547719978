import {stat} from 'node:fs/promises'
import type {Readable} from 'node:stream'
import type {BlockStream} from '../access-log/analyzer.js'
import {firstLines} from '../access-log/blocks.js'
import {FormatError} from '../access-log/log-format.js'
import {ParsedLine} from '../access-log/parsed-line.js'
import {accessLogResult} from '../access-log/result.js'
import {Run} from '../access-log/run.js'
import type {AccessLogOptions} from '../access-log/types.js'
import {expandInputs} from '../input/expand-inputs.js'
import {FileFollower, type FollowEvent, type FollowSink, type LineSource, StreamFollower} from '../input/follow.js'
import {DEFAULT_MAX_LINE_BYTES} from '../input/read-lines.js'
import {chooseTomcatLogs} from '../input/tomcat-logs-dir.js'
import {makeFinding} from '../report/report.js'
import type {Finding, InputError, SourceResult} from '../report/types.js'
import {sleep} from '../sleep.js'
import {AppLogWatcher} from './app-log.js'
import {BalancerWatcher} from './balancers.js'
import {IntervalCounter} from './intervals.js'
import type {StoppedBy, WatchEvent, WatchedFile, WatchInterval, WatchSection} from './types.js'

export type {StoppedBy, WatchEvent, WatchFigures, WatchInterval, WatchSection} from './types.js'

export interface WatchOptions {
  /** Access logs to follow (plain files, or `-` for standard input). */
  accessLogs: string[]
  /** Application logs (catalina.out…) whose stops and starts are events. */
  tomcatLogs: string[]
  /** Balancers whose members are read once an interval (drain-status's `--balancer` forms). */
  balancers: string[]
  /** Read the files from their start instead of their end. */
  fromStart: boolean
  intervalMs: number
  /** End after this long (undefined: until a signal, a threshold or the end of standard input). */
  durationMs?: number
  /** End as soon as more sessions than this are lost. */
  maxLost?: number
  /** End as soon as more requests than this are misrouted. */
  maxMisrouted?: number
  /** How the access logs are read, as for access-log (window, format, cookie, timeout, redaction). */
  access: Omit<AccessLogOptions, 'paths' | 'signal' | 'stdin' | 'parallel'>
  /** The app logs' time zone (times without an offset). */
  timeZone?: string
  signal?: AbortSignal
  stdin?: Readable
  /** How often the files are looked at (default 200 ms). */
  pollMs?: number
  /** Balancer read timeout (default: the interval, at most 3 s). */
  requestTimeoutMs?: number
  now?: () => number
  onInterval?: (interval: WatchInterval) => void
  onEvent?: (event: WatchEvent) => void
  /** Said at once, not only in the report: a path that does not exist yet, a glob that matches nothing. */
  onNotice?: (message: string) => void
}

const DEFAULT_POLL_MS = 200
/** Read at most this much of one file per poll before the thresholds are checked again. */
const MAX_BYTES_PER_READ = 4 * 1024 * 1024
const MAX_INTERVALS = 10_000
const MAX_EVENTS = 1000
const DETECTION_LINES = 1000

interface AccessInput {
  source: LineSource
  stream: BlockStream | null
  lineNo: number
  /** Hands the lines read to the analyzer (built once, for every poll). */
  sink: FollowSink
}

/** A watch that could not begin (an access log that is not a plain file, a bad --log-format). */
export class WatchInputError extends Error {}

/**
 * `sessdoc watch`: follows the access logs (and app logs) from their end, feeding access-log's
 * analyzer as lines arrive; every interval one line of requests, flips, misrouted requests and lost
 * sessions; ends on the duration, a signal, a threshold crossed, or the end of standard input, with
 * the watch section and the access-log section of the lines watched.
 */
export async function watch(options: WatchOptions): Promise<SourceResult[]> {
  const now = options.now ?? Date.now
  const accessOptions: AccessLogOptions = {...options.access, paths: options.accessLogs}
  let run: Run
  try {
    run = new Run(accessOptions)
  } catch (error) {
    if (error instanceof FormatError) throw new WatchInputError(`--log-format: ${error.message}`)
    throw error
  }
  const errors: InputError[] = []
  const events: WatchEvent[] = []
  const event = (e: Omit<WatchEvent, 'seenAt'>): void => {
    const full = {seenAt: new Date(now()).toISOString(), ...e}
    if (events.length < MAX_EVENTS) events.push(full)
    options.onEvent?.(full)
  }
  const followEvent = (path: string, node: string | null) => (kind: FollowEvent) =>
    event({
      time: null,
      kind,
      node,
      detail: `${path} ${kind === 'rotated' ? 'was rotated: the new file is read from its start' : 'was truncated: read again from its start'}`,
    })

  const notice = (e: InputError): void => {
    errors.push(e)
    options.onNotice?.(e.message)
  }
  const missingAtStart = new Set<string>()
  for (const p of options.accessLogs)
    if (p !== '-' && !(await exists(p))) {
      missingAtStart.add(p)
      notice({input: p, message: `${p} does not exist (yet): watching for it`})
    }
  const inputs: AccessInput[] = []
  for (const path of options.accessLogs) {
    const source = path === '-' ? new StreamFollower('-', options.stdin ?? process.stdin) : new FileFollower(path, options.fromStart)
    const input: AccessInput = {
      source,
      stream: null,
      lineNo: 0,
      sink: {
        text: (text) => {
          input.stream ??= blockStream(run, path, firstLines([text], DETECTION_LINES))
          input.lineNo += run.analyzer.addBlock(text, input.stream, input.lineNo + 1)
        },
        event: followEvent(path, null),
      },
    }
    let detect: string[]
    try {
      detect = await source.start(DETECTION_LINES)
    } catch (error) {
      throw new WatchInputError((error as Error).message)
    }
    if (detect.length > 0) input.stream = blockStream(run, path, detect)
    inputs.push(input)
  }
  run.filesRead = inputs.length
  const apps: Array<{source: FileFollower; watcher: AppLogWatcher; sink: FollowSink}> = []
  // Globs and directories as the other commands read them: each file matched is followed.
  const tomcat = await expandInputs(options.tomcatLogs, {chooseInDirectory: chooseTomcatLogs})
  for (const e of tomcat.errors) notice(e)
  for (const path of tomcat.files) {
    const source = new FileFollower(path, options.fromStart)
    const watcher = new AppLogWatcher(path, options.timeZone, (seen) =>
      event({
        time: seen.timeMs === null ? null : new Date(seen.timeMs).toISOString(),
        kind: seen.kind,
        node: seen.node,
        detail: seen.detail,
      }),
    )
    try {
      await source.start(0)
    } catch (error) {
      throw new WatchInputError((error as Error).message)
    }
    apps.push({source, watcher, sink: {text: (text) => watcher.lines(text), event: followEvent(path, watcher.node)}})
  }
  const balancers = new BalancerWatcher(
    options.balancers,
    options.requestTimeoutMs ?? Math.min(3000, options.intervalMs),
    ({member, before}) =>
      event({
        time: null,
        kind: 'member-state',
        node: member.route,
        detail: `${member.route} on ${member.source}: ${before.status} → ${member.status} (${before.state} → ${member.state})`,
      }),
  )

  const analyzer = run.analyzer
  const counter = new IntervalCounter(analyzer, options.access.routeAliases)
  const intervals: WatchInterval[] = []
  let dropped = 0
  const started = now()
  let intervalStart = started
  let nextTick = started + options.intervalMs
  const deadline = options.durationMs === undefined ? Number.POSITIVE_INFINITY : started + options.durationMs
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS
  let balancerEventsSeen = 0
  let stoppedBy: StoppedBy | null = null
  const closeInterval = (end: number): void => {
    const interval = counter.close(intervalStart, end)
    intervalStart = end
    intervals.push(interval)
    if (intervals.length > MAX_INTERVALS) {
      intervals.shift()
      dropped++
    }
    options.onInterval?.(interval)
  }
  balancers.poll()

  for (;;) {
    let behind = false
    for (const {source, sink} of inputs) if ((await readSafely(source, sink, errors)) >= MAX_BYTES_PER_READ) behind = true
    for (const {source, watcher, sink} of apps) {
      const n = await readSafely(source, sink, errors)
      if (n === 0) watcher.quiet()
      else if (n >= MAX_BYTES_PER_READ) behind = true
    }
    // HAProxy's own `Server be/node2 is DOWN` lines, read by the analyzer.
    for (; balancerEventsSeen < analyzer.balancerEvents.length; balancerEventsSeen++) {
      const e = analyzer.balancerEvents[balancerEventsSeen]!
      event({time: e.at, kind: 'balancer-log', node: e.server.split('/').pop() ?? null, detail: `${e.server} ${e.state}: ${e.detail}`})
    }
    const running = counter.running()
    if (options.maxLost !== undefined && running.lost > options.maxLost) stoppedBy = 'max-lost'
    else if (options.maxMisrouted !== undefined && running.misrouted > options.maxMisrouted) stoppedBy = 'max-misrouted'
    else if (options.signal?.aborted) stoppedBy = 'signal'
    else if (now() >= deadline) stoppedBy = 'duration'
    else if (inputs.length > 0 && inputs.every((i) => i.source.ended)) stoppedBy = 'end-of-input'
    if (stoppedBy !== null) break
    const t = now()
    if (t >= nextTick) {
      closeInterval(t)
      balancers.poll()
      nextTick = nextTick + options.intervalMs > t ? nextTick + options.intervalMs : t + options.intervalMs
    }
    if (!behind) await sleep(Math.max(1, Math.min(pollMs, nextTick - t, deadline - t)), options.signal)
  }
  const ended = now()
  if (ended > intervalStart || counter.current().lines > 0 || intervals.length === 0) closeInterval(ended)
  await balancers.settle()
  for (const input of inputs) await input.source.close()
  for (const {source} of apps) await source.close()
  for (const message of balancers.errors) errors.push({input: 'balancer', message})

  const files: WatchedFile[] = [
    ...inputs.map((i) => fileFigures(i.source, 'access-log', i.lineNo)),
    ...apps.map((a) => fileFigures(a.source, 'tomcat-log', 0)),
  ]
  const section: WatchSection = {
    status: 'analyzed',
    stoppedBy,
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(ended).toISOString(),
    intervalSeconds: options.intervalMs / 1000,
    intervals,
    intervalsDropped: dropped,
    totals: {...counter.closed},
    maxLost: options.maxLost ?? null,
    maxMisrouted: options.maxMisrouted ?? null,
    events,
    members: balancers.members,
    files,
    fromStart: options.fromStart,
  }
  if (errors.length > 0) section.errors = errors
  const accessLog = accessLogResult(run, accessOptions)
  // Nothing to judge is never OK: a watch that read no access-log line cannot tell.
  if (inputs.every((i) => i.lineNo === 0)) {
    const missing = [...missingAtStart].filter((p) => inputs.some((i) => i.source.path === p && i.source.bytesRead === 0))
    const reason =
      missing.length > 0
        ? `${missing.join(', ')} did not exist when the watch began and no line was written to it: check --access-log (the live log of the balancer)`
        : `no access-log line was written while watching (${fmtDuration(ended - started)}): check --access-log (the live log of the balancer), or watch longer`
    section.status = 'error'
    section.reason = reason
    if (accessLog.section.status === 'error' && missing.length > 0) accessLog.section.reason = reason
  }
  return [{key: 'watch', section, findings: thresholdFindings(section)}, accessLog]
}

function blockStream(run: Run, file: string, lines: string[]): BlockStream {
  const format = run.formatFor(lines)
  return {parser: format.parser, rules: format.rules, parsed: new ParsedLine(), file, maxLineLength: DEFAULT_MAX_LINE_BYTES, linesCut: 0}
}

/** A file that cannot be read now (permissions, a directory put in its place) is an error of the section; the watch goes on. */
async function readSafely(source: LineSource, sink: FollowSink, errors: InputError[]): Promise<number> {
  try {
    return await source.read(sink, MAX_BYTES_PER_READ)
  } catch (error) {
    const message = `${source.path}: ${(error as NodeJS.ErrnoException).code ?? ''} ${(error as Error).message}`.replace(/\s+/g, ' ')
    if (!errors.some((e) => e.message === message)) errors.push({input: source.path, message})
    return 0
  }
}

function fileFigures(source: LineSource, role: WatchedFile['role'], lines: number): WatchedFile {
  return {
    path: source.path,
    role,
    bytesRead: source.bytesRead,
    lines,
    rotations: source.rotations,
    truncations: source.truncations,
    maxBacklogBytes: source.maxBacklogBytes,
  }
}

function thresholdFindings(s: WatchSection): Finding[] {
  const worst = (key: 'lost' | 'misrouted'): string =>
    Object.entries(s.intervals.at(-1)?.byRoute ?? {})
      .filter(([, f]) => f[key] > 0)
      .map(([route, f]) => `${route} ${f[key]}`)
      .join(', ')
  if (s.stoppedBy === 'max-lost') {
    const where = worst('lost')
    return [
      makeFinding('watch.max-lost', {
        detail: `${s.totals.lost} sessions lost while watching (more than --max-lost ${s.maxLost})${where ? `; in the last interval by home node: ${where}` : ''}. The watch stopped at ${s.endedAt}.`,
        evidence: {lost: s.totals.lost, maxLost: s.maxLost, misrouted: s.totals.misrouted, flips: s.totals.flips, stoppedAt: s.endedAt},
      }),
    ]
  }
  if (s.stoppedBy === 'max-misrouted') {
    const where = worst('misrouted')
    return [
      makeFinding('watch.max-misrouted', {
        detail: `${s.totals.misrouted} requests misrouted while watching (more than --max-misrouted ${s.maxMisrouted})${where ? `; in the last interval by home node: ${where}` : ''}. The watch stopped at ${s.endedAt}.`,
        evidence: {
          misrouted: s.totals.misrouted,
          maxMisrouted: s.maxMisrouted,
          lost: s.totals.lost,
          flips: s.totals.flips,
          stoppedAt: s.endedAt,
        },
      }),
    ]
  }
  return []
}

function fmtDuration(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 6000) / 10} min`
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}
