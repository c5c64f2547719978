import {SeenKeys, SizeSketch, TopN, TtlHistogram} from './aggregates.js'
import type {Classifier, KeyClass, KeyRole, PresetName} from './presets.js'

export const noTtlSampleLimit = 10
/** Session metadata (maxInactiveInterval, lastAccessedTime) is read for at most this many sessions. */
export const metadataLimits = {withoutTtl: 10_000, withTtl: 1_000}

export interface SizedKey {
  key: string
  bytes: number
  cls: KeyClass
}

/** Everything learned about one layout, in fixed memory. */
export class LayoutStats {
  sessions = 0
  sessionsWithoutTtl = 0
  readonly noTtlSamples: Array<{key: string; cls: KeyClass}> = []
  readonly companions = new Map<KeyRole | 'placeholder', {keys: number; withoutTtl: number}>()
  readonly ttl = new TtlHistogram()
  readonly sizes: SizeSketch = new SizeSketch()
  readonly top: TopN<SizedKey>
  /** Longest session TTL seen (ms); for layouts without a stored timeout it approximates the configured one. */
  maxSessionTtlMs = 0
  /** maxInactiveInterval (s) → sessions, from the sessions whose metadata was read. */
  readonly intervals = new Map<number, number>()
  metadataRead = 0
  /** Among sessions without TTL: how many say maxInactiveInterval < 0 (configured never to expire). */
  noTtlNeverExpiring = 0
  /** Among sessions without TTL whose metadata was read: the oldest lastAccessedTime (ms since epoch). */
  oldestNoTtlAccessMs: number | undefined
  readonly namespaces = new Set<string>()

  constructor(topN: number) {
    this.top = new TopN<SizedKey>(topN)
  }

  companion(role: KeyRole | 'placeholder', withoutTtl: boolean): void {
    const c = this.companions.get(role) ?? {keys: 0, withoutTtl: 0}
    c.keys++
    if (withoutTtl) c.withoutTtl++
    this.companions.set(role, c)
  }

  interval(seconds: number): void {
    if (this.intervals.size < 50 || this.intervals.has(seconds)) this.intervals.set(seconds, (this.intervals.get(seconds) ?? 0) + 1)
  }
}

export interface NodeProgress {
  address: string
  role: 'primary' | 'replica'
  keysScanned: number
  sessions: number
  sessionsWithoutTtl: number
  complete: boolean
  error?: string
  /** How PTTL and MEMORY USAGE were read: a short Lua script per chunk, or plain pipelined commands. */
  probe: 'lua' | 'pipeline'
  /** Cursor lanes this node was walked in. */
  lanes: number
  usedMemoryBytes?: number
  keyspace?: {keys: number; expires: number}
}

/** Something to ask the server after the probe, for one key. */
export type FollowUp =
  | {kind: 'placeholder'; key: string; cls: KeyClass; bytes: number}
  | {kind: 'metadata'; key: string; cls: KeyClass; withoutTtl: boolean}

/** The whole scan's aggregates, shared by the node loops (one JS thread: no locking). */
export class ScanState {
  readonly seen = new SeenKeys()
  keysScanned = 0
  duplicates = 0
  vanished = 0
  keysWithoutTtl = 0
  unclassified = 0
  readonly layouts = new Map<PresetName, LayoutStats>()
  readonly nodes: NodeProgress[] = []
  private metadataWithoutTtl = 0
  private metadataWithTtl = 0
  private sizedCounter = 0

  constructor(
    readonly classify: Classifier,
    readonly topN: number,
    /** Size every n-th session (1 = all, 0 = none). */
    readonly sizeStride: number,
  ) {}

  layout(preset: PresetName): LayoutStats {
    let stats = this.layouts.get(preset)
    if (!stats) {
      stats = new LayoutStats(this.topN)
      this.layouts.set(preset, stats)
    }
    return stats
  }

  /** Whether this session key gets a MEMORY USAGE (the --sample-memory stride). */
  wantsSize(): boolean {
    if (this.sizeStride <= 0) return false
    return this.sizedCounter++ % this.sizeStride === 0
  }

  /** One key's PTTL (ms; -1 none, -2 gone) and size (bytes, -1 when not sized). */
  record(key: string, cls: KeyClass | undefined, pttl: number, bytes: number, node: NodeProgress, followUps: FollowUp[]): void {
    if (pttl === -2) {
      this.vanished++
      return
    }
    const withoutTtl = pttl === -1
    if (withoutTtl) this.keysWithoutTtl++
    if (!cls) {
      this.unclassified++
      return
    }
    const layout = this.layout(cls.preset)
    if (cls.namespace !== undefined && layout.namespaces.size < 5) layout.namespaces.add(cls.namespace)
    if (cls.role !== 'session') {
      layout.companion(cls.role, withoutTtl)
      return
    }
    if (withoutTtl && cls.preset === 'tomcat-redis-session-manager') {
      followUps.push({kind: 'placeholder', key, cls, bytes})
      return
    }
    this.session(key, cls, pttl, bytes, node, followUps)
  }

  session(key: string, cls: KeyClass, pttl: number, bytes: number, node: NodeProgress, followUps: FollowUp[]): void {
    const layout = this.layout(cls.preset)
    const withoutTtl = pttl === -1
    layout.sessions++
    node.sessions++
    layout.ttl.add(pttl)
    if (withoutTtl) {
      layout.sessionsWithoutTtl++
      node.sessionsWithoutTtl++
      if (layout.noTtlSamples.length < noTtlSampleLimit) layout.noTtlSamples.push({key, cls})
    } else if (pttl > layout.maxSessionTtlMs) {
      layout.maxSessionTtlMs = pttl
    }
    if (bytes >= 0) {
      layout.sizes.add(bytes)
      if (bytes > layout.top.threshold) layout.top.add({key, bytes, cls})
    }
    if (cls.preset === 'spring-session' || cls.preset === 'redisson-tomcat') {
      if (withoutTtl ? this.metadataWithoutTtl++ < metadataLimits.withoutTtl : this.metadataWithTtl++ < metadataLimits.withTtl) {
        followUps.push({kind: 'metadata', key, cls, withoutTtl})
      }
    }
  }

  /** A tomcat-redis-session-manager key without TTL: the "null" placeholder of a first write, or a session. */
  placeholderChecked(followUp: Extract<FollowUp, {kind: 'placeholder'}>, isPlaceholder: boolean, node: NodeProgress): void {
    if (isPlaceholder) this.layout(followUp.cls.preset).companion('placeholder', true)
    else this.session(followUp.key, followUp.cls, -1, followUp.bytes, node, [])
  }

  metadataRead(
    followUp: Extract<FollowUp, {kind: 'metadata'}>,
    maxInactiveInterval: number | undefined,
    lastAccessedTime: number | undefined,
  ): void {
    const layout = this.layout(followUp.cls.preset)
    layout.metadataRead++
    if (maxInactiveInterval !== undefined) {
      layout.interval(maxInactiveInterval)
      if (followUp.withoutTtl && maxInactiveInterval < 0) layout.noTtlNeverExpiring++
    }
    if (followUp.withoutTtl && lastAccessedTime !== undefined && lastAccessedTime > 0) {
      layout.oldestNoTtlAccessMs = Math.min(layout.oldestNoTtlAccessMs ?? lastAccessedTime, lastAccessedTime)
    }
  }
}
