import {makeFinding} from '../report/report.js'
import type {Finding} from '../report/types.js'
import type {BalancerMember, DrainVerdict} from './types.js'

export interface DrainFacts {
  route: string
  /** Every member read; empty when no balancer was given or none answered. */
  members: BalancerMember[]
  /** How many --balancer were given, and the errors of those that could not be read. */
  balancersGiven: number
  balancerErrors: string[]
  /** Sessions whose home is the node active within the timeout; null when not measured. */
  boundSessions: number | null
  /** Where the bound count came from. */
  boundFrom: 'access log' | 'Tomcat manager'
  newSessionsSinceDrain: number | null
  /** Why the bound count is not known when boundSessions is null (an access log asked for but not read). */
  boundUnknown?: string
  lastRequest: number
  timeoutMs: number
  now: number
}

export interface Judgement {
  verdict: DrainVerdict
  /** Why the verdict is unknown, with what to do. */
  reason?: string
  findings: Finding[]
  safeAt: number
}

/**
 * The verdict of CONTRACT.md: safe (the member drains or is disabled on every balancer and no bound
 * session was active within the timeout), wait (draining, sessions still bound), not-draining (the
 * node takes new sessions), unknown (cannot tell). Pure: the facts in, the verdict and findings out.
 */
export function judgeDrain(facts: DrainFacts): Judgement {
  const safeAt = facts.boundSessions ? facts.lastRequest + facts.timeoutMs : Number.NaN
  const unknown = (reason: string): Judgement => ({verdict: 'unknown', reason, findings: [], safeAt})
  const mine = facts.members.filter((m) => m.route === facts.route)
  const evidence = {
    route: facts.route,
    boundSessions: facts.boundSessions,
    members: mine.map((m) => `${m.source}: ${m.status}`),
    timeoutSeconds: Math.round(facts.timeoutMs / 1000),
  }
  const taking = mine.filter((m) => m.state === 'active')
  if (taking.length > 0 && (facts.boundSessions ?? 0) > 0) return notDraining(facts, taking, evidence, safeAt, 'critical')
  if (facts.balancersGiven === 0)
    return unknown('no balancer state: give --balancer (balancer-manager URL, HAProxy stats URL or admin socket)')
  if (facts.balancerErrors.length > 0 && taking.length === 0) return unknown(`cannot read the balancer: ${facts.balancerErrors.join('; ')}`)
  if (mine.length === 0) {
    const routes = [...new Set(facts.members.map((m) => m.route))].join(', ')
    return unknown(`route ${facts.route} is not a member of the balancer (members: ${routes || 'none'}): check --route`)
  }
  if (facts.boundSessions === null)
    return unknown(facts.boundUnknown ?? 'no sessions to count: give --access-log (the live log of the balancer) or --tomcat-manager')
  if (taking.length > 0) return notDraining(facts, taking, evidence, safeAt, 'warning')
  const bound = facts.boundSessions
  if ((facts.newSessionsSinceDrain ?? 0) > 0) {
    const finding = makeFinding('drain.not-draining', {
      detail: `The balancer shows ${facts.route} draining, but ${facts.newSessionsSinceDrain} new session(s) began on it since the drain was seen: the drain does not hold.`,
      evidence: {...evidence, newSessionsSinceDrain: facts.newSessionsSinceDrain},
      actions: ['Check every front end: a second balancer, or one without stickysession, still sends new users to the node'],
    })
    return {verdict: 'not-draining', findings: [finding], safeAt}
  }
  if (bound > 0) {
    const finding = makeFinding('drain.sessions-bound', {
      detail: `${facts.route} drains (${mine.map((m) => m.status).join(', ')}); ${bound} session(s) bound to it made a request within the ${minutes(facts.timeoutMs)} timeout (${facts.boundFrom}), the last at ${iso(facts.lastRequest)}. Safe at ${iso(safeAt)} if they make no more requests.`,
      evidence: {...evidence, lastRequest: iso(facts.lastRequest), safeAt: iso(safeAt)},
    })
    return {verdict: 'wait', findings: [finding], safeAt}
  }
  const finding = makeFinding('drain.safe', {
    detail: `${facts.route} drains (${mine.map((m) => m.status).join(', ')}) and no session bound to it made a request within the ${minutes(facts.timeoutMs)} timeout (${facts.boundFrom}).`,
    evidence,
  })
  return {verdict: 'safe', findings: [finding], safeAt}
}

function notDraining(
  facts: DrainFacts,
  taking: BalancerMember[],
  evidence: Record<string, unknown>,
  safeAt: number,
  severity: 'warning' | 'critical',
): Judgement {
  const where = taking.map((m) => `${m.source} (${m.status})`).join(', ')
  const detail =
    severity === 'critical'
      ? `${facts.route} still takes new sessions on ${where}, and ${facts.boundSessions} session(s) bound to it made a request within the ${minutes(facts.timeoutMs)} timeout: stopping it now logs them out.`
      : `${facts.route} still takes new sessions on ${where}. No session is bound to it now, but new users may arrive at any moment: drain it first.`
  // The catalog's title speaks of bound sessions: with none bound yet it would contradict the detail.
  const title = severity === 'critical' ? undefined : 'Node is not draining (no session bound to it yet)'
  return {verdict: 'not-draining', findings: [makeFinding('drain.not-draining', {detail, severity, evidence, title})], safeAt}
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}-minute` : `${Math.round(ms / 1000)}-second`
}

function iso(ms: number): string {
  return Number.isNaN(ms) ? 'unknown' : new Date(ms).toISOString()
}
