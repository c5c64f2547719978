import type {AppFacts, BalancerFacts, ConfigKind, Located, SessionStore, StoreHint} from './types.js'

/** What the checks look at: the facts of both sides and what follows from them. */
export interface ConfigModel {
  balancer: BalancerFacts
  app: AppFacts
  /** Kinds of files read, to know which side was seen at all. */
  kinds: Set<ConfigKind>
  store: SessionStore
  storeEvidence: StoreHint[]
  /** Spring Session writes the session cookie (its defaults differ from Tomcat's). */
  springSession: boolean
  /** The session cookie names the app sets, with where each comes from (file:line, or a default). */
  appCookies: Array<{name: string; from: string}>
}

export function appSideRead(kinds: Set<ConfigKind>): boolean {
  return ['server.xml', 'context.xml', 'web.xml', 'spring-yaml', 'spring-properties'].some((k) => kinds.has(k as ConfigKind))
}

export function buildModel(balancer: BalancerFacts, app: AppFacts, kinds: Set<ConfigKind>): ConfigModel {
  const {store, evidence} = sessionStore(app.storeHints)
  const springSession = app.storeHints.some((h) => h.springSession)
  return {
    balancer,
    app,
    kinds,
    store,
    storeEvidence: evidence,
    springSession,
    appCookies: appCookies(app.cookieNames, springSession, kinds),
  }
}

/**
 * An explicit store (a Manager class, a Cluster, spring.session.*) decides; a Redis connection
 * alone leaves it open; StandardManager by default counts only when nothing else was said.
 */
export function sessionStore(hints: StoreHint[]): {store: SessionStore; evidence: StoreHint[]} {
  const explicit = hints.filter((h) => !h.implicit && h.store !== 'redis-client-only')
  const rank: Array<StoreHint['store']> = ['redis', 'shared', 'replication', 'node-local']
  for (const store of rank) {
    const found = explicit.filter((h) => h.store === store)
    if (found.length > 0) return {store: store as SessionStore, evidence: found}
  }
  const redisClient = hints.filter((h) => h.store === 'redis-client-only')
  if (redisClient.length > 0) return {store: 'unknown', evidence: redisClient}
  const implicit = hints.filter((h) => h.implicit)
  if (implicit.length > 0) return {store: 'node-local', evidence: implicit}
  return {store: 'unknown', evidence: []}
}

function appCookies(names: Located[], springSession: boolean, kinds: Set<ConfigKind>): Array<{name: string; from: string}> {
  if (names.length > 0) {
    const seen = new Map<string, string>()
    for (const n of names) if (!seen.has(n.value)) seen.set(n.value, `${n.file}:${n.line}`)
    return [...seen].map(([name, from]) => ({name, from}))
  }
  if (!appSideRead(kinds)) return []
  return springSession ? [{name: 'SESSION', from: 'Spring Session default'}] : [{name: 'JSESSIONID', from: 'servlet default'}]
}

export function isUnresolved(value: string): boolean {
  return value.includes('${')
}

/** `StandardManager by default at a:3, b:5` — one clause per kind of evidence, not one per file. */
export function describeStoreEvidence(evidence: StoreHint[]): string {
  const groups = new Map<string, string[]>()
  for (const e of evidence) groups.set(e.evidence, [...(groups.get(e.evidence) ?? []), `${e.file}:${e.line}`])
  return [...groups].map(([what, places]) => `${what} at ${places.join(', ')}`).join('; ')
}
