/**
 * drain-status in the real-server lab (#17): Apache drained through its balancer-manager form, HAProxy through its
 * admin socket, with a short session timeout so the node becomes safe within the test. The users' own records are
 * the truth: the sessions bound to node2 are the ids they sent that node2 issued.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import DrainStatus from '../../src/commands/drain-status.js'
import {DrainCheck, type DrainOptions} from '../../src/core/drain/index.js'
import {waitUntilSafe} from '../../src/core/drain/wait.js'
import {runCommand} from '../helpers/run-command.js'
import {type Balancer, haproxyCommand, startApache, startHaproxy} from './balancers.js'
import {LOOPBACK, missingLabCommands, removeLabTempDirs, sleep, stopAllLabProcesses} from './process.js'
import {startTomcatNodes, type TomcatNode} from './tomcat.js'
import {arrive, browse, makeUsers, type Users} from './traffic.js'

const missing = missingLabCommands()
const LAB_TIMEOUT = 120_000
/** The session timeout sessdoc is told: short, so that a drained node becomes safe within the test. */
const TIMEOUT_MS = 5000

/** Distinct session ids of node2 the users sent since `since` (ms): what drain-status must count as bound. */
function boundTruth(users: Users, since: number): number {
  const ids = new Set<string>()
  for (const r of users.records()) if (r.t >= since && r.sentId?.endsWith('.node2')) ids.add(r.sentId.split('.')[0]!)
  return ids.size
}

/** Apache's form, as an operator's browser posts it: the nonce from the page, drain mode (N) on. */
async function drainApacheMember(lb: Balancer, workerUrl: string): Promise<void> {
  const manager = `${lb.url}/balancer-manager`
  const page = await (await fetch(manager)).text()
  const nonce = /nonce=([0-9a-f-]+)/.exec(page)?.[1]
  const body = new URLSearchParams({b: 'lab', w: workerUrl, nonce: nonce!, w_status_N: '1'})
  const res = await fetch(manager, {method: 'POST', body, headers: {referer: manager}})
  expect(res.status).toBe(200)
}

describe.skipIf(missing !== null)('drain-status in the real-server lab', () => {
  let nodes: TomcatNode[] = []
  const members = (): {url: string; route: string}[] => nodes.map((n) => ({url: n.url, route: n.name}))

  beforeAll(async () => {
    nodes = await startTomcatNodes(['node1', 'node2'])
  }, LAB_TIMEOUT)

  afterAll(async () => {
    await stopAllLabProcesses()
    if (!process.env.LAB_KEEP) removeLabTempDirs()
  }, LAB_TIMEOUT)

  /** The same story on each balancer: not draining → drained, sessions bound (wait) → safe, new users elsewhere. */
  function story(name: string, start: () => Promise<{lb: Balancer; log: string; balancer: string; drain: () => Promise<void>}>): void {
    describe(name, () => {
      let lb: Balancer
      let users: Users
      let options: DrainOptions
      const steps: Record<string, {bound: number; truth: number; verdict: string; findings: string[]; code?: number}> = {}
      let waited: {ms: number; verdict: string; newSessions: number | null; checks: number; lateUsersOnNode2: number}

      beforeAll(async () => {
        const started = await start()
        lb = started.lb
        options = {route: 'node2', balancers: [started.balancer], accessLogs: [started.log], timeoutMs: TIMEOUT_MS}
        users = makeUsers(6, {host: LOOPBACK, port: lb.port})
        // 1. Users work on both nodes; node2 is not drained.
        let since = Date.now()
        await arrive(users)
        await browse(users, 1)
        let result = await (await DrainCheck.create(options)).check()
        const cliArgs = ['--route', 'node2', '--balancer', started.balancer, '--access-log', started.log, '--timeout', '5s', '--json']
        const cli = await runCommand(DrainStatus, cliArgs)
        steps.before = {
          bound: result.section.boundSessions!,
          truth: boundTruth(users, since),
          verdict: result.section.verdict,
          findings: result.findings.map((f) => f.id),
          code: cli.code,
        }
        // 2. node2 drained; its users keep working on it (sticky) once the earlier requests are past the timeout.
        await started.drain()
        await sleep(TIMEOUT_MS + 1500)
        since = Date.now()
        await browse(users, 1)
        const check = await DrainCheck.create(options)
        result = await check.check()
        steps.draining = {
          bound: result.section.boundSessions!,
          truth: boundTruth(users, since),
          verdict: result.section.verdict,
          findings: result.findings.map((f) => f.id),
        }
        // 3. --wait: new users arrive meanwhile (they must not land on node2); safe once node2's users are idle past the timeout.
        const late = makeUsers(3, {host: LOOPBACK, port: lb.port})
        const began = Date.now()
        let arrived: Promise<void> | null = null
        const final = await waitUntilSafe(check, {
          maxWaitMs: 30_000,
          intervalMs: 500,
          onCheck: () => {
            arrived ??= arrive(late)
          },
        })
        await arrived
        waited = {
          ms: Date.now() - began,
          verdict: final.section.verdict,
          newSessions: final.section.newSessionsSinceDrain,
          checks: final.section.checks,
          lateUsersOnNode2: late.records().filter((r) => r.node === 'node2').length,
        }
        const done = await runCommand(DrainStatus, cliArgs)
        steps.after = {
          bound: JSON.parse(done.stdout).sources.drain.boundSessions,
          truth: 0,
          verdict: JSON.parse(done.stdout).sources.drain.verdict,
          findings: [],
          code: done.code,
        }
        console.log(`lab drain ${name}: ${JSON.stringify(steps)} wait ${JSON.stringify(waited)}`)
      }, LAB_TIMEOUT)

      it('before the drain: not draining, the bound sessions counted as the users sent them, exit 2', () => {
        expect(steps.before!.truth).toBeGreaterThan(0)
        expect(steps.before).toMatchObject({verdict: 'not-draining', bound: steps.before!.truth, findings: ['drain.not-draining'], code: 2})
      })
      it('drained while node2 users still work: wait, with exactly their sessions bound', () => {
        expect(steps.draining!.truth).toBeGreaterThan(0)
        expect(steps.draining).toMatchObject({verdict: 'wait', bound: steps.draining!.truth, findings: ['drain.sessions-bound']})
      })
      it('--wait ends safe once they are idle past the timeout; the new users went elsewhere and none is counted new on node2', () => {
        expect(waited.verdict).toBe('safe')
        expect(waited.lateUsersOnNode2).toBe(0)
        expect(waited.newSessions).toBe(0)
        expect(waited.checks).toBeGreaterThan(2)
        // At most the timeout, the log's one-second clock, a check interval and the checks themselves.
        expect(waited.ms).toBeLessThan(TIMEOUT_MS + 4000)
      })
      it('a fresh check afterwards: safe, no session bound, exit 0', () => {
        expect(steps.after).toMatchObject({verdict: 'safe', bound: 0, code: 0})
      })
    })
  }

  story('Apache balancer-manager, drain mode set through its form', async () => {
    const lb = await startApache({members: members(), stickysession: true, balancerManager: true})
    return {
      lb,
      log: lb.logs['combined-balancer']!,
      balancer: `${lb.url}/balancer-manager`,
      drain: () => drainApacheMember(lb, nodes[1]!.url),
    }
  })

  story('HAProxy, set server be/node2 state drain on the admin socket', async () => {
    const lb = await startHaproxy({servers: members(), cookie: 'insert'})
    return {
      lb,
      log: lb.logs.haproxy!,
      balancer: `unix:${lb.adminSocket}`,
      drain: async () => {
        expect(await haproxyCommand(lb.adminSocket, 'set server be/node2 state drain')).toBe('\n')
      },
    }
  })
})
