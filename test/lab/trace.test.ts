/**
 * trace (#18) in the real-server lab: Apache with stickysession in front of three Tomcat 10.1 nodes, node3 restarted
 * without draining while users browse. Each user's own record is the truth: the requests that carried an id, each id
 * the user was handed and why (a login rotation, or a misrouted request that reached a node without the session).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {hashId} from '../../src/core/redact.js'
import {parseTraceId, type TraceSection, traceSession} from '../../src/core/trace/index.js'
import {type Balancer, startApache} from './balancers.js'
import {LOOPBACK, missingLabCommands, removeLabTempDirs, sleep, stopAllLabProcesses} from './process.js'
import {startTomcatNodes, type TomcatNode} from './tomcat.js'
import {arrive, browse, type LabUser, makeUsers, type Users} from './traffic.js'

const missing = missingLabCommands()
const LAB_TIMEOUT = 120_000

/** What one user saw: requests that carried an id, and each id change with its cause, from the user's own record. */
function userTruth(user: LabUser): {requests: number; misrouted: number; causes: string[]; firstId: string} {
  const home = new Map<string, string>()
  for (const r of user.records) if (r.session !== null && r.node !== null && !home.has(r.session)) home.set(r.session, r.node)
  let requests = 0
  let misrouted = 0
  const causes: string[] = []
  for (const r of user.records) {
    if (r.sentId === null) continue
    requests++
    const away = home.get(r.sentId) !== r.node
    if (away) misrouted++
    if (r.receivedId !== null && r.receivedId !== r.sentId)
      causes.push(r.reset ? (away ? 'misrouted' : 'unknown') : r.path.startsWith('/app/login') ? 'login' : 'unknown')
  }
  return {requests, misrouted, causes, firstId: user.records.find((r) => r.receivedId !== null)!.receivedId!}
}

describe.skipIf(missing !== null)('trace in the real-server lab', () => {
  let nodes: TomcatNode[] = []
  let lb: Balancer
  let users: Users
  const run = async (id: string): Promise<TraceSection> => {
    const parsed = parseTraceId(id)
    if (!parsed.ok) throw new Error(parsed.error)
    const result = await traceSession({
      id: parsed.id,
      accessLogs: [lb.logs['combined-balancer']!],
      // Each node's logs directory: catalina.out for the starts and stops, localhost.DATE.log for StandardSession's lines.
      appLogs: nodes.map((n) => n.logs),
      window: {since: null, until: null},
      redact: {},
    })
    return result.section as TraceSection
  }

  beforeAll(async () => {
    nodes = await startTomcatNodes(['node1', 'node2', 'node3'])
    lb = await startApache({members: nodes.map((n) => ({url: n.url, route: n.name})), stickysession: true})
    users = makeUsers(12, {host: LOOPBACK, port: lb.port})
    const node3 = nodes.find((n) => n.name === 'node3')!
    await arrive(users, (u) => u.id % 4 === 0)
    await browse(users, 2)
    await node3.stop()
    await browse(users, 2)
    await node3.start()
    await sleep(1100)
    await browse(users, 2)
    await lb.stop()
  }, LAB_TIMEOUT)

  afterAll(async () => {
    await stopAllLabProcesses()
    if (!process.env.LAB_KEEP) removeLabTempDirs()
  }, LAB_TIMEOUT)

  it('a session lost by a misrouted request traces to the requests and causes its user recorded', async () => {
    const lost = users.users.find((u) => userTruth(u).causes.includes('misrouted'))
    expect(lost, 'a user lost a session while node3 was down').toBeDefined()
    const truth = userTruth(lost!)
    const s = await run(truth.firstId)
    expect(s.requests).toHaveLength(truth.requests)
    expect(s.requests.filter((r) => r.misrouted)).toHaveLength(truth.misrouted)
    expect(s.idChanges.map((c) => c.cause)).toEqual(truth.causes)
    expect(s.verdict.outcome).toBe('lost')
    // The stop or the restart, whichever came last before the request that lost it: the lab's timing decides
    // whether that request was sent while node3 was down or just after it came back, before Apache retried it.
    expect(s.verdict.text).toMatch(/while the session lived on node3 \(node3 (was stopped|restarted) at .* without draining\)/)
    expect(s.verdict.findingIds).toEqual(expect.arrayContaining(['access.route-flip', 'correlation.flips-after-restart']))
  })

  it('a login rotation traces to the requests and causes its user recorded', async () => {
    const rotated = users.users.find((u) => userTruth(u).causes.join() === 'login')
    expect(rotated, 'a user whose only id change is the login').toBeDefined()
    const truth = userTruth(rotated!)
    const s = await run(truth.firstId)
    expect(s.requests).toHaveLength(truth.requests)
    expect(s.requests.filter((r) => r.misrouted)).toHaveLength(0)
    expect(s.idChanges.map((c) => c.cause)).toEqual(['login'])
    expect(s.verdict.outcome).toBe('rotated')
  })

  it('every user: the trace of the first id holds every request the user sent with an id, and the causes recorded', async () => {
    for (const user of users.users) {
      const truth = userTruth(user)
      const s = await run(truth.firstId)
      expect(s.requests, `user ${user.id}`).toHaveLength(truth.requests)
      expect(
        s.idChanges.map((c) => c.cause),
        `user ${user.id}`,
      ).toEqual(truth.causes)
    }
  })

  it('a trace by sid: equals the trace by raw id', async () => {
    const truth = userTruth(users.users.find((u) => userTruth(u).causes.includes('misrouted'))!)
    const raw = await run(truth.firstId)
    const [base, route] = truth.firstId.split('.')
    const bySid = await run(`sid:${hashId(base!)}.${route}`)
    expect({...bySid, scan: null}).toEqual({...raw, scan: null})
  })

  it("Tomcat's own lines about the session (Cannot serialize … for session [ID]) are its app events, redacted", async () => {
    const bad = users.users.find((u) => u.id % 4 === 0 && u.records.some((r) => r.node === 'node3'))
    expect(bad, 'a user with a non-serializable cart on node3').toBeDefined()
    const s = await run(userTruth(bad!).firstId)
    expect(s.appEvents.length).toBeGreaterThan(0)
    expect(s.appEvents.every((e) => e.node === 'node3')).toBe(true)
    for (const e of s.appEvents) expect(e.message).not.toMatch(/[0-9A-F]{32}/)
    expect(s.nodeEvents.some((e) => e.node === 'node3' && e.kind === 'startup')).toBe(true)
    console.log(`lab trace of user ${bad!.id}: ${s.verdict.text}\n  ${s.appEvents.map((e) => e.message).join('\n  ')}`)
  })
})
