import {detachString} from '../input/read-lines.js'
import {PlausibleTimes} from '../input/time-range.js'
import {inWindow, type TimeWindow} from '../input/time-window.js'
import {type RedactOptions, scrubText} from '../redact.js'
import {frameStart} from './chain.js'
import {classify} from './classify.js'
import type {EventSink} from './joiner.js'
import type {Rule} from './rules.js'
import {normalizeMessage, offendingClass, type SignatureKey, signatureOf} from './signature.js'
import type {Category, LifecycleEvent, LifecycleKind, LogEvent, SignatureSummary} from './types.js'

const HOUR = 3_600_000
const MINUTE = 60_000
const MAX_SIGNATURES = 5_000
const MAX_OTHER = 1_000
const MAX_LIFECYCLE = 2_000
const MAX_MINUTES = 20_160 // two weeks of minutes with Redis errors
const MAX_HOURS_PER_SIGNATURE = 24 * 31
const SAMPLE_CHARS = 1_200
/**
 * A Tomcat start logs "Server startup in" and the app "Started … in": one restart. Two different
 * messages of one kind this close are one start (or stop); the same message twice is two, however
 * close (a crash loop); deploys of several webapps this close are one deploy.
 */
const SAME_LIFECYCLE_MS = 2 * MINUTE

interface SignatureAccumulator {
  key: SignatureKey
  rule: Rule
  count: number
  firstMs: number | null
  lastMs: number | null
  files: Set<string>
  sample: string
  topFrames: string[]
  offendingClass?: string
  perHour: Map<number, number>
}

export interface OtherSignature {
  exception: string
  message: string
  count: number
  sample: string
}

/** Receives the joined events of every file and keeps bounded tallies (no event is stored). */
export class TomcatLogAggregator implements EventSink {
  readonly windowed: boolean
  problemEvents = 0
  unclassified = 0
  readonly byCategory: Record<Category, number> = {serialization: 0, redis: 0, session: 0, replication: 0, lifecycle: 0}
  readonly signatures = new Map<string, SignatureAccumulator>()
  /** Events beyond MAX_SIGNATURES distinct signatures (counted, not itemized). */
  overflowEvents = 0
  readonly other = new Map<string, OtherSignature>()
  readonly lifecycleEvents: LifecycleEvent[] = []
  /** Per file and kind: when the last one recorded began, and the messages seen for it since. */
  private readonly lastLifecycle = new Map<string, {timeMs: number; messages: Set<string>}>()
  readonly redisByMinute = new Map<number, number>()
  /** Every classified (session-related) error per minute, for the correlations. */
  readonly errorsByMinute = new Map<number, number>()
  readonly perHour = new Map<number, number>()
  firstMs: number | null = null
  lastMs: number | null = null

  constructor(
    private readonly window: TimeWindow,
    private readonly redact: RedactOptions,
  ) {
    this.windowed = window.since !== null || window.until !== null
  }

  /** Events with a time, and those of them outside --since / --until. */
  dated = 0
  outsideWindow = 0

  /** Events whose time was impossible (25:99:99) or far from the rest (1970, 9999): taken as unknown. */
  timesOutOfRange = 0
  private readonly times = new PlausibleTimes()

  plausible(timeMs: number): number | null {
    const t = this.times.check(timeMs)
    if (!Number.isNaN(t)) return t
    this.timesOutOfRange++
    return null
  }

  accept(timeMs: number | null, outOfRange = false): boolean {
    if (timeMs !== null || outOfRange) this.dated++
    const inside = !(outOfRange && this.windowed) && inWindow(this.window, timeMs)
    if (!inside) this.outsideWindow++
    return inside
  }

  lifecycle(kind: LifecycleKind, timeMs: number | null, detail: string, file: string): void {
    this.byCategory.lifecycle++
    if (timeMs === null) return
    const key = `${file}\u0000${kind}`
    const message = detail.replace(/\d+/g, '#').slice(0, 40)
    const last = this.lastLifecycle.get(key)
    if (last !== undefined && Math.abs(timeMs - last.timeMs) < SAME_LIFECYCLE_MS) {
      if (kind === 'deploy' || kind === 'undeploy' || !last.messages.has(message)) {
        last.messages.add(message)
        return
      }
    }
    this.lastLifecycle.set(key, {timeMs, messages: new Set([message])})
    if (this.lifecycleEvents.length >= MAX_LIFECYCLE) return
    this.lifecycleEvents.push({
      time: new Date(timeMs).toISOString(),
      kind,
      file,
      node: nodeOf(file),
      detail: detachString(scrubText(detail, this.redact)),
    })
  }

  problem(event: LogEvent): void {
    this.problemEvents++
    const classified = classify(event)
    if (!classified) {
      this.unclassified++
      this.tallyOther(event)
      return
    }
    const {rule} = classified
    this.byCategory[rule.category]++
    const t = event.timeMs
    if (t !== null) {
      if (this.firstMs === null || t < this.firstMs) this.firstMs = t
      if (this.lastMs === null || t > this.lastMs) this.lastMs = t
      const hour = Math.floor(t / HOUR)
      this.perHour.set(hour, (this.perHour.get(hour) ?? 0) + 1)
      const minute = Math.floor(t / MINUTE)
      bump(this.errorsByMinute, minute)
      if (rule.category === 'redis') bump(this.redisByMinute, minute)
    }
    const key = signatureOf(event, classified)
    let acc = this.signatures.get(key.id)
    if (!acc) {
      if (this.signatures.size >= MAX_SIGNATURES) {
        this.overflowEvents++
        return
      }
      acc = {
        key: {
          id: key.id,
          exception: detachString(key.exception),
          chain: key.chain.map(detachString),
          message: detachString(key.message),
          rootMessage: detachString(key.rootMessage),
        },
        rule,
        count: 0,
        firstMs: null,
        lastMs: null,
        files: new Set(),
        sample: this.sampleOf(event),
        topFrames: classified.chain.topFrames.map(detachString),
        perHour: new Map(),
      }
      const named = offendingClass(classified, event.message)
      if (named) acc.offendingClass = detachString(named)
      this.signatures.set(key.id, acc)
    }
    acc.count++
    acc.files.add(event.file)
    if (t !== null) {
      if (acc.firstMs === null || t < acc.firstMs) acc.firstMs = t
      if (acc.lastMs === null || t > acc.lastMs) acc.lastMs = t
      const hour = Math.floor(t / HOUR)
      if (acc.perHour.has(hour) || acc.perHour.size < MAX_HOURS_PER_SIGNATURE) acc.perHour.set(hour, (acc.perHour.get(hour) ?? 0) + 1)
    }
  }

  private tallyOther(event: LogEvent): void {
    const message = normalizeMessage(event.message)
    const exception = firstException(event)
    const key = `${exception}\u0000${message}`
    const known = this.other.get(key)
    if (known) known.count++
    else if (this.other.size < MAX_OTHER) {
      this.other.set(key, {exception: detachString(exception), message: detachString(message), count: 1, sample: this.sampleOf(event)})
    }
  }

  /** The header and the exception lines of one event (frames left out), redacted and cut. */
  private sampleOf(event: LogEvent): string {
    const lines = [event.message]
    for (const line of event.continuation) {
      if (frameStart(line) >= 0 || line.trim().length === 0) continue
      lines.push(line.trimEnd())
      if (lines.length >= 8) break
    }
    let text = lines.join('\n')
    if (text.length > SAMPLE_CHARS) text = `${text.slice(0, SAMPLE_CHARS)}…`
    return detachString(scrubText(text, this.redact))
  }

  signatureSummaries(): SignatureSummary[] {
    return [...this.signatures.values()]
      .sort((a, b) => b.count - a.count || (a.firstMs ?? 0) - (b.firstMs ?? 0) || (a.key.id < b.key.id ? -1 : 1))
      .map((acc) => {
        const summary: SignatureSummary = {
          id: acc.key.id,
          category: acc.rule.category,
          finding: acc.rule.finding,
          rule: acc.rule.id,
          count: acc.count,
          firstSeen: iso(acc.firstMs),
          lastSeen: iso(acc.lastMs),
          exception: acc.key.exception,
          chain: acc.key.chain,
          message: scrubText(acc.key.message, this.redact),
          rootCause: acc.key.exception
            ? `${acc.key.exception}${acc.key.rootMessage ? `: ${scrubText(acc.key.rootMessage, this.redact)}` : ''}`
            : '',
          sample: acc.sample,
          topFrames: acc.topFrames,
          files: [...acc.files],
          perHour: [...acc.perHour.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([hour, count]) => ({hour: new Date(hour * HOUR).toISOString(), count})),
        }
        if (acc.offendingClass) summary.offendingClass = acc.offendingClass
        if (acc.rule.reply) summary.redisReply = acc.rule.reply
        return summary
      })
  }
}

function firstException(event: LogEvent): string {
  for (const line of event.continuation) {
    const t = line.trimStart()
    if (frameStart(line) >= 0 || t.length === 0) continue
    const colon = t.indexOf(':')
    const name = colon > 0 ? t.slice(0, colon) : t
    if (/^[\w$]+(?:\.[\w$]+)+$/.test(name)) return name
  }
  return ''
}

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

/** Adds one to a per-minute count; a series is bounded (minutes beyond the cap are not added). */
function bump(series: Map<number, number>, minute: number): void {
  const count = series.get(minute)
  if (count !== undefined) series.set(minute, count + 1)
  else if (series.size < MAX_MINUTES) series.set(minute, 1)
}

/**
 * The node a log file belongs to, when its path names one (`logs/node2/catalina.out`,
 * `catalina-tomcat1.log`, `app-3.json`): a word and a number. Null otherwise.
 */
export function nodeOf(path: string): string | null {
  const match = /(?:^|[/\\._-])((?:node|tomcat|app|web|worker|srv|server|host|instance)[-_]?\d{1,3})(?=$|[/\\._-])/i.exec(path)
  return match?.[1] ?? null
}
