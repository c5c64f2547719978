/**
 * watch in the real-server lab (#17): HAProxy in front of two Tomcat nodes, users browsing while `sessdoc watch` (the
 * built binary, as a deploy script runs it) follows HAProxy's log, node2's catalina.out and the admin socket. The
 * users' own records are the truth: a session is lost when a user sent an id and another node than its home answered
 * with a new session.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {binPath} from '../helpers/run-cli.js'
import {expectValidReport} from '../helpers/schema.js'
import {type Balancer, haproxyCommand, startHaproxy} from './balancers.js'
import {LOOPBACK, missingLabCommands, removeLabTempDirs, sleep, stopAllLabProcesses} from './process.js'
import {startTomcatNodes, type TomcatNode} from './tomcat.js'
import {arrive, browse, makeUsers, type Users} from './traffic.js'
import {truthOf} from './truth.js'

const missing = missingLabCommands()
const LAB_TIMEOUT = 150_000
const INTERVAL_MS = 1000

interface WatchRun {
  child: ChildProcess
  stderr: () => string
  /** Resolves once the first interval line is out: the watch follows the files. */
  following: Promise<void>
  done: Promise<{code: number | null; stdout: string; exitAt: number}>
}

/** `sessdoc watch … --json` as a child process: the live lines on stderr, the report on stdout. */
function startWatch(args: string[]): WatchRun {
  const child = spawn(process.execPath, [binPath, 'watch', ...args, '--interval', '1s', '--json'], {
    env: {...process.env, FORCE_COLOR: '0', NO_COLOR: '1'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let ready: () => void = () => {}
  let fail: (error: Error) => void = () => {}
  const following = new Promise<void>((resolve, reject) => {
    ready = resolve
    fail = reject
  })
  child.stdout!.on('data', (d) => {
    stdout += d
  })
  child.stderr!.on('data', (d) => {
    stderr += d
    if (/ requests, /.test(stderr)) ready()
  })
  const timer = setTimeout(() => fail(new Error(`watch did not start following within 20 s; stderr: ${stderr.slice(0, 2000)}`)), 20_000)
  following.then(
    () => clearTimeout(timer),
    () => {},
  )
  const done = new Promise<{code: number | null; stdout: string; exitAt: number}>((resolve) => {
    let exitAt = 0
    child.on('exit', () => {
      exitAt = Date.now()
    })
    // 'close' comes after 'exit' and after stdout has ended.
    child.on('close', (code) => resolve({code, stdout, exitAt}))
  })
  return {child, stderr: () => stderr, following, done}
}

describe.skipIf(missing !== null)('watch in the real-server lab', () => {
  let nodes: TomcatNode[] = []
  let lb: Balancer & {adminSocket: string}
  let users: Users
  let inputs: string[]

  beforeAll(async () => {
    nodes = await startTomcatNodes(['node1', 'node2'])
    lb = await startHaproxy({servers: nodes.map((n) => ({url: n.url, route: n.name})), cookie: 'insert'})
    users = makeUsers(8, {host: LOOPBACK, port: lb.port})
    await arrive(users)
    await browse(users, 1)
    inputs = [
      '--access-log',
      lb.logs.haproxy!,
      '--tomcat-log',
      join(nodes[1]!.logs, 'catalina.out'),
      '--balancer',
      `unix:${lb.adminSocket}`,
    ]
  }, LAB_TIMEOUT)

  afterAll(async () => {
    await stopAllLabProcesses()
    if (!process.env.LAB_KEEP) removeLabTempDirs()
  }, LAB_TIMEOUT)

  it(
    'node2 stopped without drain while watch --max-lost 1 --interval 1s runs: exit 2 within one interval of the loss, lost = the users’ record',
    async () => {
      expect(truthOf(users.records()).sessionsLost).toBe(0)
      const watch = startWatch([...inputs, '--max-lost', '1', '--duration', '90s'])
      await watch.following
      const stopping = nodes[1]!.stop()
      // One request at a time, until the users' own record shows the second lost session.
      let lossAt = 0
      for (let round = 0; round < 40 && lossAt === 0; round++) {
        for (const user of users.users) {
          await user.get('/app/hello')
          if (truthOf(users.records()).sessionsLost >= 2) {
            lossAt = Date.now()
            break
          }
        }
      }
      const {code, stdout, exitAt} = await watch.done
      await stopping
      const truth = truthOf(users.records())
      const report = JSON.parse(stdout)
      const w = report.sources.watch
      console.log(
        `lab watch max-lost: exit ${code} ${exitAt - lossAt} ms after the loss; watch ${JSON.stringify(w.totals)}; users lost ${truth.sessionsLost}, misrouted ${truth.misroutedRequests}, flips ${truth.routeFlips}; events ${w.events.map((e: {kind: string; node: string}) => `${e.node} ${e.kind}`).join(', ')}`,
      )
      expect(lossAt).toBeGreaterThan(0)
      expect(code).toBe(2)
      expect(w.stoppedBy).toBe('max-lost')
      expect(w.totals.lost).toBe(truth.sessionsLost)
      expect(report.sources.accessLog.sessionsLost).toBe(truth.sessionsLost)
      expect(exitAt - lossAt).toBeLessThan(INTERVAL_MS)
      expect(report.findings.map((f: {id: string}) => f.id)).toContain('watch.max-lost')
      expect(w.events).toEqual(expect.arrayContaining([expect.objectContaining({node: 'node2', kind: 'shutdown'})]))
      expectValidReport(report)
    },
    LAB_TIMEOUT,
  )

  it(
    '--duration: node2 back and node1 drained and made ready on the admin socket meanwhile; ends with stoppedBy duration and the report',
    async () => {
      const watch = startWatch([...inputs, '--duration', '12s'])
      await watch.following
      const began = Date.now()
      await nodes[1]!.start()
      await browse(users, 1)
      expect(await haproxyCommand(lb.adminSocket, 'set server be/node1 state drain')).toBe('\n')
      await sleep(1500)
      await browse(users, 1)
      expect(await haproxyCommand(lb.adminSocket, 'set server be/node1 state ready')).toBe('\n')
      const {code, stdout, exitAt} = await watch.done
      const w = JSON.parse(stdout).sources.watch
      const kinds = w.events.map((e: {node: string; kind: string}) => `${e.node} ${e.kind}`)
      console.log(
        `lab watch duration: exit ${code} after ${exitAt - began} ms; ${w.intervals.length} intervals, totals ${JSON.stringify(w.totals)}; events ${kinds.join(', ')}`,
      )
      expect(w.stoppedBy).toBe('duration')
      expect(w.intervals.reduce((n: number, i: {requests: number}) => n + i.requests, 0)).toBe(w.totals.requests)
      expect(w.totals.requests).toBeGreaterThanOrEqual(16)
      expect(kinds).toEqual(expect.arrayContaining(['node2 startup', 'node1 member-state']))
      expect([0, 1, 2]).toContain(code)
      expectValidReport(JSON.parse(stdout))
    },
    LAB_TIMEOUT,
  )

  it(
    'SIGTERM ends it with stoppedBy signal and the full report of the watched period',
    async () => {
      const watch = startWatch(inputs)
      await watch.following
      await browse(users, 2)
      await sleep(INTERVAL_MS)
      watch.child.kill('SIGTERM')
      const {code, stdout} = await watch.done
      const report = JSON.parse(stdout)
      expect(report.sources.watch.stoppedBy).toBe('signal')
      expect(report.sources.watch.totals.requests).toBeGreaterThanOrEqual(16)
      expect(report.sources.accessLog.status).toBe('analyzed')
      expect(report.partial).toBeUndefined()
      expect([0, 1, 2]).toContain(code)
      expectValidReport(report)
    },
    LAB_TIMEOUT,
  )
})
