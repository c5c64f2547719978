import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, afterEach, describe, expect, it, vi} from 'vitest'
import AccessLog from '../../src/commands/access-log.js'
import type {Report} from '../../src/core/report/types.js'
import {expectGolden, goldenRun} from '../helpers/golden.js'
import {expectValidReport} from '../helpers/schema.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const fixture = (name: string): string => `${root}fixtures/access-log/${name}`
const shown = (text: string): string => text.split(root).join('')

const outDir = mkdtempSync(join(tmpdir(), 'sessdoc-access-cmd-'))
afterAll(() => rmSync(outDir, {recursive: true, force: true}))
let runs = 0

/** Runs the command class with --output (the report) and a spy on stderr (usage errors). */
async function run(args: string[]): Promise<{stdout: string; stderr: string; code: number}> {
  process.exitCode = undefined
  const output = join(outDir, `report-${++runs}`)
  let stderr = ''
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk)
    return true
  })
  try {
    await AccessLog.run([...args, '--output', output], root)
    let stdout = ''
    try {
      stdout = readFileSync(output, 'utf8')
    } catch {
      // no report written (usage error)
    }
    return {stdout, stderr, code: Number(process.exitCode ?? 0)}
  } finally {
    spy.mockRestore()
    process.exitCode = undefined
  }
}

describe('sessdoc access-log (the command)', () => {
  afterEach(() => {
    process.exitCode = undefined
  })

  it('--json: the contract figures, ids redacted, exit 2 (an unknown route is critical)', async () => {
    const {stdout, code} = await run([fixture('apache-cookie.log'), '--json', '--workers', 'node1,node2'])
    expect(code).toBe(2)
    const report = JSON.parse(stdout) as Report
    expectValidReport(report)
    const section = report.sources.accessLog!
    for (const key of [
      'files',
      'lines',
      'parsed',
      'rejected',
      'requestsWithSession',
      'sessions',
      'routes',
      'routeFlips',
      'sessionsWithFlips',
      'sessionIdInUrl',
      'firstSeen',
      'lastSeen',
      'timeline',
    ]) {
      expect(section).toHaveProperty(key)
    }
    expect(section).toMatchObject({files: 1, lines: 12, routeFlips: 3, sessionsWithFlips: 2, sessions: 4})
    expect(report.findings.map((f) => f.id)).toEqual([
      'access.unknown-route',
      'access.missing-route',
      'access.route-flip',
      'access.session-id-in-url',
      'access.unparsed-lines',
    ])
    expect(stdout).not.toMatch(/[0-9A-F]{32}/)
  })

  it('text output: golden', async () => {
    const args = [fixture('apache-cookie.log'), '--workers', 'node1,node2', '--format', 'text']
    const {stdout, code} = await run(args)
    expectGolden('access-log/apache-cookie.text.md', goldenRun(shown(`sessdoc access-log ${args.join(' ')}`), shown(stdout), code))
  })

  it('json output: golden', async () => {
    const {stdout} = await run([fixture('apache-cookie.log'), '--workers', 'node1,node2', '--json'])
    expectGolden('access-log/apache-cookie.json', shown(stdout).replace(/"generatedAt": "[^"]+"/, '"generatedAt": "<time>"'))
  })

  it('markdown output: golden', async () => {
    const args = [fixture('apache-cookie.log'), '--workers', 'node1,node2', '--format', 'markdown']
    const {stdout, code} = await run(args)
    const stable = stdout.replace(/Generated \S+ by sessdoc \S+\./, 'Generated <time> by sessdoc <version>.')
    expectGolden('access-log/apache-cookie.markdown.md', goldenRun(shown(`sessdoc access-log ${args.join(' ')}`), shown(stable), code))
  })

  it('no session field: a warning whose detail is the LogFormat line to add, exit 1', async () => {
    const {stdout, code} = await run([fixture('common.log'), '--json'])
    expect(code).toBe(1)
    const report = JSON.parse(stdout) as Report
    expect(report.sources.accessLog).toMatchObject({detectedFormat: 'common', formatSource: 'detected', parsed: 3, requestsWithSession: 0})
    expect(report.findings.map((f) => f.id)).toEqual(['access.no-session-field'])
    expect(report.findings[0]!.detail).toContain('LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{JSESSIONID}C\\"" combined-cookie')
  })

  it("Tomcat's own access logs with --tomcat-conf: the AccessLogValve pattern of each server.xml, no --log-format", async () => {
    const lab = `${root}fixtures/lab/tomcat-nodes`
    const truth = JSON.parse(readFileSync(`${lab}/truth.json`, 'utf8')) as Record<string, number>
    const {stdout} = await run([`${lab}/node*/logs/*access_log*`, '--tomcat-conf', lab, '--json'])
    const section = (JSON.parse(stdout) as Report).sources.accessLog as unknown as Record<string, unknown>
    expect(section).toMatchObject({formatSource: 'config', routeSource: 'log-path'})
    for (const figure of ['requestsWithSession', 'sessions', 'routeFlips', 'misroutedRequests', 'sessionsLost'])
      expect(section[figure], figure).toBe(truth[figure])
  })

  it('an nginx.conf given as --apache-conf: the log_format its access_log line declares', async () => {
    const lab = `${root}fixtures/lab/nginx-ip-hash`
    const {stdout} = await run([`${lab}/access_kv.log`, '--apache-conf', `${lab}/nginx.conf`, '--json'])
    expect((JSON.parse(stdout) as Report).sources.accessLog).toMatchObject({formatSource: 'config', routeFlips: 6})
  })

  it('a bad --log-format exits 3 with a hint', async () => {
    const {stderr, code} = await run([fixture('apache-cookie.log'), '--log-format', 'bogus'])
    expect(code).toBe(3)
    expect(stderr).toMatch(/unknown log format 'bogus'/)
  })

  it('a missing file only: exit 3, an error section', async () => {
    const {stdout, code} = await run([fixture('missing.log'), '--json'])
    expect(code).toBe(3)
    const report = JSON.parse(stdout) as Report
    expect(report.status).toBe('unknown')
    expect(report.sources.accessLog).toMatchObject({status: 'error', reason: expect.stringMatching(/no such file/)})
  })
})
