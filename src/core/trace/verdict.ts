import type {SeenRequest} from './access.js'
import {homeOfRequest, type IdChain, type IdChange, nodeOf} from './chain.js'
import type {TraceAppEvent, TraceNodeEvent, TraceVerdict} from './types.js'

/** A restart or DOWN of the home node within this long before a loss explains it. */
const RESTART_WINDOW_MS = 10 * 60_000

const hms = (ms: number): string => (Number.isNaN(ms) ? 'an unknown time' : new Date(ms).toISOString().slice(11, 19))

/** The sentence at the top of the trace, with the finding ids that explain it. */
export function judgeTrace(chain: IdChain, nodeEvents: readonly TraceNodeEvent[], appEvents: readonly TraceAppEvent[]): TraceVerdict {
  const requests = chain.requests
  if (requests.length === 0) return {outcome: 'not-found', text: 'No request carries this session id in the logs read.', findingIds: []}
  // A route change keeps the id: the balancer log cannot tell whether the session went with it, so it is no loss here.
  const newIds = chain.changes.filter((c) => !c.routeOnly)
  const loss = newIds.find((c) => c.cause === 'misrouted' || c.cause === 'unknown')
  const serialization = appEvents.some((e) => /serializ/i.test(e.message))
  if (loss) {
    const home = homeOfRequest(chain, loss.at)
    const node = nodeOf(loss.at)
    // A misrouted request is explained by its home being away (stopped, DOWN); a new id from the home itself by a restart.
    const explaining = loss.cause === 'misrouted' ? AWAY : BACK
    const event = home ? nodeEventBefore(nodeEvents, home, loss.at.time, explaining) : null
    const findingIds: string[] = []
    let text: string
    if (loss.cause === 'misrouted') {
      findingIds.push('access.route-flip')
      text = `Lost at ${hms(loss.at.time)}: the request went to ${node} while the session lived on ${home}`
      if (event) {
        findingIds.push('correlation.flips-after-restart')
        text += ` (${home} ${eventWords(event)} at ${event.time?.slice(11, 19)} without draining)`
      }
    } else {
      text = `Lost at ${hms(loss.at.time)}: ${node ?? 'the node'} answered with a new id`
      if (node && node === home) text += `, although it is the session's home: it no longer had the session`
      if (event) text += ` (${home} ${eventWords(event)} at ${event.time?.slice(11, 19)})`
      if (event) findingIds.push('config.no-failover-path')
    }
    if (serialization) findingIds.push('tomcat.serialization')
    return {outcome: 'lost', text: `${text}.`, findingIds}
  }
  const expired = newIds.find((c) => c.cause === 'expired')
  if (expired) {
    return {
      outcome: 'expired',
      text: `Expired before ${hms(expired.at.time + expired.gapMs)}: ${expired.why}; the client came back with a new id.`,
      findingIds: ['config.session-timeout'],
    }
  }
  const last = requests.at(-1) as SeenRequest
  const span = `${requests.length} request(s) from ${hms(requests[0]!.time)} to ${hms(last.time)}`
  const nodes = [...new Set(requests.map(nodeOf).filter((n): n is string => n !== null))]
  const where = nodes.length === 1 ? `, all on ${nodes[0]}` : nodes.length > 1 ? ` on ${nodes.join(', ')}` : ''
  const flips = requests.some((r, i) => i > 0 && nodeOf(r) !== nodeOf(requests[i - 1]!))
  const routes = routeWords(chain.changes.filter((c) => c.routeOnly))
  if (newIds.length > 0)
    return {
      outcome: 'rotated',
      text: `Not lost: the id changed ${newIds.length} time(s), at login; ${span}${where}${routes}.`,
      findingIds: flips ? ['access.route-flip'] : [],
    }
  return {outcome: 'alive', text: `No loss seen: ${span}${where}${routes}.`, findingIds: flips ? ['access.route-flip'] : []}
}

/** "; the id kept its value but its route changed from node1 to node2 between 10:01:00 and 10:01:05 (…)", or "". */
function routeWords(changes: readonly IdChange[]): string {
  if (changes.length === 0) return ''
  const first = changes[0]!
  const when = first.gapMs > 0 ? `between ${hms(first.at.time)} and ${hms(first.at.time + first.gapMs)}` : `after ${hms(first.at.time)}`
  const more = changes.length > 1 ? `, and ${changes.length - 1} time(s) more` : ''
  return `; the id kept its value but its route changed from ${first.fromRoute} to ${first.toRoute} ${when}${more} (whether the session itself moved, the logs cannot tell)`
}

const AWAY: ReadonlySet<TraceNodeEvent['kind']> = new Set(['shutdown', 'down', 'undeploy'])
const BACK: ReadonlySet<TraceNodeEvent['kind']> = new Set(['startup', 'deploy'])

/**
 * The node's last event before the loss. Only when none is, one within the second after it (access-log times
 * are to the second), of the kind that explains the loss when there is one: a restart logged just after a
 * request misrouted while the node was stopped does not explain that request, the stop does.
 */
function nodeEventBefore(
  events: readonly TraceNodeEvent[],
  node: string,
  at: number,
  explaining: ReadonlySet<TraceNodeEvent['kind']>,
): TraceNodeEvent | null {
  const near = events.filter((e) => {
    if (e.node !== node || e.time === null) return false
    const t = Date.parse(e.time)
    return t <= at + 1000 && at - t <= RESTART_WINDOW_MS && e.kind !== 'up' && e.kind !== 'ready'
  })
  const before = near.filter((e) => Date.parse(e.time!) <= at)
  if (before.length > 0) return before.at(-1)!
  return near.filter((e) => explaining.has(e.kind)).at(-1) ?? near.at(-1) ?? null
}

function eventWords(e: TraceNodeEvent): string {
  switch (e.kind) {
    case 'startup':
      return 'restarted'
    case 'shutdown':
      return 'was stopped'
    case 'down':
      return 'went DOWN'
    case 'deploy':
    case 'undeploy':
      return `was ${e.kind}ed`
    default:
      return `was set to ${e.kind}`
  }
}
