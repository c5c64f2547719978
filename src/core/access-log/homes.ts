import {NO_ROUTE, type RouteTable} from './routes.js'

/** A (suffix, served route) pair as one number (both count indexes, < 65,536). */
export const pairKey = (suffix: number, served: number): number => suffix * 65_536 + served
export const pairSuffix = (key: number): number => Math.floor(key / 65_536)
export const pairServed = (key: number): number => key % 65_536

export interface Homes {
  /** Suffix index → home route index. */
  bySuffix: Map<number, number>
  /** Suffixes whose home is another name: from an alias of the configs, or learned from the log. */
  aliases: Map<number, {home: number; from: 'config' | 'log'}>
}

/**
 * The home of each id suffix: the backend that issued its ids. An alias from the configs first;
 * else the backend of the same name (a worker route or a server named as the jvmRoute); else the
 * backend that served most of its requests (learned: a suffix always served by one backend).
 */
export function resolveHomes(
  routes: RouteTable,
  servedBySuffix: ReadonlyMap<number, number>,
  isBackend: (route: number) => boolean,
  configAliases: Readonly<Record<string, string>>,
): Homes {
  const best = new Map<number, [number, number]>()
  for (const [key, n] of servedBySuffix) {
    const suffix = pairSuffix(key)
    const current = best.get(suffix)
    if (!current || n > current[1]) best.set(suffix, [pairServed(key), n])
  }
  const homes: Homes = {bySuffix: new Map(), aliases: new Map()}
  for (const [suffix, [mostServed]] of best) {
    const alias = configAliases[routes.name(suffix)]
    const aliased = alias === undefined ? NO_ROUTE : routes.names.indexOf(alias)
    if (aliased > NO_ROUTE) {
      homes.bySuffix.set(suffix, aliased)
      if (aliased !== suffix) homes.aliases.set(suffix, {home: aliased, from: 'config'})
    } else if (isBackend(suffix)) homes.bySuffix.set(suffix, suffix)
    else {
      homes.bySuffix.set(suffix, mostServed)
      homes.aliases.set(suffix, {home: mostServed, from: 'log'})
    }
  }
  return homes
}

/** The home of the pair's suffix when the pair's request was served elsewhere, else -1. */
export function misroutedHome(homes: Homes, key: number): number {
  const home = homes.bySuffix.get(pairSuffix(key))
  return home === undefined || home === pairServed(key) ? NO_ROUTE : home
}

/** Sums the pairs whose request was misrouted, by the home it should have gone to. */
export function countMisrouted(homes: Homes, pairs: ReadonlyMap<number, number>): {total: number; byHome: Map<number, number>} {
  const byHome = new Map<number, number>()
  let total = 0
  for (const [key, n] of pairs) {
    const home = misroutedHome(homes, key)
    if (home === NO_ROUTE) continue
    total += n
    byHome.set(home, (byHome.get(home) ?? 0) + n)
  }
  return {total, byHome}
}
