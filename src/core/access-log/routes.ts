/** No route (an id without suffix, a request without a worker field). */
export const NO_ROUTE = -1
/** Beyond this many distinct routes (made-up suffixes), further ones are counted together. */
export const MAX_ROUTES = 500
export const OTHER_ROUTES = '(other)'

/**
 * Route names by small index. A made-up suffix past the cap (a client can send any) gets no name of
 * its own: `intern` returns a code ≤ -2 from a hash of the name, so a session's route can still be
 * compared (no flip is lost), while its requests count under `(other)`. Workers named by the
 * balancer and routes given as known are always named.
 */
export class RouteTable {
  readonly names: string[] = []
  /** Requests by serving route. */
  readonly requests: number[] = []
  /** Requests by the route suffix of their session id. */
  readonly suffixRequests: number[] = []
  private readonly index = new Map<string, number>()
  private other = NO_ROUTE

  constructor(known: readonly string[] = []) {
    for (const name of known) this.named(name)
  }

  /** The index of `text[start, end)`, or an overflow code past the cap (unless `always`). */
  intern(text: string, start: number, end: number, always = false): number {
    const names = this.names
    const length = end - start
    for (let i = 0; i < names.length && i < 32; i++) {
      const name = names[i]!
      if (name.length === length && name.charCodeAt(length - 1) === text.charCodeAt(end - 1) && text.startsWith(name, start)) return i
    }
    const value = text.slice(start, end)
    const found = this.index.get(value)
    if (found !== undefined) return found
    if (names.length >= MAX_ROUTES && !always) return overflowCode(value)
    return this.named(value)
  }

  /** The index counts go to: a named route, or `(other)` for an overflow code. */
  countIndex(route: number): number {
    if (route > NO_ROUTE) return route
    if (this.other === NO_ROUTE) this.other = this.named(OTHER_ROUTES)
    return this.other
  }

  name(route: number): string {
    return route > NO_ROUTE ? this.names[route]! : OTHER_ROUTES
  }

  private named(value: string): number {
    const found = this.index.get(value)
    if (found !== undefined) return found
    const index = this.names.length
    // A copy: a slice of a block would keep the whole block alive.
    this.names.push(value.length > 12 ? Buffer.from(value).toString() : value)
    this.index.set(this.names[index]!, index)
    this.requests.push(0)
    this.suffixRequests.push(0)
    return index
  }
}

function overflowCode(value: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193)
  return -2 - ((h >>> 0) % 0x3fffffff)
}
