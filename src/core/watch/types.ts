import type {BalancerMember} from '../drain/types.js'
import type {SectionStatus} from '../report/types.js'

/** Why a watch ended (`sources.watch.stoppedBy`, CONTRACT.md; `max-misrouted` added with its flag). */
export type StoppedBy = 'duration' | 'signal' | 'max-lost' | 'max-misrouted' | 'end-of-input'

/** The contract figures of some requests: requests, route flips, misrouted requests, sessions lost. */
export interface WatchFigures {
  requests: number
  /** Route flips (contract `routeFlips`); by route: flips away from that route. */
  flips: number
  /** Misrouted requests (contract `misroutedRequests`); by route: requests of that route's sessions served elsewhere. */
  misrouted: number
  /** Sessions lost (contract `sessionsLost`); by route: the sessions whose home was that route. */
  lost: number
}

/** One `--interval` of the watch: the lines read in it (wall clock), not the times they carry. */
export interface WatchInterval extends WatchFigures {
  /** When the interval began and ended (ISO, wall clock). */
  start: string
  end: string
  /** Access-log lines read in the interval (parsed or not). */
  lines: number
  /** Only routes with a non-zero figure. By route: requests served by it, flips away from it, its sessions misrouted and lost. */
  byRoute: Record<string, WatchFigures>
}

export type WatchEventKind = 'startup' | 'shutdown' | 'deploy' | 'undeploy' | 'member-state' | 'balancer-log' | 'rotated' | 'truncated'

/** Something that happened while watching: a node's stop/start in its app log, a balancer member's new state, a log rotated. */
export interface WatchEvent {
  /** When sessdoc saw it (ISO, wall clock). */
  seenAt: string
  /** The time the line carries (ISO), when it carries one. */
  time: string | null
  kind: WatchEventKind
  /** The node (route) it is about, when known. */
  node: string | null
  detail: string
}

/** One followed file. */
export interface WatchedFile {
  path: string
  role: 'access-log' | 'tomcat-log'
  bytesRead: number
  lines: number
  rotations: number
  truncations: number
  /** The most bytes found written and not yet read at one poll: how far behind the watch fell. */
  maxBacklogBytes: number
}

/** `sources.watch`: what `sessdoc watch` saw, interval by interval, and why it ended. */
export interface WatchSection extends SectionStatus {
  stoppedBy: StoppedBy
  startedAt: string
  endedAt: string
  intervalSeconds: number
  /** Every interval, oldest first (the last one may be shorter: the watch ended in it). At most 10,000: the oldest are dropped. */
  intervals: WatchInterval[]
  /** Intervals dropped from the front of `intervals` (a watch of more than 10,000 intervals). */
  intervalsDropped: number
  /** The sums over the whole watch. */
  totals: WatchFigures
  /** The thresholds given (null: none). */
  maxLost: number | null
  maxMisrouted: number | null
  /** Node stops and starts, balancer member state changes, rotations, in the order seen (at most 1,000). */
  events: WatchEvent[]
  /** The balancers' members at the last read (empty without --balancer). */
  members: BalancerMember[]
  files: WatchedFile[]
  /** True when the logs were read from their start (`--from-start`), not from their end. */
  fromStart: boolean
}
