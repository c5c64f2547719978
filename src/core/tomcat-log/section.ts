import type {CarrierName} from '../input/line-carriers.js'
import type {SectionStatus} from '../report/types.js'
import type {OtherSignature} from './aggregate.js'
import type {Category, FormatName, LifecycleEvent, SignatureSummary} from './types.js'

export interface TomcatLogFile {
  path: string
  lines: number
  events: number
  /** The format most headers had, or null when no line looked like a log header. */
  format: FormatName | null
  formats: Partial<Record<FormatName, number>>
  gzip: boolean
  /** What carried most lines (journald, a container runtime, a wrapper…), when something did. */
  carrier?: CarrierName
}

/** `sources.tomcatLog`: the CONTRACT.md figures first, then ours. */
export interface TomcatLogSection extends SectionStatus {
  files: number
  lines: number
  events: number
  signatures: SignatureSummary[]
  byCategory: Record<Category, number>
  restarts: string[]
  lifecycle: LifecycleEvent[]
  redisErrorsByMinute: Array<{minute: string; count: number}>
  /** All session-related errors per minute (bounded like redisErrorsByMinute). */
  errorsByMinute: Array<{minute: string; count: number}>
  perHour: Array<{hour: string; count: number}>
  /** WARN/ERROR events and events with a stack trace. */
  problemEvents: number
  /** Problem events that no rule matched (not session-related as far as we can tell). */
  unclassified: number
  otherSignatures: OtherSignature[]
  signaturesTotal: number
  firstSeen: string | null
  lastSeen: string | null
  timezone: string
  fileDetails: TomcatLogFile[]
  truncatedLines: number
  /** Events whose time was impossible or far from the rest (1970, 9999), when any: counted, kept out of the timeline and window. */
  timesOutOfRange?: number
}
