import type {CarrierName} from '../input/line-carriers.js'
import type {FormatName, Level, LifecycleKind} from './types.js'

/** One event while its lines are being joined; the joiner reuses these slots instead of allocating. */
export class Pending {
  lineNo = 0
  format: FormatName | null = null
  level: Level = 'unknown'
  /** Set for JSON events, whose time is not in a text header. */
  utcMs = Number.NaN
  /** The time the carrier gave (journald, CRI…), used when the line itself has no date. */
  carrierMs = Number.NaN
  /** A stack frame was joined: an exception line after it starts a new trace. */
  framed = false
  /** The indentation of its frames (`\t`, 4 spaces…): a trace cut by other lines goes on with the same. */
  frameIndent = ''
  /** The carrier its first line came in (null: none, or a paste mark): a new exception in another carrier is another event. */
  carrier: CarrierName | null = null
  header = ''
  logger = ''
  /** Message set from elsewhere than the header (SimpleFormatter level line, JSON). */
  message: string | null = null
  cont: string[] = []
  contCount = 0
  dropped = 0
  keep = false
  awaitingLevel = false
  inTrace = false
  lifecycle: LifecycleKind | null = null
  interruptions = 0

  /** Copies this event into `into` (reset first), for the quiet event that must outlive its slot. */
  copy(into: Pending): Pending {
    into.reset()
    into.lineNo = this.lineNo
    into.format = this.format
    into.level = this.level
    into.utcMs = this.utcMs
    into.carrierMs = this.carrierMs
    into.framed = this.framed
    into.frameIndent = this.frameIndent
    into.carrier = this.carrier
    into.header = this.header
    into.logger = this.logger
    into.message = this.message
    into.cont.push(...this.cont)
    into.contCount = this.contCount
    into.dropped = this.dropped
    into.keep = this.keep
    into.awaitingLevel = this.awaitingLevel
    into.inTrace = this.inTrace
    into.lifecycle = this.lifecycle
    into.interruptions = this.interruptions
    return into
  }

  reset(): void {
    this.format = null
    this.level = 'unknown'
    this.utcMs = Number.NaN
    this.carrierMs = Number.NaN
    this.framed = false
    this.frameIndent = ''
    this.carrier = null
    this.header = ''
    this.logger = ''
    this.message = null
    if (this.cont.length > 0) this.cont.length = 0
    this.contCount = 0
    this.dropped = 0
    this.keep = false
    this.awaitingLevel = false
    this.inTrace = false
    this.lifecycle = null
    this.interruptions = 0
  }
}
