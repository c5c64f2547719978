import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {hashId} from '../../src/core/redact.js'
import type {TraceSection} from '../../src/core/trace/index.js'
import {parseTraceId, type TraceOptions, traceSession} from '../../src/core/trace/index.js'

const APACHE = 'fixtures/lab/apache-restart/access.log'
const HAPROXY = 'fixtures/lab/haproxy-insert/haproxy.log'
const dir = mkdtempSync(join(tmpdir(), 'sessdoc-trace-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

async function trace(id: string, extra: Partial<TraceOptions> = {}): Promise<TraceSection> {
  const parsed = parseTraceId(id)
  if (!parsed.ok) throw new Error(parsed.error)
  const result = await traceSession({
    id: parsed.id,
    accessLogs: [APACHE],
    appLogs: [],
    window: {since: null, until: null},
    redact: {},
    ...extra,
  })
  return result.section as TraceSection
}

// The lab's Apache log (node3 restarted without draining): user 1 logs in on node3 (id rotated), is sent to node1
// while node3 is down, and node1 hands out a new id.
const LOST = '5C4E81AA55362508731D20EFC79CDFFC.node3'

describe('trace on the lab logs (fixtures/lab)', () => {
  it('a session lost by a misrouted request: login rotation, then the misroute, one timeline of the client', async () => {
    const s = await trace(LOST)
    expect(s.status).toBe('analyzed')
    expect(s.home).toBe('node3')
    expect(s.idChanges.map((c) => c.cause)).toEqual(['login', 'misrouted'])
    expect(s.ids).toHaveLength(3)
    // Every request of user 1 that carried an id (the first, /app/hello, carried none).
    expect(s.requests).toHaveLength(8)
    expect(s.requests.filter((r) => r.misrouted)).toHaveLength(1)
    expect(s.requests.map((r) => r.path)).toEqual([
      '/app/login',
      '/app/cart',
      '/app/hello',
      '/app/hello',
      '/app/hello',
      '/app/hello',
      '/app/hello',
      '/app/hello',
    ])
    expect(s.requests.every((r) => r.status === 200 && r.method === 'GET')).toBe(true)
    expect(s.verdict.outcome).toBe('lost')
    expect(s.verdict.text).toMatch(/^Lost at 01:06:00: the request went to node1 while the session lived on node3/)
    expect(s.verdict.findingIds).toContain('access.route-flip')
  })

  it('a session that only rotated at login is not lost', async () => {
    const s = await trace('72FD67E0167C9892EB16EE4B1EB93B26.node1')
    expect(s.idChanges.map((c) => c.cause)).toEqual(['login'])
    expect(s.verdict.outcome).toBe('rotated')
    expect(s.requests.some((r) => r.misrouted)).toBe(false)
  })

  it('a trace by sid: equals the trace by raw id', async () => {
    const raw = await trace(LOST)
    const bySid = await trace(`sid:${hashId(LOST.split('.')[0]!)}.node3`)
    expect({...bySid, scan: null}).toEqual({...raw, scan: null})
    const noRoute = await trace(`sid:${hashId(LOST.split('.')[0]!)}`)
    expect(noRoute.requests).toEqual(raw.requests)
  })

  it('HAProxy: the captured response cookie names the replacement itself', async () => {
    const s = await trace('CD0C2AF318B5179DF54C24A8FB4FDA42.node2', {accessLogs: [HAPROXY]})
    expect(s.status).toBe('analyzed')
    expect(s.requests.length).toBeGreaterThan(0)
    expect(s.idChanges[0]?.cause).toBe('login')
  })

  it('an id in no log is an error with its reason (exit UNKNOWN), not an empty OK', async () => {
    const s = await trace('00000000000000000000000000000000.node1')
    expect(s.status).toBe('error')
    const sid = await trace('sid:00000000')
    expect(sid.status).toBe('error')
    expect(sid.reason).toMatch(/sid:00000000/)
  })

  it('--since/--until: requests outside the window are left out', async () => {
    const s = await trace(LOST, {window: {since: null, until: new Date('2026-12-06T01:05:59.500Z')}})
    expect(s.requests.every((r) => r.time! <= '2026-12-06T01:05:59.500Z')).toBe(true)
    expect(s.idChanges.map((c) => c.cause)).toEqual(['login'])
  })

  it('app-log lines naming the session, and the node restart in the verdict', async () => {
    const catalina = join(dir, 'node3', 'catalina.out')
    mkdirSync(join(dir, 'node3'), {recursive: true})
    writeFileSync(
      catalina,
      [
        '06-Dec-2026 01:05:59.900 INFO [main] org.apache.catalina.core.StandardService.stopInternal Stopping service [Catalina]',
        `06-Dec-2026 01:05:59.950 WARNING [main] org.apache.catalina.session.StandardManager.doUnload Cannot serialize session attribute [cart] for session [CE57BF6C7267B32DAC0A5214575F714E.node3]`,
        '06-Dec-2026 01:06:03.000 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [812] milliseconds',
        '',
      ].join('\n'),
    )
    const s = await trace(LOST, {appLogs: [catalina], timeZone: 'UTC'})
    expect(s.appEvents).toHaveLength(1)
    expect(s.appEvents[0]!.node).toBe('node3')
    expect(s.appEvents[0]!.message).not.toContain('CE57BF6C')
    expect(s.nodeEvents.map((e) => e.kind)).toEqual(['shutdown', 'startup'])
    expect(s.verdict.text).toMatch(/node3 was stopped at 01:05:59 without draining/)
    expect(s.verdict.findingIds).toEqual(['access.route-flip', 'correlation.flips-after-restart', 'tomcat.serialization'])
  })

  it('a misrouted loss is explained by the stop, also when the restart is logged in the same second', async () => {
    const lossAt = Date.parse((await trace(LOST)).idChanges[1]!.time!)
    const logTime = (ms: number) => {
      const d = new Date(ms).toISOString()
      return `06-Dec-2026 ${d.slice(11, 23)}`
    }
    const catalina = join(dir, 'node3-same-second', 'catalina.out')
    mkdirSync(join(dir, 'node3-same-second'), {recursive: true})
    writeFileSync(
      catalina,
      [
        `${logTime(lossAt - 4000)} INFO [main] org.apache.catalina.core.StandardService.stopInternal Stopping service [Catalina]`,
        `${logTime(lossAt + 500)} INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [812] milliseconds`,
        '',
      ].join('\n'),
    )
    const s = await trace(LOST, {appLogs: [catalina], timeZone: 'UTC'})
    expect(s.nodeEvents.map((e) => e.kind)).toEqual(['shutdown', 'startup'])
    expect(s.verdict.text).toContain(`node3 was stopped at ${new Date(lossAt - 4000).toISOString().slice(11, 19)} without draining`)
    // Back up before the request: the restart is the last event, and the verdict names it.
    writeFileSync(
      catalina,
      [
        `${logTime(lossAt - 8000)} INFO [main] org.apache.catalina.core.StandardService.stopInternal Stopping service [Catalina]`,
        `${logTime(lossAt - 2000)} INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [812] milliseconds`,
        '',
      ].join('\n'),
    )
    const back = await trace(LOST, {appLogs: [catalina], timeZone: 'UTC'})
    expect(back.verdict.text).toContain(`node3 restarted at ${new Date(lossAt - 2000).toISOString().slice(11, 19)} without draining`)
  })

  it('a line that straddles two reads of a large file is found whole', async () => {
    const big = join(dir, 'big.log')
    const filler = '127.0.0.1 - - [06/Dec/2026:01:00:00 +0000] "GET /x HTTP/1.1" 200 1 "-" "other" "-" - node1 1\n'
    const target =
      '127.0.0.1 - - [06/Dec/2026:01:00:01 +0000] "GET /y?q=1 HTTP/1.1" 302 1 "-" "ua" "ABCDEF0123456789ABCDEF0123456789.node2" node2 node2 -\n'
    const before = filler.repeat(Math.ceil((4 * 1024 * 1024 - 40) / filler.length))
    const head = before.slice(0, 4 * 1024 * 1024 - 40)
    const cut = head.lastIndexOf('\n') + 1
    writeFileSync(big, head.slice(0, cut) + target + filler.repeat(10) + target.trimEnd())
    const s = await trace('ABCDEF0123456789ABCDEF0123456789', {accessLogs: [big]})
    expect(s.requests).toHaveLength(2)
    expect(s.requests[0]).toMatchObject({path: '/y', status: 302, node: 'node2'})
  })
})
