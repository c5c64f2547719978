import type {TimeWindow} from '../input/time-window.js'
import type {RedactOptions} from '../redact.js'
import type {LineParser, ParsedLine} from './parsed-line.js'
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
