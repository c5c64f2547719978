import type {TimeWindow} from '../input/time-window.js'
import type {RedactOptions} from '../redact.js'
import type {LineParser, ParsedLine} from './parsed-line.js'
import {NO_ROUTE} from './routes.js'
import type {SessionIdRules} from './session-id.js'

/** One session id the analyzer follows, by hashes of its id (no id string is kept). */
export class Session {
  flips = 0
  client: Client | null = null
  /** 30 bits of one hash of the id (SessionTable). */
  key = 0
  /** 32 bits of a second hash of the id, to tell apart ids of the same `key`. */
  check = 0
  /** 51 bits of the id's hashes: joins a session across the parts of a file. */
  joinKey = 0
  constructor(
    /** The backend that served it last (the balancer's worker when logged, else its id suffix). */
    public route: number,
    /** The route suffix of its id, to tell a kept failover (suffix rewritten) from a misroute. */
    public suffix: number,
    public lastSeen: number,
  ) {}
}

export class Client {
  session: Session | null = null
  /** Times of the last new session ids handed to this client. */
  changes: number[] = []
  churned = false
  /** A worker's part of a file: the first steps of a client first seen near the part's start (see ClientWatch). */
  watch: ClientWatch | null = null
}

/** What the analyzer found at a new session of a client (bits of ClientWatch's steps). */
export const Step = {
  /** The id it replaced was noted as replaced after its last request (replacedAfter). */
  loss: 1,
  /** A new id within the session timeout of the last request of the one before. */
  change: 2,
  /** Two changes within the churn window. */
  churn: 4,
  /** The format logs no response cookie: a replaced id is seen only when the client comes back with another. */
  lossByClient: 8,
} as const

/**
 * A client first seen near the start of a worker's part may be one the part before was following:
 * its new sessions until `until` (the end of the part's head plus the churn window: later ones see
 * nothing of the part before) are kept, with the session each replaced as this part saw it, so the
 * join can replay them from where the part before left the client (ClientJoin).
 */
export class ClientWatch {
  /** Per new session (9 numbers): time, its key, route and suffix; the key, last seen, route and suffix of the one before (-1, NaN, NO_ROUTE when none); Step bits. */
  readonly steps: number[] = []
  /** The part counted this client as churning (churnClients). */
  churned = false
  /** A churn event after `until` (not in steps). */
  churnedAfter = false
  /** A new session came after `until`: steps holds only the first ones. */
  stopped = false
  constructor(
    readonly key: number,
    readonly index: number,
    private readonly until: number,
  ) {}

  note(t: number, session: Session, previous: Session | null, step: number, newlyChurned: boolean): void {
    if (newlyChurned) this.churned = true
    if (this.stopped || t > this.until) {
      this.stopped = true
      if (step & Step.churn) this.churnedAfter = true
      return
    }
    const p = previous
    this.steps.push(
      t,
      session.joinKey,
      session.route,
      session.suffix,
      p ? p.joinKey : -1,
      p ? p.lastSeen : Number.NaN,
      p ? p.route : NO_ROUTE,
      p ? p.suffix : NO_ROUTE,
      step,
    )
  }
}

/** What the lines of one stream are parsed with (addBlock). */
export interface BlockStream {
  parser: LineParser
  rules: SessionIdRules
  parsed: ParsedLine
  file: string
  /** Longer lines are cut to this many characters and counted in linesCut. */
  maxLineLength: number
  linesCut: number
}

export interface AnalyzerOptions {
  /** A worker's part of a file: remember the sessions first seen near its start (they may continue the part before). */
  trackHead?: boolean
  window: TimeWindow
  routeSeparator: string
  sessionTimeoutMs: number
  redact: RedactOptions
  cookieName: string
  /** Routes always named (never aggregated past the cap): the known workers. */
  knownRoutes?: readonly string[]
}

/** 53 bits of two 32-bit FNV-style hashes over a range (no string is kept). */
function hashRange(text: string, start: number, end: number, seed: number): number {
  let h1 = 0x811c9dc5 ^ seed
  let h2 = 0x9e3779b9 ^ seed
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995)
    h2 ^= h2 >>> 15
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) >>> 11)
}

/** The client of a parsed line (its address, and its user agent when logged) as a number: the same in every worker. */
export function clientKey(line: string, p: ParsedLine): number {
  const key = hashRange(line, p.clientStart, p.clientEnd, 7)
  return p.userAgentStart >= 0 ? key * 31 + hashRange(line, p.userAgentStart, p.userAgentEnd, 13) : key
}
