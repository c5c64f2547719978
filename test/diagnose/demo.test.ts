import {execFile} from 'node:child_process'
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Report} from '../../src/core/report/types.js'
import {displayWidth} from '../../src/render/wrap.js'
import {findChromium} from '../helpers/chromium.js'
import {expectGolden, goldenRun} from '../helpers/golden.js'
import {runCli} from '../helpers/run-cli.js'
import {expectValidReport} from '../helpers/schema.js'

const truth = JSON.parse(await readFile(new URL('../../fixtures/demo/truth.json', import.meta.url), 'utf8')) as {
  routeFlips: number
  sessionsWithFlips: number
  flipsAfterRestart: number
  serializationErrors: number
  redisErrors: number
  sessionIdInUrl: number
}
const demo = ['--access-log', 'fixtures/demo/access.log', '--tomcat-log', 'fixtures/demo/node*/catalina.out']
const env = {SOURCE_DATE_EPOCH: String(Date.parse('2026-11-28T11:00:00Z') / 1000), TZ: 'UTC'}

let dir: string
let report: Report
let jsonExit: number | null
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessdoc-demo-'))
  const run = await runCli(['diagnose', ...demo, '--json'], {env})
  jsonExit = run.code
  report = JSON.parse(run.stdout) as Report
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('diagnose on the demo incident (all sources tell one story)', () => {
  it('is a valid critical report and exits 2', () => {
    expectValidReport(report)
    expect(report.status).toBe('critical')
    expect(jsonExit).toBe(2)
  })

  it('finds the planted flips, serialization and Redis errors exactly', () => {
    expect(report.sources.accessLog).toMatchObject({
      routeFlips: truth.routeFlips,
      sessionsWithFlips: truth.sessionsWithFlips,
      sessionIdInUrl: truth.sessionIdInUrl,
    })
    expect(report.sources.tomcatLog).toMatchObject({byCategory: {serialization: truth.serializationErrors, redis: truth.redisErrors}})
  })

  it('ties the flips to the node1 restart and the churn to the Redis outage', () => {
    const ids = report.findings.map((f) => f.id)
    expect(ids).toEqual(
      expect.arrayContaining([
        'correlation.flips-after-restart',
        'correlation.redis-errors-logouts',
        'tomcat.serialization',
        'tomcat.redis-connection',
        'access.route-flip',
      ]),
    )
    const restart = report.findings.find((f) => f.id === 'correlation.flips-after-restart')!
    expect(restart.detail).toContain('node1')
    // Every planted restart flip is inside a restart window; a stray flip may fall in one by chance.
    expect(restart.evidence.flipsInWindows as number).toBeGreaterThanOrEqual(truth.flipsAfterRestart)
    const redis = report.findings.find((f) => f.id === 'correlation.redis-errors-logouts')!
    expect(redis.evidence.redisErrors).toBe(truth.redisErrors)
  })

  it('ranks stickiness, Redis and serialization as the likely causes of logouts and names what it could not check', () => {
    const logout = report.diagnosis!.playbooks.find((p) => p.symptom === 'Users keep getting logged out')!
    const likely = logout.causes.filter((c) => c.verdict === 'likely').map((c) => c.cause)
    expect(likely).toHaveLength(3)
    expect(likely.join(' ')).toMatch(/Sticky.*Redis|Redis.*Sticky/)
    const timeout = logout.causes.find((c) => c.cause.startsWith('Session timeout'))!
    expect(timeout.verdict).toBe('unknown')
    expect(report.diagnosis!.timeline.some((b) => b.restarts > 0 && b.flips === 0)).toBe(true)
    expect(report.diagnosis!.timeline.reduce((n, b) => n + b.redisErrors, 0)).toBe(truth.redisErrors)
  })

  it('gives the same story in text and Markdown (golden)', async () => {
    const text = await runCli(['diagnose', ...demo, '--no-color'], {env})
    expect(text.code).toBe(2)
    expectGolden('diagnose/demo.txt.md', goldenRun(`sessdoc diagnose ${demo.join(' ')}`, text.stdout, text.code))
    const md = await runCli(['diagnose', ...demo, '--format', 'markdown'], {env})
    expectGolden('diagnose/demo.md', md.stdout)
    const json = await runCli(['diagnose', ...demo, '--json'], {env})
    expectGolden('diagnose/demo.json', json.stdout)
  })

  it.each([80, 120])('fits a %i-column terminal: no line wider, prose wrapped, tables fitted (golden)', async (columns) => {
    // Piped, so the width comes from COLUMNS (80 when it is not set: the README's output).
    const run = await runCli(['diagnose', ...demo, '--no-color'], {env: {...env, COLUMNS: String(columns)}})
    expect(run.code).toBe(2)
    const lines = run.stdout.split('\n')
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(columns)
    // The box-drawing tables and sparklines are there, only narrower.
    expect(run.stdout).toMatch(/┌─/)
    expect(run.stdout).toMatch(/route flips +[ ▁▂▃▄▅▆▇█]+ +\d+/)
    if (columns === 80) {
      const unset = await runCli(['diagnose', ...demo, '--no-color'], {env: {...env, COLUMNS: ''}})
      expect(unset.stdout).toBe(run.stdout)
      // The README shows the start of this very output.
      const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
      const shown = /What the triage prints[\s\S]*?```\n([\s\S]*?)\n…\n```/.exec(readme)?.[1]
      expect(shown).toBeDefined()
      expect(run.stdout.startsWith(`${shown}\n`)).toBe(true)
    } else expectGolden('diagnose/demo.120.txt.md', goldenRun(`COLUMNS=120 sessdoc diagnose ${demo.join(' ')}`, run.stdout, run.code))
  })

  it('honours --fail-on', async () => {
    expect((await runCli(['diagnose', ...demo, '--fail-on', 'never', '--format', 'json'], {env})).code).toBe(0)
    expect((await runCli(['diagnose', ...demo, '--fail-on', 'critical', '--format', 'json'], {env})).code).toBe(2)
  })

  it('writes Prometheus metrics for the textfile collector', async () => {
    const out = join(dir, 'sessdoc.prom')
    const run = await runCli(['diagnose', ...demo, '--format', 'prometheus', '--output', out], {env})
    expect(run.code).toBe(2)
    const text = await readFile(out, 'utf8')
    expect(text).toMatch(/^sessdoc_status 2$/m)
    expect(text).toMatch(new RegExp(`^sessdoc_access_route_flips ${truth.routeFlips}$`, 'm'))
    expect(text).toMatch(/^sessdoc_findings\{id="correlation.flips-after-restart"\} 1$/m)
    expect(text).toMatch(/^sessdoc_finding_severity\{id="correlation.flips-after-restart"\} 3$/m)
    // Checked and fine reads 0; not checked (no Redis given) is absent.
    expect(text).toMatch(/^sessdoc_findings\{id="access.unknown-route"\} 0$/m)
    expect(text).not.toMatch(/id="redis\.no-ttl"/)
  })
})

describe('the HTML report', () => {
  const {path: chromium, skip} = findChromium()
  const headless = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ]

  it('is one self-contained file (golden)', async () => {
    const run = await runCli(['diagnose', ...demo, '--format', 'html'], {env})
    expect(run.stdout).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
    expectGolden('diagnose/demo.html', run.stdout)
  })

  it.skipIf(skip !== undefined)(
    `renders its findings and the timeline chart in headless Chromium${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      if (!chromium) throw new Error('chromium is missing: .ci/run installs it (apt-get install chromium)')
      const html = join(dir, 'report.html')
      const run = await runCli(['diagnose', ...demo, '--format', 'html', '--output', html], {env})
      expect(run.code).toBe(2)
      const profile = join(dir, 'chromium-profile')
      const exec = promisify(execFile)
      const {stdout: dom} = await exec(chromium!, [...headless, `--user-data-dir=${profile}`, '--dump-dom', `file://${html}`], {
        timeout: 60_000,
        maxBuffer: 32 * 1024 * 1024,
      })
      for (const id of report.findings.map((f) => f.id)) expect(dom).toContain(`data-id="${id}"`)
      expect(dom).toMatch(/<svg id="timeline-chart"[^>]*>.*<rect class="bar flips"/s)
      const png = join(dir, 'report.png')
      await exec(
        chromium!,
        [...headless, `--user-data-dir=${profile}`, `--screenshot=${png}`, '--window-size=1000,1400', `file://${html}`],
        {timeout: 60_000},
      )
      expect((await stat(png)).size).toBeGreaterThan(20_000)
      await writeFile(join(dir, 'done'), '')
    },
    120_000,
  )
})
