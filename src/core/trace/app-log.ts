import type {Readable} from 'node:stream'
import {validDateTime} from '../input/time-range.js'
import {inWindow, type TimeWindow} from '../input/time-window.js'
import {wallToUtc} from '../input/time-zone.js'
import {type RedactOptions, scrubText} from '../redact.js'
import {nodeOf} from '../tomcat-log/aggregate.js'
import {HeaderParser} from '../tomcat-log/header.js'
import {lifecycleKind, lifecycleRules} from '../tomcat-log/lifecycle.js'
import {Needles, scanFile} from './byte-scan.js'
import type {TraceAppEvent, TraceNodeEvent} from './types.js'

export interface AppLogScan {
  events: TraceAppEvent[]
  nodeEvents: TraceNodeEvent[]
  files: number
  bytes: number
  matchedLines: number
  errors: Array<{input: string; message: string}>
  /** Raw ids the events named (to resolve a `sid:` no access log holds). */
  texts: string[]
}

const MAX_EVENTS = 500

/**
 * The app logs, byte-searched for the session's ids (Tomcat's "… for session [ID]", Spring's ids in
 * messages) and for the start, stop and deploy messages of the nodes; only those lines are parsed.
 */
export async function scanAppLogs(
  files: readonly string[],
  ids: readonly string[],
  options: {window: TimeWindow; timezone?: string; redact: RedactOptions; signal?: AbortSignal; stdin?: Readable},
): Promise<AppLogScan> {
  const out: AppLogScan = {events: [], nodeEvents: [], files: 0, bytes: 0, matchedLines: 0, errors: [], texts: []}
  const needles = new Needles()
  for (const id of ids) needles.add(id)
  for (const rule of lifecycleRules) if (rule.startsWith !== 'Started ') needles.add(rule.startsWith)
  const header = new HeaderParser()
  const toUtc = wallToUtc(options.timezone)
  for (const file of files) {
    const node = nodeOf(file)
    const scan = await scanFile(
      file,
      needles,
      {
        head: () => {},
        line: (line) => {
          const known = header.parse(line) && header.full(line)
          const time = known ? timeOf(header, toUtc) : Number.NaN
          if (!Number.isNaN(time) && !inWindow(options.window, time)) return
          const iso = Number.isNaN(time) ? null : new Date(time).toISOString()
          const kind = known && header.msgStart >= 0 ? lifecycleKind(line, header.msgStart) : null
          if (kind !== null) {
            out.nodeEvents.push({time: iso, node, kind, source: 'app log'})
            return
          }
          if (!ids.some((id) => line.includes(id)) || out.events.length >= MAX_EVENTS) return
          const message = known && header.msgStart >= 0 ? line.slice(header.msgStart) : line
          out.texts.push(line)
          out.events.push({
            time: iso,
            node,
            level: known ? header.level : null,
            message: scrubText(message.length > 500 ? `${message.slice(0, 500)}…` : message, options.redact),
            file,
          })
        },
      },
      {signal: options.signal, stdin: options.stdin},
    )
    out.files++
    out.bytes += scan.bytes
    out.matchedLines += scan.matchedLines
    if (scan.error) out.errors.push({input: file, message: scan.error})
  }
  return out
}

function timeOf(d: HeaderParser, toUtc: (wall: number) => number): number {
  if (!d.hasDate || !validDateTime(d.year, d.month, d.day) || !validDateTime(2000, 0, 1, d.hour, d.minute, d.second)) return Number.NaN
  const wall = Date.UTC(d.year, d.month, d.day) + d.hour * 3_600_000 + d.minute * 60_000 + d.second * 1000 + d.millis
  return Number.isNaN(d.zoneMinutes) ? toUtc(wall) : wall - d.zoneMinutes * 60_000
}
