/** An access log asked for but not read (missing, empty, a directory, no line parsed) cannot tell; a days-old log is said. */
import {readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import DrainStatus from '../../src/commands/drain-status.js'
import {DrainCheck} from '../../src/core/drain/index.js'
import {judgeDrain} from '../../src/core/drain/verdict.js'
import {drainView} from '../../src/render/sections/drain.js'
import {runCommand} from '../helpers/run-command.js'
import {cookieLine, sessionId, tempLog} from './helpers.js'

const page = readFileSync(new URL('./fixtures/balancer-manager-drn.html', import.meta.url), 'utf8')
let server: Server
let url = ''

beforeAll(async () => {
  server = createServer((_req, res) => res.end(page))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/balancer-manager`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

async function check(accessLog: string, now = Date.now()) {
  const drain = await DrainCheck.create({route: 'node2', balancers: [url], accessLogs: [accessLog], timeoutMs: 30 * 60_000, now: () => now})
  return (await drain.check()).section
}

describe('drain-status: an access log that could not be read', () => {
  const empty = tempLog('')
  it.each([
    ['a missing file', join(empty, '..', 'nope.log'), /nope\.log/],
    ['an empty file', empty, /empty/],
    ['a directory', join(empty, '..', 'empty-dir'), /not a regular file|empty-dir/],
    ['no line parsed', tempLog('not an access log\nneither is this\n'), /layout|parsed/],
  ])('%s → unknown, with the reason', async (_name, path, why) => {
    if (path.endsWith('empty-dir')) (await import('node:fs')).mkdirSync(path, {recursive: true})
    const s = await check(path)
    expect(s.verdict).toBe('unknown')
    expect(s.status).toBe('error')
    expect(s.boundSessions).toBeNull()
    expect(s.reason).toMatch(/no line of the access log could be read/)
    expect(s.reason).toMatch(why)
  })

  it('the CLI: exit 3, "cannot tell", the reason on stderr', async () => {
    const run = await runCommand(DrainStatus, ['--route', 'node2', '--balancer', url, '--access-log', join(empty, '..', 'nope.log')])
    expect(run.code).toBe(3)
    expect(run.stdout).toMatch(/^UNKNOWN/)
    expect(run.stderr).toMatch(/UNKNOWN: .*nope\.log/)
    expect(run.stderr).not.toMatch(/ENOENT ENOENT/)
  })

  it('a log whose newest line is more than 24 h old: safe still, with a note asking if it is the live log', async () => {
    const now = Date.parse('2026-11-28T12:00:00Z')
    const old = now - 3 * 86_400_000
    const s = await check(tempLog(cookieLine(old, sessionId(1, 'node2'))), now)
    expect(s.verdict).toBe('safe')
    expect(s.log?.newestLine).toBe(new Date(old).toISOString())
    const notes = drainView.blocks(s).filter((b) => b.kind === 'note')
    expect(notes.map((b) => (b.kind === 'note' ? b.text : ''))).toEqual(
      expect.arrayContaining([expect.stringMatching(/newest line is from 2026-11-25T12:00:00.000Z.*live log/)]),
    )
    const fresh = await check(tempLog(cookieLine(now - 60 * 60_000, sessionId(1, 'node2'))), now)
    expect(drainView.blocks(fresh).some((b) => b.kind === 'note' && /live log/.test(b.text))).toBe(false)
  })
})

describe('drain.not-draining: its title fits the count', () => {
  it('says no session is bound when none is', () => {
    const member = {route: 'node2', status: 'Init Ok', state: 'active' as const, source: 'lb'}
    const facts = {
      route: 'node2',
      members: [member],
      balancersGiven: 1,
      balancerErrors: [],
      boundFrom: 'access log' as const,
      newSessionsSinceDrain: null,
      lastRequest: 0,
      timeoutMs: 30 * 60_000,
      now: 0,
    }
    const none = judgeDrain({...facts, boundSessions: 0}).findings[0]!
    expect(none.id).toBe('drain.not-draining')
    expect(none.title).not.toMatch(/while sessions are bound/)
    expect(none.title).toMatch(/no session bound/)
    const some = judgeDrain({...facts, boundSessions: 3}).findings[0]!
    expect(some.title).toMatch(/while sessions are bound/)
  })
})
