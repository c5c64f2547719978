/** The additive counts of an analysis: summed over the parts of a file analyzed on several threads. */
export const ADDITIVE_COUNTS = [
  'lines',
  'parsed',
  'rejected',
  'outsideWindow',
  'timesOutOfRange',
  'requests',
  'requestsWithSession',
  'sessions',
  'requestsWithoutRoute',
  'sessionsWithoutRoute',
  'routeFlips',
  'sessionsWithFlips',
  'failoversKept',
  'retries',
  'churnEvents',
  'churnClients',
  'sessionIdInUrl',
  'sessionIdsFromCookie',
  'sessionIdsFromHeader',
  'sessionIdsFromUrl',
] as const

export type CountName = (typeof ADDITIVE_COUNTS)[number]

/** Plain data (a worker's result is a structured clone). */
export type CounterValues = Record<CountName, number> & {firstSeen: number; lastSeen: number; peakActiveSessions: number}

/**
 * One record of an analysis's counts. The analyzer counts into it; everything else reads it, adds
 * another part's counts with `absorb`, or takes the section's figures with `toSection`.
 */
export class AccessCounters implements CounterValues {
  lines = 0
  parsed = 0
  rejected = 0
  outsideWindow = 0
  /** Requests whose time was far from the rest of the log (see PlausibleTimes). */
  timesOutOfRange = 0
  requests = 0
  requestsWithSession = 0
  sessions = 0
  requestsWithoutRoute = 0
  sessionsWithoutRoute = 0
  routeFlips = 0
  sessionsWithFlips = 0
  failoversKept = 0
  retries = 0
  churnEvents = 0
  churnClients = 0
  sessionIdInUrl = 0
  sessionIdsFromCookie = 0
  sessionIdsFromHeader = 0
  sessionIdsFromUrl = 0
  peakActiveSessions = 0
  firstSeen = Number.NaN
  lastSeen = Number.NaN

  /** Adds a part's counts (its times widen ours). */
  absorb(part: Readonly<CounterValues>): void {
    for (const name of ADDITIVE_COUNTS) this[name] += part[name]
    // A part with no request in the window has no times (NaN): it leaves ours as they are.
    if (part.firstSeen < this.firstSeen || Number.isNaN(this.firstSeen)) this.firstSeen = part.firstSeen
    if (part.lastSeen > this.lastSeen || Number.isNaN(this.lastSeen)) this.lastSeen = part.lastSeen
    this.peakActiveSessions = Math.max(this.peakActiveSessions, part.peakActiveSessions)
  }

  values(): CounterValues {
    const out = {firstSeen: this.firstSeen, lastSeen: this.lastSeen, peakActiveSessions: this.peakActiveSessions} as CounterValues
    for (const name of ADDITIVE_COUNTS) out[name] = this[name]
    return out
  }

  /** The section's figures that are plain counts. */
  toSection() {
    return {
      lines: this.lines,
      parsed: this.parsed,
      rejected: this.rejected,
      outsideWindow: this.outsideWindow,
      requestsWithSession: this.requestsWithSession,
      sessions: this.sessions,
      sessionIdsBySource: {cookie: this.sessionIdsFromCookie, header: this.sessionIdsFromHeader, url: this.sessionIdsFromUrl},
      requestsWithoutRoute: this.requestsWithoutRoute,
      sessionsWithoutRoute: this.sessionsWithoutRoute,
      routeFlips: this.routeFlips,
      sessionsWithFlips: this.sessionsWithFlips,
      failoversKept: this.failoversKept,
      retries: this.retries,
      churnEvents: this.churnEvents,
      churnClients: this.churnClients,
      sessionIdInUrl: this.sessionIdInUrl,
      peakActiveSessions: this.peakActiveSessions,
      firstSeen: Number.isNaN(this.firstSeen) ? null : new Date(this.firstSeen).toISOString(),
      lastSeen: Number.isNaN(this.lastSeen) ? null : new Date(this.lastSeen).toISOString(),
    }
  }
}
