import type {LineParser} from '../access-log/parsed-line.js'
import {ParsedLine} from '../access-log/parsed-line.js'
import {extractSessionId, indexWithin, type SessionIdRules, type SessionRef} from '../access-log/session-id.js'

/** One session id (route suffix removed) seen in the log's recent end. */
interface SeenSession {
  /** Its latest and earliest request read (ms). */
  last: number
  first: number
  /** Is its home the node? The route suffix of its id, else the backend that served it last; null when neither is logged. */
  onNode: boolean | null
}

/** How one log's lines are read. */
export interface LineFormat {
  parser: LineParser
  rules: SessionIdRules
}

/** A login rotates the id on the same node: not a new session when the same client had one there this recently. */
const ROTATION_WINDOW_MS = 5 * 60_000

/**
 * The sessions of the log's recent end, by id, with their home and last request: what drain-status
 * judges. Lines come from the end backwards (any order), then forwards as the log grows (`observe`
 * counts ids first seen then on the node as new sessions).
 */
export class SessionCollector {
  readonly sessions = new Map<string, SeenSession>()
  /** When each client (address + user agent) last had a session on the node. */
  private readonly clients = new Map<string, number>()
  private readonly parsed = new ParsedLine()
  private readonly ref: SessionRef = {text: '', start: 0, end: 0, from: 'cookie'}
  lines = 0
  parsedLines = 0
  rejected = 0
  oldest = Number.NaN
  /** The newest request read (ms): a log whose newest line is days old is not the live one. */
  newest = Number.NaN
  lastToNode = Number.NaN
  newSessions = 0
  /** From this time on (ms), ids first seen on the node count as new sessions (a drain seen to begin). */
  countNewFrom = Number.NaN

  constructor(
    readonly route: string,
    private readonly separator: string,
  ) {}

  /**
   * The lines of `text[start, end)` (whole lines joined by `\n`); returns the newest request time
   * among them (NaN when none parsed). `forward`: the lines are new since the last read.
   */
  addLines(text: string, start: number, end: number, format: LineFormat, forward: boolean): number {
    let newest = Number.NaN
    for (let pos = start; pos < end; ) {
      let nl = text.indexOf('\n', pos)
      if (nl < 0 || nl > end) nl = end
      let lineEnd = nl
      if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--
      if (lineEnd > pos) {
        this.lines++
        const t = this.addLine(text, pos, lineEnd, format, forward)
        if (!(t <= newest)) newest = t
      }
      pos = nl + 1
    }
    return newest
  }

  private addLine(text: string, start: number, end: number, format: LineFormat, forward: boolean): number {
    const p = this.parsed
    p.reset()
    if (!format.parser.parse(text, start, end, p)) {
      this.rejected++
      return Number.NaN
    }
    this.parsedLines++
    const t = p.timeMs
    if (Number.isNaN(t)) return t
    if (!(t >= this.oldest)) this.oldest = t
    if (!(t <= this.newest)) this.newest = t
    const hasWorker = p.workerStart >= 0 && !isDash(text, p.workerStart, p.workerEnd) && format.parser.capabilities.worker !== 'upstream'
    const workerOnNode = hasWorker && this.isRoute(text, p.workerStart, p.workerEnd)
    const ref = extractSessionId(text, p, format.rules, this.ref)
    // Whether the request's session has its home on the node (null: no route logged), compared in place.
    let onNode: boolean | null = hasWorker ? workerOnNode : null
    let base: string | null = null
    if (ref !== null) {
      const sep = this.separator ? indexWithin(ref.text, this.separator, ref.start, ref.end) : -1
      base = ref.text.slice(ref.start, sep >= 0 ? sep : ref.end)
      const suffixStart = sep + this.separator.length
      if (sep >= 0 && suffixStart < ref.end) {
        const suffixOnNode = this.isRoute(ref.text, suffixStart, ref.end)
        if (!hasWorker && suffixOnNode && !(t <= this.lastToNode)) this.lastToNode = t
        onNode = suffixOnNode
      }
    }
    if (workerOnNode && !(t <= this.lastToNode)) this.lastToNode = t
    if (base === null) return t
    const seen = this.sessions.get(base)
    if (seen === undefined) {
      if (forward && onNode === true && t >= this.countNewFrom && !this.rotationOnNode(text, p, t)) this.newSessions++
      this.sessions.set(base, {last: t, first: t, onNode})
    } else {
      if (t >= seen.last) {
        seen.last = t
        if (onNode !== null) seen.onNode = onNode
      }
      if (t < seen.first) seen.first = t
    }
    // Only the node's clients matter (a login that rotates an id there is not a new session).
    if (onNode === true && p.clientStart >= 0) {
      const client = clientKey(text, p)
      const known = this.clients.get(client)
      if (known === undefined || t >= known) this.clients.set(client, t)
    }
    return t
  }

  private rotationOnNode(text: string, p: ParsedLine, t: number): boolean {
    if (p.clientStart < 0) return false
    const known = this.clients.get(clientKey(text, p))
    return known !== undefined && t - known <= ROTATION_WINDOW_MS
  }

  private isRoute(text: string, start: number, end: number): boolean {
    return end - start === this.route.length && text.startsWith(this.route, start)
  }

  /** Sessions whose home is the node with a request at or after `since`; and the newest such request. */
  bound(since: number): {count: number; lastRequest: number; active: number} {
    let count = 0
    let active = 0
    let lastRequest = Number.NaN
    for (const s of this.sessions.values()) {
      if (s.last < since) continue
      active++
      if (s.onNode !== true) continue
      count++
      if (!(s.last <= lastRequest)) lastRequest = s.last
    }
    return {count, lastRequest, active}
  }

  /** Forgets sessions and clients idle since before `before` (a long --wait must not grow). */
  forget(before: number): void {
    for (const [id, s] of this.sessions) if (s.last < before) this.sessions.delete(id)
    for (const [key, t] of this.clients) if (t < before) this.clients.delete(key)
  }
}

function clientKey(text: string, p: ParsedLine): string {
  const agent = p.userAgentStart >= 0 ? text.slice(p.userAgentStart, p.userAgentEnd) : ''
  return `${text.slice(p.clientStart, p.clientEnd)} ${agent}`
}

function isDash(text: string, start: number, end: number): boolean {
  return end <= start || (end - start === 1 && text.charCodeAt(start) === 45)
}
