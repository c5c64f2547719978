import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {apacheState, parseBalancerManager} from '../../src/core/drain/apache-balancer-manager.js'
import {haproxyState, parseHaproxyStat} from '../../src/core/drain/haproxy-stat.js'
import {parseManagerList} from '../../src/core/drain/tomcat-manager.js'
import type {BalancerMember} from '../../src/core/drain/types.js'
import {type DrainFacts, judgeDrain} from '../../src/core/drain/verdict.js'

describe('balancer-manager page (Apache 2.4.71, node2 in drain mode)', () => {
  const html = readFileSync(new URL('./fixtures/balancer-manager-drn.html', import.meta.url), 'utf8')
  it('lists every member with its route, flags and state', () => {
    expect(parseBalancerManager(html, 'http://lb/balancer-manager')).toEqual([
      {route: 'node1', status: 'Init Ok', state: 'active', source: 'http://lb/balancer-manager balancer://lab'},
      {route: 'node2', status: 'Init Drn Ok', state: 'draining', source: 'http://lb/balancer-manager balancer://lab'},
    ])
  })
  it.each([
    ['Init Ok', 'active'],
    ['Init Drn Ok', 'draining'],
    ['Init Dis', 'disabled'],
    ['Init Stop', 'disabled'],
    ['Init Err', 'down'],
    ['Init Stby Ok', 'active'],
  ])('%s is %s', (status, state) => expect(apacheState(status)).toBe(state))
})

describe("HAProxy's stats CSV", () => {
  const csv = `# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,
lab,FRONTEND,,,0,1,262,9,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,
be,node1,0,0,0,1,,5,0,0,,0,,0,0,0,0,UP,1,1,0,0,0,12,0,,1,3,1,,5,,2,
be,node2,0,0,0,1,,4,0,0,,0,,0,0,0,0,DRAIN,0,1,0,0,0,12,0,,1,3,2,,4,,2,
be,node3,0,0,0,1,,4,0,0,,0,,0,0,0,0,MAINT,1,1,0,0,0,12,0,,1,3,2,,4,,2,
be,BACKEND,0,0,0,1,26,9,0,0,0,0,,0,0,0,0,UP,2,2,0,,0,12,0,,1,3,0,,9,,1,
`
  it('lists the servers, not the frontend and backend rows', () => {
    expect(parseHaproxyStat(csv, 'unix:/run/haproxy.sock').map((m) => [m.route, m.status, m.state])).toEqual([
      ['node1', 'UP', 'active'],
      ['node2', 'DRAIN', 'draining'],
      ['node3', 'MAINT', 'disabled'],
    ])
  })
  it.each([
    ['UP', 1, 'active'],
    ['UP 1/3', 1, 'active'],
    ['UP', 0, 'draining'],
    ['NOLB', 1, 'draining'],
    ['DOWN', 1, 'down'],
    ['MAINT (via be/x)', 1, 'disabled'],
    ['no check', 1, 'active'],
  ])('%s weight %i is %s', (status, weight, state) => expect(haproxyState(status, weight)).toBe(state))
})

it("Tomcat manager's list: active sessions per context, the manager left out", () => {
  expect(
    parseManagerList(
      'OK - Listed applications for virtual host [localhost]\n/app:running:3:app\n/manager:running:1:manager\n/:running:0:ROOT\n',
    ),
  ).toEqual({
    contexts: {'/app': 3, '/': 0},
    activeSessions: 3,
  })
})

describe('judgeDrain: the verdicts of CONTRACT.md', () => {
  const member = (route: string, state: BalancerMember['state']): BalancerMember => ({route, state, status: state, source: 'lb'})
  const base: DrainFacts = {
    route: 'node2',
    members: [member('node1', 'active'), member('node2', 'draining')],
    balancersGiven: 1,
    balancerErrors: [],
    boundSessions: 0,
    boundFrom: 'access log',
    newSessionsSinceDrain: null,
    lastRequest: Date.parse('2026-11-28T10:00:00Z'),
    timeoutMs: 30 * 60_000,
    now: Date.parse('2026-11-28T10:10:00Z'),
  }
  it.each<[string, Partial<DrainFacts>, string, string[], string | null]>([
    ['draining, none bound', {}, 'safe', ['info:drain.safe'], null],
    ['draining, sessions bound', {boundSessions: 4}, 'wait', ['warning:drain.sessions-bound'], '2026-11-28T10:30:00.000Z'],
    [
      'active, sessions bound',
      {boundSessions: 4, members: [member('node2', 'active')]},
      'not-draining',
      ['critical:drain.not-draining'],
      '2026-11-28T10:30:00.000Z',
    ],
    ['active, none bound', {members: [member('node2', 'active')]}, 'not-draining', ['warning:drain.not-draining'], null],
    [
      'drained on one front end only',
      {boundSessions: 2, members: [member('node2', 'draining'), member('node2', 'active')]},
      'not-draining',
      ['critical:drain.not-draining'],
      '2026-11-28T10:30:00.000Z',
    ],
    ['disabled, none bound', {members: [member('node2', 'disabled')]}, 'safe', ['info:drain.safe'], null],
    [
      'draining but new sessions arrive',
      {boundSessions: 3, newSessionsSinceDrain: 2},
      'not-draining',
      ['critical:drain.not-draining'],
      '2026-11-28T10:30:00.000Z',
    ],
    ['no balancer given', {balancersGiven: 0, members: []}, 'unknown', [], null],
    ['the balancer did not answer', {members: [], balancerErrors: ['refused']}, 'unknown', [], null],
    ['the route is not a member', {route: 'node9'}, 'unknown', [], null],
    ['no log and no manager', {boundSessions: null}, 'unknown', [], null],
  ])('%s → %s', (_name, facts, verdict, findings, safeAt) => {
    const j = judgeDrain({...base, ...facts})
    expect(j.verdict).toBe(verdict)
    expect(j.findings.map((f) => `${f.severity}:${f.id}`)).toEqual(findings)
    expect(Number.isNaN(j.safeAt) ? null : new Date(j.safeAt).toISOString()).toBe(safeAt)
    if (verdict === 'unknown') expect(j.reason).toMatch(/give|check|cannot/)
  })
})
