import {sleep} from '../sleep.js'
import type {DrainCheck, DrainResult} from './index.js'

export interface WaitOptions {
  maxWaitMs: number
  intervalMs: number
  signal?: AbortSignal
  /** Each check's result, as it comes (the command shows progress on a terminal). */
  onCheck?: (result: DrainResult) => void
  now?: () => number
}

/**
 * `--wait`: checks until the node is safe to stop, the wait runs out, or a signal ends it. Each
 * check after the first reads only the lines appended since. A first check that cannot tell
 * (no balancer, no log) ends the wait at once: waiting would not change it.
 */
export async function waitUntilSafe(check: DrainCheck, options: WaitOptions): Promise<DrainResult> {
  const now = options.now ?? Date.now
  const deadline = now() + options.maxWaitMs
  let first = true
  for (;;) {
    const result = await check.check()
    options.onCheck?.(result)
    const verdict = result.section.verdict
    if (verdict === 'safe' || (first && verdict === 'unknown')) return result
    first = false
    const left = deadline - now()
    if (left <= 0 || options.signal?.aborted) return result
    await sleep(Math.min(options.intervalMs, left), options.signal)
    if (options.signal?.aborted) return result
  }
}
