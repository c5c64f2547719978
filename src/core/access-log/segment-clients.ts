import {type AccessLogAnalyzer, CHURN_WINDOW_MS, LOST_SESSION_GAP_MS} from './analyzer.js'
import {pairKey} from './homes.js'
import {KeyTable} from './key-table.js'
import {NO_ROUTE} from './routes.js'
import {Step} from './session-state.js'

/** The part counted the client as churning. */
const HEAD_CHURNED = 1
/** A churn event after the steps kept. */
const HEAD_CHURNED_AFTER = 2
/** The steps are only the first ones (the client got new sessions after them). */
const HEAD_STOPPED = 4
/** Numbers per client in ClientsAtCut.head: key, HEAD_* bits, how many steps (in `steps`). */
const HEAD_FIELDS = 3
/** Numbers per step (ClientWatch.note). */
const STEP_FIELDS = 9
/** Numbers per client in ClientsAtCut.tail: key, ClientWatch index or -1, its session's key, last seen, route, suffix, churned 0|1, how many changes (in `changes`). */
const TAIL_FIELDS = 8

/** The clients of a part that its cuts need, as flat numbers (a worker's result is copied to the main thread). */
export interface ClientsAtCut {
  /** Clients first seen near the part's start (ClientWatch), HEAD_FIELDS each. */
  head: Float64Array
  steps: Float64Array
  /** Clients the part still held at its end (none for the last part), TAIL_FIELDS each. */
  tail: Float64Array
  /** Their change times within the churn window of the part's end. */
  changes: Float64Array
  /** The part's last request time. */
  end: number
}

/** A part's clients for its cuts: `withTail` false for the last part of a file. */
export function exportClients(a: AccessLogAnalyzer, withTail: boolean): ClientsAtCut {
  const watched = a.watched
  const head = new Float64Array(watched.length * HEAD_FIELDS)
  const steps = new Float64Array(watched.reduce((n, w) => n + w.steps.length, 0))
  let at = 0
  watched.forEach((w, i) => {
    head[i * HEAD_FIELDS] = w.key
    head[i * HEAD_FIELDS + 1] = (w.churned ? HEAD_CHURNED : 0) | (w.churnedAfter ? HEAD_CHURNED_AFTER : 0) | (w.stopped ? HEAD_STOPPED : 0)
    head[i * HEAD_FIELDS + 2] = w.steps.length / STEP_FIELDS
    steps.set(w.steps, at)
    at += w.steps.length
  })
  const end = a.counts.lastSeen
  const tail: number[] = []
  const changes: number[] = []
  // All the clients the last sweep kept: one pass holds them too.
  for (const [key, client] of withTail ? a.clients : []) {
    const s = client.session
    if (s === null) continue
    const recent = client.changes.filter((t) => !(t < end - CHURN_WINDOW_MS))
    tail.push(key, client.watch ? client.watch.index : -1, s.joinKey, s.lastSeen, s.route, s.suffix, client.churned ? 1 : 0, recent.length)
    changes.push(...recent)
  }
  return {head, steps, tail: Float64Array.from(tail), changes: Float64Array.from(changes), end}
}

/** A session as the join knows it, with our route indexes. */
interface Known {
  key: number
  lastSeen: number
  route: number
  suffix: number
}

/** A client as one pass over the parts joined so far leaves it. */
interface Followed {
  session: Known | null
  changes: readonly number[]
  churned: boolean
}

/** What the join of a part's clients needs of the cut before it. */
interface Cut {
  /** Whether a session of the part continues one of the parts before. */
  continued: (key: number) => boolean
  /** The part's route index → ours. */
  route: (i: number) => number
  /** Ours before this part. */
  backends: ReadonlySet<number>
}

/**
 * When one pass over the parts would have forgotten a session or a client: its sweeps run at the
 * first request at or after each multiple of the analyzer's sweepEveryMs, so a part sweeps at the
 * same requests as one pass, but for its first request (where one pass sweeps only when a sweep
 * time came since its last sweep).
 */
export class PassSweeps {
  private last = Number.NaN
  /** One pass's last sweep before the part. */
  private before = Number.NaN
  private sweeps: readonly number[] = []
  private sweptAtStart = false

  constructor(private readonly a: AccessLogAnalyzer) {}

  /** Starts a part: its sweeps until its head's end, and its last one. */
  startPart(part: {sweeps: number[]}): void {
    const first = part.sweeps[0]
    const every = this.a.sweepEveryMs
    this.sweeps = part.sweeps
    this.before = this.last
    this.sweptAtStart = first !== undefined && !Number.isNaN(this.last) && first >= (Math.floor(this.last / every) + 1) * every
  }

  /** After the part: one pass's last sweep is the part's, unless that was its first request and one pass did not sweep there. */
  endPart(part: {sweeps: number[]; lastSweep: number}): void {
    if (!Number.isNaN(part.lastSweep) && (part.lastSweep !== part.sweeps[0] || this.sweptAtStart)) this.last = part.lastSweep
  }

  /** Whether one pass had forgotten, by time `t` of the part (in its head), what it last saw at `lastSeen`. */
  forgot(lastSeen: number, t: number): boolean {
    let sweep = this.before
    for (let i = this.sweptAtStart ? 0 : 1; i < this.sweeps.length && this.sweeps[i]! <= t; i++) sweep = this.sweeps[i]!
    return lastSeen < sweep - this.a.evictAfterMs
  }

  /** Whether one pass still holds, after the part (endPart), what it last saw at `lastSeen`. */
  holds(lastSeen: number): boolean {
    return !(lastSeen < this.last - this.a.evictAfterMs)
  }
}

const NO_CHANGES: readonly number[] = []

/** The clients one pass follows at the end of the parts joined so far, as columns (our route indexes). */
class FollowedClients {
  readonly keys: Float64Array
  readonly sessionKey: Float64Array
  readonly lastSeen: Float64Array
  readonly route: Float64Array
  readonly suffix: Float64Array
  readonly churned: Uint8Array
  /** Seen at the start of the part being joined. */
  readonly seen: Uint8Array
  readonly changes: Array<readonly number[]> = []
  private readonly table: KeyTable
  size = 0

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity)
    this.sessionKey = new Float64Array(capacity)
    this.lastSeen = new Float64Array(capacity)
    this.route = new Float64Array(capacity)
    this.suffix = new Float64Array(capacity)
    this.churned = new Uint8Array(capacity)
    this.seen = new Uint8Array(capacity)
    this.table = new KeyTable(capacity)
  }

  find(key: number): number {
    return this.table.get(key)
  }

  add(
    key: number,
    sessionKey: number,
    lastSeen: number,
    route: number,
    suffix: number,
    changes: readonly number[],
    churned: boolean,
  ): void {
    const row = this.size++
    this.keys[row] = key
    this.sessionKey[row] = sessionKey
    this.lastSeen[row] = lastSeen
    this.route[row] = route
    this.suffix[row] = suffix
    this.churned[row] = churned ? 1 : 0
    this.changes[row] = changes
    this.table.set(key, row)
  }

  /** Another table's row, as it is. */
  copy(from: FollowedClients, row: number): void {
    const f = from
    this.add(f.keys[row]!, f.sessionKey[row]!, f.lastSeen[row]!, f.route[row]!, f.suffix[row]!, f.changes[row]!, f.churned[row] === 1)
  }

  followed(row: number): Followed {
    const session = {key: this.sessionKey[row]!, lastSeen: this.lastSeen[row]!, route: this.route[row]!, suffix: this.suffix[row]!}
    return {session, changes: this.changes[row]!, churned: this.churned[row] === 1}
  }
}

/**
 * Follows clients across the cuts between the parts of a file: a part starts with no client, so a
 * client's new id just after a cut does not see the session it replaced (a change, a lost session),
 * its changes before the cut are not in its churn window, and a client churning on both sides is
 * counted twice. The first steps a part kept of the clients it saw near its start (ClientWatch) are
 * replayed from where the parts before left them, and what differs from the part's counts is added
 * (churnEvents, churnClients, replacedAfter and the timeline's churn and losses). Clients are carried
 * from cut to cut while one pass would hold them (a short part may not see them at all). Memory: the
 * clients held at a cut, and the steps of those first seen in the eviction time after it.
 *
 * Exact while a client (address and user agent) has one session at a time, used only from its address
 * (a session that goes on from another address across the cut is judged by its last request before
 * the cut: the client may be taken as forgotten). Approximate too for a client
 * that several users share (NAT, a proxy) with sessions continued across the cut: where a new id
 * comes after requests of another continued one, the part saw the id it replaces only as of its
 * last step, so a loss just after the cut may be missed or added (churn, with its 30-minute gap,
 * rarely differs); keeping every session of such a client at every step would cost their number
 * times the steps. A loss is also noted only when its backend was named as one before the cut or by
 * the part itself before the step.
 */
export class ClientJoin {
  private followed = new FollowedClients(0)

  constructor(private readonly into: AccessLogAnalyzer) {}

  /**
   * After the part's counts are added. `continued`: whether a session of the part continues one of the
   * parts before; `route`: the part's route index → ours; `backends`: ours before this part; `last`: no cut follows.
   */
  join(part: ClientsAtCut, cut: Cut & {sweeps: PassSweeps; last: boolean}): void {
    const {head, steps} = part
    const followed = this.followed
    const replayed = new Map<number, Followed>()
    for (let i = 0, at = 0; i < head.length; i += HEAD_FIELDS) {
      const kept = steps.subarray(at, (at += head[i + 2]! * STEP_FIELDS))
      const row = followed.find(head[i]!)
      if (row >= 0) followed.seen[row] = 1
      const alive = row >= 0 && !cut.sweeps.forgot(followed.lastSeen[row]!, kept[0]!)
      if (!alive && !continuesAny(kept, cut.continued)) continue
      replayed.set(i / HEAD_FIELDS, this.replay(head[i + 1]!, kept, alive ? followed.followed(row) : undefined, cut))
    }
    if (!cut.last) this.followed = this.followAfter(part, replayed, cut)
  }

  /** What one pass follows after the part: the clients followed before that the part did not see (while not forgotten), and the part's. */
  private followAfter(part: ClientsAtCut, replayed: ReadonlyMap<number, Followed>, cut: Cut & {sweeps: PassSweeps}): FollowedClients {
    const {head, tail, changes, end} = part
    const before = this.followed
    const route = cut.route
    const kept: number[] = []
    for (let row = 0; row < before.size; row++) if (before.seen[row] === 0 && cut.sweeps.holds(before.lastSeen[row]!)) kept.push(row)
    const next = new FollowedClients(kept.length + tail.length / TAIL_FIELDS)
    for (let i = 0, at = 0; i < tail.length; i += TAIL_FIELDS) {
      const index = tail[i + 1]!
      const count = tail[i + 7]!
      const recent = count === 0 ? NO_CHANGES : Array.from(changes.subarray(at, at + count))
      at += count
      const replay = index >= 0 ? replayed.get(index) : undefined
      let sessionKey = tail[i + 2]!
      let lastSeen = tail[i + 3]!
      let sessionRoute = route(tail[i + 4]!)
      let suffix = route(tail[i + 5]!)
      if (replay === undefined) {
        next.add(tail[i]!, sessionKey, lastSeen, sessionRoute, suffix, recent, tail[i + 6] === 1)
        continue
      }
      // Steps kept to the part's end: the replay is this client as one pass leaves it.
      const complete = (head[index * HEAD_FIELDS + 1]! & HEAD_STOPPED) === 0
      const r = replay.session
      if (r?.key === sessionKey) {
        if (sessionRoute === NO_ROUTE) sessionRoute = r.route
        if (suffix === NO_ROUTE) suffix = r.suffix
      } else if (complete && r) {
        sessionKey = r.key
        lastSeen = r.lastSeen
        sessionRoute = r.route
        suffix = r.suffix
      }
      const window = complete ? replay.changes.filter((t) => !(t < end - CHURN_WINDOW_MS)) : recent
      next.add(tail[i]!, sessionKey, lastSeen, sessionRoute, suffix, window, replay.churned)
    }
    for (const row of kept) if (next.find(before.keys[row]!) < 0) next.copy(before, row)
    return next
  }

  /** One client's kept steps replayed from `before` (one pass's state at the cut); adds what differs from the part's counts. */
  private replay(flags: number, steps: Float64Array, before: Followed | undefined, {continued, route, backends}: Cut): Followed {
    const into = this.into
    const timeout = into.options.sessionTimeoutMs
    let current: Known | null = before?.session ? {...before.session} : null
    const changes = before ? [...before.changes] : []
    let churned = false
    for (let i = 0; i < steps.length; i += STEP_FIELDS) {
      const t = steps[i]!
      const key = steps[i + 1]!
      const previousKey = steps[i + 4]!
      const previousSeen = steps[i + 5]!
      const previousRoute = steps[i + 6]!
      const previousSuffix = steps[i + 7]!
      const step = steps[i + 8]!
      // The session before as this part saw it at this step (requests after the cut moved it on).
      if (current !== null && previousKey === current.key) {
        current = {
          key: current.key,
          lastSeen: previousSeen < current.lastSeen || Number.isNaN(previousSeen) ? current.lastSeen : previousSeen,
          route: previousRoute === NO_ROUTE ? current.route : route(previousRoute),
          suffix: previousSuffix === NO_ROUTE ? current.suffix : route(previousSuffix),
        }
      }
      let lossPair = -1
      let churn = 0
      // A session continued from the part before is no new session for one pass.
      if (!continued(key)) {
        if (current !== null && current.key !== key && !Number.isNaN(t)) {
          const gap = t - current.lastSeen
          if (gap <= LOST_SESSION_GAP_MS && step & Step.lossByClient) {
            const seenByPart = previousKey === current.key && previousRoute !== NO_ROUTE && previousSuffix !== NO_ROUTE
            const noted = seenByPart ? (step & Step.loss) !== 0 : current.suffix !== NO_ROUTE && backends.has(current.route)
            if (noted) lossPair = pairKey(into.routes.countIndex(current.suffix), current.route)
          }
          if (gap <= timeout) {
            changes.push(t)
            while (changes.length > 0 && changes[0]! < t - CHURN_WINDOW_MS) changes.shift()
            if (changes.length >= 2) churn = 1
          }
        }
        current = {key, lastSeen: t, route: route(steps[i + 2]!), suffix: route(steps[i + 3]!)}
      }
      const partChurn = step & Step.churn ? 1 : 0
      if (churn !== partChurn) into.churnAcrossCut(t, churn - partChurn, 0)
      if (churn) churned = true
      const partPair = step & Step.loss ? pairKey(into.routes.countIndex(route(previousSuffix)), route(previousRoute)) : -1
      if (partPair !== lossPair) {
        if (partPair >= 0) into.replacedAcrossCut(t, partPair, -1)
        if (lossPair >= 0) into.replacedAcrossCut(t, lossPair, 1)
      }
    }
    // One pass counts a client once while it follows it: across the cut, it is the client the part before followed.
    const everChurned = (before?.churned ?? false) || churned || (flags & HEAD_CHURNED_AFTER) !== 0
    const counted = Number(before?.churned ?? false) + Number((flags & HEAD_CHURNED) !== 0)
    if (Number(everChurned) !== counted) into.churnAcrossCut(Number.NaN, 0, Number(everChurned) - counted)
    return {session: current, changes, churned: everChurned}
  }
}

function continuesAny(steps: Float64Array, continued: (key: number) => boolean): boolean {
  for (let i = 0; i < steps.length; i += STEP_FIELDS) if (continued(steps[i + 1]!)) return true
  return false
}
