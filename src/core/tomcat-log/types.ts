import type {FindingId} from '../report/catalog.js'

export type Category = 'serialization' | 'redis' | 'session' | 'replication' | 'lifecycle'
export const categories: readonly Category[] = ['serialization', 'redis', 'session', 'replication', 'lifecycle']

/** Log levels folded to what matters here; localized names map onto these. */
export type Level = 'error' | 'warn' | 'info' | 'debug' | 'unknown'

export type FormatName = 'juli-oneline' | 'juli-simple' | 'spring-boot' | 'logback' | 'time-only' | 'json' | 'level-first'

/** One log event: a header line and the lines joined to it (stack trace, wrapped message). */
export interface LogEvent {
  file: string
  /** Line number of the header in its file (1-based). */
  line: number
  format: FormatName | null
  level: Level
  /** UTC ms, or null when the line carries no date. */
  timeMs: number | null
  logger: string
  message: string
  /** Continuation lines as read (kept only for events worth classifying, capped). */
  continuation: string[]
  /** Continuation lines beyond the cap. */
  droppedLines: number
}

export interface ChainLink {
  /** Fully qualified class name as logged. */
  className: string
  message: string
  suppressed: boolean
}

export interface ExceptionChain {
  links: ChainLink[]
  /** The innermost non-suppressed cause (the last `Caused by:`), or the only exception. */
  root: ChainLink | null
  /** The first frames under the top exception, without `at `. */
  topFrames: string[]
}

export type LifecycleKind = 'startup' | 'shutdown' | 'deploy' | 'undeploy'

export interface LifecycleEvent {
  time: string
  kind: LifecycleKind
  file: string
  /** The node the file belongs to, when its path names one (node2/catalina.out), else null. */
  node: string | null
  detail: string
}

export interface SignatureSummary {
  id: string
  category: Exclude<Category, 'lifecycle'>
  finding: FindingId
  rule: string
  count: number
  firstSeen: string | null
  lastSeen: string | null
  /** Root-cause exception class (fully qualified), or empty when the event carried none. */
  exception: string
  /** The exception classes from outermost to root, suppressed ones left out. */
  chain: string[]
  /** What identifies the problem: the message the rule matched, numbers, ids and hosts folded. */
  message: string
  /** Root cause class and its own folded message when it differs from `message`. */
  rootCause: string
  /** One event as logged (redacted, cut): header and exception lines. */
  sample: string
  topFrames: string[]
  /** The class named by NotSerializableException / InvalidClassException / ClassNotFoundException. */
  offendingClass?: string
  /** OOM, READONLY, NOAUTH… for Redis server replies. */
  redisReply?: string
  files: string[]
  perHour: Array<{hour: string; count: number}>
}
