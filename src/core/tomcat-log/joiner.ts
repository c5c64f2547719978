import {type Carried, type CarrierLevel, type CarrierName, unwrapCarrier} from '../input/line-carriers.js'
import {stripCr} from '../input/read-lines.js'
import {validDateTime} from '../input/time-range.js'
import type {WallToUtc} from '../input/time-zone.js'
import {continuesTrace, frameStart, isTraceLine, parseExceptionLine} from './chain.js'
import {formatNames, HeaderParser, JSON_FORMAT_ID, parseLevelLine} from './header.js'
import {jsonWorthParsing, parseJsonEvent} from './json-line.js'
import {isProblemLevel} from './levels.js'
import {lifecycleKind} from './lifecycle.js'
import {Pending} from './pending-event.js'
import type {FormatName, LifecycleKind, LogEvent} from './types.js'

/** Continuation lines kept per event; a 5,000-frame recursion trace keeps its head only. */
const MAX_CONTINUATION = 200
/** Lines kept for events not (yet) worth classifying, in case a trace follows. */
const PEEK_LINES = 3
/** Marks of a paste (editor line numbers, table pipes) that may cover part of an event only: no stream of their own. */
const PASTE_MARKS: ReadonlySet<CarrierName> = new Set(['line-number', 'table-pipe'])
/** A line a container runtime cut into fragments is joined up to this length. */
const MAX_JOINED = 64 * 1024
/** How many single-line events of other threads may cut into a stack trace. */
const MAX_INTERRUPTIONS = 5

export interface EventSink {
  /** A WARN/ERROR event, or any event that carries a stack trace. */
  problem(event: LogEvent): void
  lifecycle(kind: LifecycleKind, timeMs: number | null, detail: string, file: string): void
  /** The time, or null when it is no time (NaN) or far from the rest of the logs (counted). */
  plausible?(timeMs: number): number | null
  /** Whether an event at this time (null: unknown) is inside the window; one whose time was out of range is not. */
  accept(timeMs: number | null, outOfRange?: boolean): boolean
  /** False when every event is accepted: then times are computed only for events that need one. */
  readonly windowed: boolean
}

export interface JoinStats {
  events: number
  /** Lines before the first recognized header (no event to join them to). */
  orphanLines: number
  formats: Partial<Record<FormatName, number>>
  /** Lines that came inside a carrier (journald, a container runtime, a wrapper…), by carrier. */
  carriers: Partial<Record<CarrierName, number>>
  /** Events that start with a line in no known header layout (journald's SystemdFormatter, println). */
  headerless: number
}

/**
 * Joins the lines of one file into events: a header line starts an event, every other line
 * (stack frames, `Caused by:`, wrapped messages) belongs to the event before it. A trace cut
 * by single-line events of other threads is stitched back together.
 */
export class EventJoiner {
  readonly stats: JoinStats = {events: 0, orphanLines: 0, formats: {}, carriers: {}, headerless: 0}
  private readonly header = new HeaderParser()
  /** A second parser for re-reading the header of an event being emitted. */
  private readonly detail = new HeaderParser()
  private current: Pending | null = null
  private suspended: Pending | null = null
  private readonly free: Pending[] = []
  /** The one pending event that quiet lines reuse (never in the free list). */
  private readonly quiet = new Pending()
  private dayKey = -1
  private dayMs = 0
  /** Reads a carrier's inner line to decide on ambiguous carriers (never the state of `header`). */
  private readonly probe = new HeaderParser()
  /** Time (UTC) and level of the carrier of the line being read; NaN / null outside a carrier. */
  private carrierMs = Number.NaN
  private carrierLevel: CarrierLevel | null = null
  private inCarrier = false
  /** The carrier of the line being read (null: none, or a paste mark), the stream it belongs to. */
  private carrierName: CarrierName | null = null
  /** The fragments of a line a container runtime cut (CRI `P`, docker json-file without `\n`). */
  private fragments: string | null = null

  constructor(
    private readonly file: string,
    private readonly toUtc: WallToUtc,
    private readonly sink: EventSink,
  ) {}

  push(lines: readonly string[], firstLineNo: number): void {
    for (let i = 0; i < lines.length; i++) this.line(lines[i]!, firstLineNo + i)
  }

  private line(line: string, lineNo: number): void {
    const c = line.charCodeAt(0)
    if (c === 9 || line.length === 0) this.continuation(line)
    else if (c === 32) this.indented(line, lineNo)
    else if (c === 123) {
      // journalctl -o json, docker's json-file: an envelope around the line; else a JSON log line.
      if (this.inCarrier || !this.tryCarrier(line, lineNo)) this.jsonLine(line, lineNo)
    } else if (this.current?.awaitingLevel === true && parseLevelLine(line) !== null) this.continuation(line)
    else if (this.header.parse(line)) {
      if (this.isQuiet(line)) this.quietEvent(line, lineNo)
      else this.startEvent(line, lineNo)
    } else this.plainLine(line, lineNo)
  }

  /** An indented line: part of the event before, unless it is a line number or a table pipe around a log line. */
  private indented(line: string, lineNo: number): void {
    let i = 1
    while (line.charCodeAt(i) === 32 && i < 12) i++
    const c = line.charCodeAt(i)
    if (!this.inCarrier && ((c >= 48 && c <= 57) || c === 124) && this.tryCarrier(line, lineNo)) return
    this.continuation(line)
  }

  /** A line that is no header, not indented: a carrier around a log line, part of a trace, or an event of its own. */
  private plainLine(line: string, lineNo: number): void {
    if (!this.inCarrier && this.tryCarrier(line, lineNo)) return
    if (isNeutral(line)) return
    const ev = this.current
    if (ev === null) {
      // The tail of a trace whose head is in an earlier file is no event.
      if (continuesTrace(line)) this.stats.orphanLines++
      else this.headerless(line, lineNo)
      return
    }
    if (continuesTrace(line) || (!ev.framed && ev.carrier === this.carrierName && parseExceptionLine(line) !== null))
      this.continuation(line)
    else this.headerless(line, lineNo)
  }

  private tryCarrier(line: string, lineNo: number): boolean {
    const carried = unwrapCarrier(line, this.looksLikeLog)
    if (!carried) return false
    this.carried(carried, lineNo)
    return true
  }

  /** Whether the line inside an ambiguous carrier is a log line: a header or part of a stack trace. */
  private readonly looksLikeLog = (inner: string): boolean =>
    inner.length === 0 || isTraceLine(inner) || continuesTrace(inner) || parseExceptionLine(inner) !== null || this.probe.full(inner)

  private carried(carried: Carried, lineNo: number): void {
    this.stats.carriers[carried.carrier] = (this.stats.carriers[carried.carrier] ?? 0) + 1
    if (carried.partial) {
      const joined = (this.fragments ?? '') + carried.text
      this.fragments = joined.length > MAX_JOINED ? joined.slice(0, MAX_JOINED) : joined
      return
    }
    const text = this.fragments === null ? carried.text : this.fragments + carried.text
    this.fragments = null
    this.carrierMs = Number.isNaN(carried.timeMs) ? Number.NaN : carried.zoned ? carried.timeMs : this.toUtc(carried.timeMs)
    this.carrierLevel = carried.level
    this.carrierName = PASTE_MARKS.has(carried.carrier) ? null : carried.carrier
    this.inCarrier = true
    if (text.includes('\n')) for (const inner of text.split('\n')) this.line(stripCr(inner), lineNo)
    else this.line(text, lineNo)
    this.inCarrier = false
    this.carrierMs = Number.NaN
    this.carrierLevel = null
    this.carrierName = null
  }

  /** A line in no header layout that does not continue the event before: an event of its own. */
  private headerless(line: string, lineNo: number): void {
    const ev = this.next()
    ev.lineNo = lineNo
    ev.format = null
    ev.header = line
    ev.message = line
    ev.level = this.carrierLevel ?? 'unknown'
    ev.carrierMs = this.carrierMs
    ev.carrier = this.carrierName
    this.stats.headerless++
    if (parseExceptionLine(line) !== null) {
      // A new trace, not a line of another thread cutting into the one before.
      this.closeSuspended()
      if (ev.level !== 'debug') ev.keep = true
    }
    if (ev.level === 'info' || ev.level === 'unknown') ev.lifecycle = lifecycleKind(line, 0)
  }

  end(): void {
    if (this.fragments !== null) {
      const text = this.fragments
      this.fragments = null
      this.inCarrier = true
      this.line(text, 0)
      this.inCarrier = false
    }
    this.foldFormats()
    this.closeSuspended()
    if (this.current) this.emit(this.current)
    this.current = null
  }

  /** An INFO/DEBUG header that is no lifecycle message (and no window to check times against). */
  private isQuiet(line: string): boolean {
    const h = this.header
    if (this.sink.windowed || h.levelOnNextLine || (h.level !== 'info' && h.level !== 'debug')) return false
    return h.msgStart < 0 || h.level === 'debug' || lifecycleKind(line, h.msgStart) === null
  }

  private startEvent(line: string, lineNo: number): void {
    const h = this.header
    const ev = this.next()
    ev.lineNo = lineNo
    ev.format = h.format
    ev.level = h.level
    ev.header = line
    ev.awaitingLevel = h.levelOnNextLine
    ev.carrierMs = this.carrierMs
    ev.carrier = this.carrierName
    if (ev.level !== 'debug' && h.msgStart >= 0 && h.msgStart < line.length) ev.lifecycle = lifecycleKind(line, h.msgStart)
    this.countFormat(h.formatId)
  }

  /** Header counts per format, by index (formatNames order): a typed array, no keyed writes per line. */
  private readonly formatCounts = new Uint32Array(formatNames.length)

  private countFormat(id: number): void {
    this.formatCounts[id] = this.formatCounts[id]! + 1
  }

  /** The per-format counts as an object, for the report. */
  private foldFormats(): void {
    formatNames.forEach((name, i) => {
      const count = this.formatCounts[i]!
      if (count > 0) this.stats.formats[name] = count
    })
  }

  private jsonLine(line: string, lineNo: number): void {
    const last = line.charCodeAt(line.length - 1)
    if (last !== 125 && last !== 32) {
      this.continuation(line)
      return
    }
    const ev = this.next()
    ev.lineNo = lineNo
    ev.format = 'json'
    ev.header = line
    ev.carrierMs = this.carrierMs
    ev.message = ''
    this.countFormat(JSON_FORMAT_ID)
    if (!jsonWorthParsing(line)) {
      ev.level = 'info'
      return
    }
    const parsed = parseJsonEvent(line, this.toUtc)
    if (!parsed) return
    ev.level = parsed.level
    ev.message = parsed.message
    ev.logger = parsed.logger
    if (parsed.timeMs !== null) ev.utcMs = parsed.timeMs
    for (const traceLine of parsed.trace) this.addLine(ev, traceLine)
    if (parsed.trace.length > 0) ev.keep = true
    // A JSON event carries its whole trace: no later line can continue it.
    ev.inTrace = false
    if (ev.level === 'info' || ev.level === 'unknown') ev.lifecycle = lifecycleKind(ev.message, 0)
  }

  /** A fresh pending event; the previous one is emitted or, when inside a trace, set aside. */
  private next(): Pending {
    if (this.current) this.finish(this.current)
    const ev = this.free.pop() ?? new Pending()
    ev.reset()
    this.current = ev
    this.stats.events++
    return ev
  }

  /**
   * An INFO/DEBUG line of the common layouts that is no lifecycle message: most lines of a big
   * log. It reuses one pending event and reads nothing more unless a stack trace follows it.
   */
  private quietEvent(line: string, lineNo: number): void {
    const ev = this.quiet
    // The previous line was a quiet event with nothing joined to it: nothing to emit or reset.
    if (this.current !== ev || ev.contCount !== 0 || this.suspended !== null) {
      if (this.current) this.finish(this.current)
      ev.reset()
    }
    ev.lineNo = lineNo
    ev.format = this.header.format
    ev.level = this.header.level
    ev.header = line
    this.current = ev
    this.stats.events++
    this.countFormat(this.header.formatId)
  }

  private finish(previous: Pending): void {
    this.current = null
    if (previous.inTrace && previous.keep) {
      this.closeSuspended()
      this.suspended = previous === this.quiet ? previous.copy(this.free.pop() ?? new Pending()) : previous
    } else if (this.suspended && previous.contCount === 0 && this.suspended.interruptions < MAX_INTERRUPTIONS) {
      this.suspended.interruptions++
      this.emit(previous)
    } else {
      this.closeSuspended()
      this.emit(previous)
    }
  }

  private continuation(line: string): void {
    let ev = this.current
    if (!ev) {
      if (line.length === 0) return
      this.stats.orphanLines++
      // The tail of a trace whose head is in an earlier file is no event.
      if (isTraceLine(line)) return
      ev = this.next()
      ev.lineNo = 0
      ev.header = ''
      ev.message = ''
      ev.format = null
    }
    if (line.length === 0) return
    if (ev.awaitingLevel) {
      ev.awaitingLevel = false
      const parsed = parseLevelLine(line)
      if (parsed) {
        ev.level = parsed.level
        ev.message = line.slice(parsed.msgStart)
        if (ev.level !== 'debug') ev.lifecycle = lifecycleKind(line, parsed.msgStart)
        return
      }
    }
    const suspended = this.suspended
    if (suspended) {
      if (ev.contCount === 0 && isTraceLine(line) && sameIndent(line, suspended.frameIndent)) {
        this.addLine(suspended, line)
        return
      }
      this.closeSuspended()
    }
    this.addLine(ev, line)
  }

  private addLine(ev: Pending, line: string): void {
    ev.contCount++
    const frame = frameStart(line) >= 0
    if (frame && !ev.framed) {
      ev.framed = true
      ev.frameIndent = line.slice(0, frameStart(line) - 3)
    }
    ev.inTrace = frame || line.startsWith('Caused by: ')
    if (!ev.keep) {
      if (ev.level !== 'debug' && (frame || parseExceptionLine(line) !== null)) ev.keep = true
      else if (ev.cont.length >= PEEK_LINES) return
    }
    if (ev.cont.length < MAX_CONTINUATION) ev.cont.push(line)
    else ev.dropped++
  }

  private release(ev: Pending): void {
    if (ev !== this.quiet) this.free.push(ev)
  }

  private closeSuspended(): void {
    if (this.suspended) this.emit(this.suspended)
    this.suspended = null
  }

  private emit(ev: Pending): void {
    if (ev === this.current) this.current = null
    const problem = ev.level !== 'debug' && (isProblemLevel(ev.level) || ev.keep)
    if (!problem && !ev.lifecycle && !this.sink.windowed) {
      this.release(ev)
      return
    }
    let timeMs: number | null = null
    let message = ev.message ?? ''
    let logger = ev.logger
    if (!Number.isNaN(ev.utcMs)) timeMs = ev.utcMs
    else if (ev.format !== null && ev.format !== 'json' && this.detail.full(ev.header)) {
      // Time, logger and message are read again only for the few events that need them.
      const d = this.detail
      if (d.hasDate) {
        const key = d.year * 10000 + d.month * 100 + d.day
        if (key !== this.dayKey) {
          this.dayKey = key
          // 31 February is no date (Date.UTC would roll it over into March).
          this.dayMs = validDateTime(d.year, d.month, d.day) ? Date.UTC(d.year, d.month, d.day) : Number.NaN
        }
        // Neither is 25:99:99: the time is then unknown (and counted), not the next day's.
        const wall = validDateTime(2000, 0, 1, d.hour, d.minute, d.second)
          ? this.dayMs + d.hour * 3_600_000 + d.minute * 60_000 + d.second * 1000 + d.millis
          : Number.NaN
        timeMs = Number.isNaN(d.zoneMinutes) ? this.toUtc(wall) : wall - d.zoneMinutes * 60_000
      }
      if (ev.message === null) message = ev.header.slice(d.msgStart)
      if (!logger) logger = d.logger(ev.header)
    }
    if (timeMs === null && !Number.isNaN(ev.carrierMs)) timeMs = ev.carrierMs
    let outOfRange = false
    if (timeMs !== null) {
      const plausible = this.sink.plausible ? this.sink.plausible(timeMs) : Number.isNaN(timeMs) ? null : timeMs
      outOfRange = plausible === null
      timeMs = plausible
    }
    if (!this.sink.accept(timeMs, outOfRange)) {
      this.stats.events--
      this.release(ev)
      return
    }
    if (ev.lifecycle) this.sink.lifecycle(ev.lifecycle, timeMs, message.slice(0, 200), this.file)
    if (problem) {
      this.sink.problem({
        file: this.file,
        line: ev.lineNo,
        format: ev.format,
        level: ev.level,
        timeMs,
        logger,
        message,
        continuation: ev.cont.slice(),
        droppedLines: ev.dropped,
      })
    }
    this.release(ev)
  }
}

/** grep's `--` between context groups, a poster's `....` for elided lines, journalctl's `-- Boot … --`: part of no event, ending none. */
function isNeutral(line: string): boolean {
  return /^(?:-{2,3}|\.{3,6}|…)\s*$/.test(line) || (line.startsWith('-- ') && line.endsWith(' --'))
}

/** A trace cut by other lines goes on with frames indented as its own were (another indentation is another trace). */
function sameIndent(line: string, indent: string): boolean {
  const start = frameStart(line)
  return start < 0 || indent === '' || (start - 3 === indent.length && line.startsWith(indent))
}
