import type {SectionStatus} from '../report/types.js'

/** What a balancer says about one member, as it says it, with sessdoc's reading of it. */
export interface BalancerMember {
  /** The member's route (BalancerMember route=, HAProxy server name). */
  route: string
  /** The status as the balancer shows it (`Init Drn Ok`, `DRAIN`, `UP`). */
  status: string
  /** Where it was read: the balancer URL or socket, and the balancer / backend name. */
  source: string
  /** sessdoc's reading: does the member still take new sessions? */
  state: MemberState
}

/**
 * `active`: takes new sessions; `draining`: only its sticky sessions (Apache N, HAProxy DRAIN);
 * `disabled`: nothing new (Apache D/S, HAProxy MAINT); `down`: failing its checks (Err, DOWN).
 */
export type MemberState = 'active' | 'draining' | 'disabled' | 'down'

export type DrainVerdict = 'safe' | 'wait' | 'not-draining' | 'unknown'

/** `sources.drain` (CONTRACT.md): is the node safe to stop now? */
export interface DrainSection extends SectionStatus {
  route: string
  verdict: DrainVerdict
  /** Every member of every balancer read, as the balancer reports it. */
  members: BalancerMember[]
  /** Sessions whose home is the node, active within the timeout; null when no access log was read. */
  boundSessions: number | null
  /** The last request of a session bound to the node (ISO), or null. */
  lastRequest: string | null
  /** Sessions new on the node since the drain was first seen (`--wait`), null when the drain's start is not known. */
  newSessionsSinceDrain: number | null
  /** When this run first saw the member drain (ISO), or null. */
  drainSeenAt: string | null
  timeoutSeconds: number
  /** Where the timeout came from. */
  timeoutSource: 'flag' | 'config' | 'default'
  /** When the last bound session expires if it makes no more requests (ISO), or null when none is bound. */
  safeAt: string | null
  /** When this check was made (ISO): the time the timeout is counted back from. */
  checkedAt: string
  /** The access log read from its end: lines read, and how far back they reached. */
  log: DrainLogFigures | null
  /** Tomcat manager's second opinion, when --tomcat-manager was given. */
  tomcatManager: TomcatManagerFigures | null
  /** Checks made (1, or more with --wait). */
  checks: number
}

export interface DrainLogFigures {
  files: number
  /** Bytes read from the ends of the files (all checks). */
  bytesRead: number
  lines: number
  parsed: number
  rejected: number
  detectedFormat: string | null
  /** The oldest request read (ISO): with the timeout window start, it shows the read reached far enough. */
  readBackTo: string | null
  /** The newest request read (ISO): days old, the file is not the live log. */
  newestLine: string | null
  /** True when a file began after the window's start: sessions active before it are not seen. */
  startsInsideWindow: boolean
  /** Sessions with a request within the timeout on any node. */
  activeSessions: number
  /** The last request served by the node (its worker field, else its route suffix), ISO or null. */
  lastRequestToNode: string | null
}

export interface TomcatManagerFigures {
  url: string
  /** Active sessions per context, from the manager's `list`. */
  contexts: Record<string, number>
  activeSessions: number
  error?: string
}
