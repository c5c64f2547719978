import createDebug from 'debug'
import type {Redis} from 'ioredis'
import type {RedisNode} from '../connection.js'
import {decodeStoredNumber} from './java-values.js'
import {type KeyClass, metadataFields} from './presets.js'
import type {FollowUp, NodeProgress, ScanState} from './scan-state.js'

const debug = createDebug('sessdoc:redis-scan')

/**
 * Keys per PTTL/MEMORY USAGE script call. Measured on 200k Spring keys (Redis 7.0, loopback):
 * 250 keys ≈ 1.2 ms of server time per call, 1000 keys ≈ 7 ms; throughput is the same from 250 up.
 */
export const probeChunk = 250
/** Chunks in flight per node: enough to keep the server busy while the client parses. */
const maxInFlight = 6

/**
 * ARGV[1]: how many of the keys get a MEMORY USAGE (they come first); ARGV[2]: 'j' when ARGV[3]
 * holds the keys joined by newlines (one argument is much cheaper to send than 250), 'a' when the
 * keys follow one per argument (a key holding a newline). Returns PTTL and size (-1 when not sized
 * or gone) per key, flat. Read-only; keys are not declared, so it runs on any node that owns them.
 */
export const probeScript = `local sized = tonumber(ARGV[1])
local out = {}
local i = 0
local function probe(k)
  i = i + 1
  out[2*i-1] = redis.call('PTTL', k)
  if i <= sized then
    out[2*i] = redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0') or -1
  else
    out[2*i] = -1
  end
end
if ARGV[2] == 'j' then
  for k in string.gmatch(ARGV[3], '[^\\n]+') do probe(k) end
else
  for j = 3, #ARGV do probe(ARGV[j]) end
end
return out`

/** Sets a TTL only if the key still has none (atomic on servers without EXPIRE … NX). */
const expireIfNoTtlScript = `if redis.call('PTTL', KEYS[1]) == -1 then return redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return 0`

export interface NodeScanOptions {
  count: number
  match?: string
  method: 'auto' | 'lua' | 'pipeline'
  /** Keys per second for this node (0 = no limit). */
  rate: number
  signal?: AbortSignal
  onBatch?: () => void
  fixTtl?: FixTtl
  version: string
}

export interface FixTtl {
  seconds: number
  apply: boolean
  candidates: number
  changed: number
  failed: number
  /** Keys changed (or that would be, in a dry run), up to `limit`. */
  keys: Array<{key: string; cls: KeyClass}>
  limit: number
}

interface ChunkKey {
  key: string
  cls: KeyClass | undefined
  sized: boolean
}

/** Walks one node's keyspace with SCAN; ends early (complete = false) on a server error, a timeout or an abort. */
export async function scanNode(node: RedisNode, state: ScanState, options: NodeScanOptions): Promise<NodeProgress> {
  const client = node.client
  const progress: NodeProgress = {
    address: node.address,
    role: node.role,
    keysScanned: 0,
    sessions: 0,
    sessionsWithoutTtl: 0,
    complete: false,
    probe: 'pipeline',
  }
  state.nodes.push(progress)
  let sha: string | undefined
  if (options.method !== 'pipeline') {
    try {
      sha = String(await client.call('SCRIPT', 'LOAD', probeScript))
      progress.probe = 'lua'
    } catch (error) {
      if (options.method === 'lua') throw error
      debug('%s: scripts refused (%s), using pipelines', node.address, (error as Error).message)
    }
  }
  const started = Date.now()
  const inFlight = new Set<Promise<void>>()
  let failure: Error | undefined
  const track = (work: Promise<void>): void => {
    const settled = work.catch((error: Error) => {
      failure ??= error
    })
    inFlight.add(settled)
    void settled.finally(() => inFlight.delete(settled))
  }
  const scanArgs = (cursor: string): Array<string | number> => [
    cursor,
    ...(options.match ? ['MATCH', options.match] : []),
    'COUNT',
    options.count,
  ]

  const scan = (cursor: string): Promise<[string, string[]]> => client.call('SCAN', ...scanArgs(cursor)) as Promise<[string, string[]]>
  let pending: Promise<[string, string[]]> | undefined = scan('0')
  try {
    while (pending) {
      const [next, keys] = await pending
      pending = undefined
      progress.keysScanned += keys.length
      if (next !== '0' && !options.signal?.aborted && !failure) {
        if (options.rate > 0) await throttle(started, progress.keysScanned, options.rate, options.signal)
        // The next SCAN runs on the server while this batch is classified and probed.
        if (!options.signal?.aborted) pending = scan(next)
        pending?.catch(() => {})
      }
      const chunk: ChunkKey[] = []
      for (const key of keys) {
        if (!state.seen.add(key)) {
          state.duplicates++
          continue
        }
        state.keysScanned++
        const cls = state.classify(key)
        chunk.push({key, cls, sized: cls?.role === 'session' && state.wantsSize()})
        if (chunk.length === probeChunk) track(probe(client, sha, chunk.splice(0), state, progress, options))
      }
      if (chunk.length > 0) track(probe(client, sha, chunk, state, progress, options))
      while (inFlight.size > maxInFlight) await Promise.race(inFlight)
      options.onBatch?.()
      if (next === '0') progress.complete = true
      if (failure) break
    }
    await Promise.all(inFlight)
    if (failure) throw failure
    if (options.signal?.aborted) progress.complete = false
  } catch (error) {
    progress.complete = false
    await Promise.all(inFlight)
    progress.error = `${node.address}: ${(failure ?? (error as Error)).message}`
    debug('%s', progress.error)
  }
  return progress
}

async function probe(
  client: Redis,
  sha: string | undefined,
  chunk: ChunkKey[],
  state: ScanState,
  progress: NodeProgress,
  options: NodeScanOptions,
): Promise<void> {
  const ordered = [...chunk.filter((k) => k.sized), ...chunk.filter((k) => !k.sized)]
  const sizedCount = ordered.length - chunk.filter((k) => !k.sized).length
  let replies: number[]
  if (sha) {
    const keys = ordered.map((k) => k.key)
    const joinable = keys.every((key) => key.length > 0 && !key.includes('\n'))
    replies = (await (joinable
      ? client.evalsha(sha, 0, sizedCount, 'j', keys.join('\n'))
      : client.evalsha(sha, 0, sizedCount, 'a', ...keys))) as number[]
  } else {
    const pipeline = client.pipeline()
    for (const k of ordered) {
      pipeline.pttl(k.key)
      if (k.sized) pipeline.call('MEMORY', 'USAGE', k.key, 'SAMPLES', '0')
    }
    const results = (await pipeline.exec()) ?? []
    replies = []
    let r = 0
    for (const k of ordered) {
      replies.push(replyNumber(results[r++]))
      replies.push(k.sized ? (replyNumber(results[r++]) ?? -1) : -1)
    }
  }
  const followUps: FollowUp[] = []
  for (let i = 0; i < ordered.length; i++) {
    const k = ordered[i]!
    const bytes = replies[2 * i + 1]
    state.record(k.key, k.cls, Number(replies[2 * i]), typeof bytes === 'number' ? bytes : -1, progress, followUps)
  }
  if (followUps.length > 0) await followUp(client, followUps, state, progress)
  if (options.fixTtl) await fixTtl(client, ordered, replies, options.fixTtl, options.version)
}

function replyNumber(result: [Error | null, unknown] | undefined): number {
  if (!result) throw new Error('no reply')
  const [error, value] = result
  if (error) throw error
  return value === null ? -1 : Number(value)
}

async function followUp(client: Redis, followUps: FollowUp[], state: ScanState, progress: NodeProgress): Promise<void> {
  const pipeline = client.pipeline()
  for (const f of followUps) {
    if (f.kind === 'placeholder') pipeline.getrangeBuffer(f.key, 0, 4)
    else {
      const fields = metadataFields[f.cls.preset]!
      pipeline.hmgetBuffer(f.key, fields.maxInactiveInterval, fields.lastAccessedTime)
    }
  }
  const results = (await pipeline.exec()) ?? []
  followUps.forEach((f, i) => {
    const reply = results[i]
    if (!reply) throw new Error('no reply to a follow-up command')
    // A per-key error (WRONGTYPE: a key of the layout's shape but another type) says only that
    // this key is no placeholder and has no readable metadata; the scan goes on.
    const [error, value] = reply
    if (f.kind === 'placeholder') {
      state.placeholderChecked(f, !error && Buffer.isBuffer(value) && value.toString('latin1') === 'null', progress)
    } else {
      const [interval, lastAccess] = error ? [] : ((value as Array<Buffer | null>) ?? [])
      state.metadataRead(f, decodeStoredNumber(interval), decodeStoredNumber(lastAccess))
    }
  })
}

async function fixTtl(client: Redis, keys: ChunkKey[], replies: number[], fix: FixTtl, version: string): Promise<void> {
  const targets = keys.filter((k, i) => k.cls?.role === 'session' && Number(replies[2 * i]) === -1)
  if (targets.length === 0) return
  fix.candidates += targets.length
  if (!fix.apply) {
    for (const t of targets) if (fix.keys.length < fix.limit) fix.keys.push({key: t.key, cls: t.cls!})
    return
  }
  const nx = Number(version.split('.')[0]) >= 7
  const pipeline = client.pipeline()
  for (const t of targets) {
    if (nx) pipeline.call('EXPIRE', t.key, fix.seconds, 'NX')
    else pipeline.eval(expireIfNoTtlScript, 1, t.key, fix.seconds)
  }
  const results = (await pipeline.exec()) ?? []
  targets.forEach((t, i) => {
    const [error, value] = results[i] ?? [new Error('no reply'), 0]
    if (error) fix.failed++
    else if (Number(value) === 1) {
      fix.changed++
      if (fix.keys.length < fix.limit) fix.keys.push({key: t.key, cls: t.cls!})
    }
  })
}

async function throttle(started: number, keys: number, rate: number, signal: AbortSignal | undefined): Promise<void> {
  const due = started + (keys / rate) * 1000
  const wait = due - Date.now()
  if (wait <= 0 || signal?.aborted) return
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, wait)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, {once: true})
  })
}
