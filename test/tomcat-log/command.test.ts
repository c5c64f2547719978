import {fileURLToPath} from 'node:url'
import {afterEach, describe, expect, it} from 'vitest'
import TomcatLog from '../../src/commands/tomcat-log.js'
import type {Report} from '../../src/core/report/types.js'
import {expectGolden, goldenRun} from '../helpers/golden.js'
import {runCli} from '../helpers/run-cli.js'
import {runCommand} from '../helpers/run-command.js'
import {expectValidReport} from '../helpers/schema.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
// Relative paths: the golden files must not depend on where the checkout lives.
const fixture = (name: string): string => `fixtures/tomcat-log/${name}`

const run = (args: string[]) => runCommand(TomcatLog, args)

describe('sessdoc tomcat-log (the command)', () => {
  afterEach(() => {
    process.exitCode = undefined
  })

  it('--json: the contract figures, valid report, exit 2 for critical findings', async () => {
    const {stdout, code} = await run([fixture('juli-oneline.log'), '--json', '--timezone', 'UTC'])
    expect(code).toBe(2)
    const report = JSON.parse(stdout) as Report
    expectValidReport(report)
    const section = report.sources.tomcatLog!
    for (const key of ['files', 'lines', 'events', 'signatures', 'byCategory', 'restarts', 'lifecycle', 'redisErrorsByMinute'])
      expect(section).toHaveProperty(key)
    expect(section).toMatchObject({files: 1, lines: 74, events: 31, restarts: ['2026-11-28T10:00:05.990Z', '2026-11-28T10:52:10.000Z']})
    expect(report.findings.map((f) => f.id)).toEqual([
      'tomcat.class-incompatible',
      'tomcat.redis-connection',
      'tomcat.serialization',
      'tomcat.session-invalidated',
      'tomcat.session-replication',
    ])
    expect(stdout).not.toMatch(/[0-9A-F]{32}/)
  })

  it('text output: golden', async () => {
    const args = [fixture('juli-oneline.log'), fixture('spring-boot.log'), '--timezone', 'UTC', '--format', 'text']
    const {stdout, code} = await run(args)
    expectGolden('tomcat-log/fixtures.text.md', goldenRun(`sessdoc tomcat-log ${args.join(' ')}`, stdout, code))
  })

  it('at COLUMNS=80 the events table wraps paths and class names at / and ., never mid-word', async () => {
    const args = ['tomcat-log', fixture('juli-oneline.log'), fixture('spring-boot.log'), '--timezone', 'UTC', '--format', 'text']
    const {stdout} = await runCli(args, {env: {COLUMNS: '80'}})
    const table = stdout.slice(stdout.indexOf('Starts, stops and deploys'))
    const lines = table.slice(0, table.indexOf('┘') + 1).split('\n')
    expect(lines.every((line) => line.length <= 80)).toBe(true)
    const cells = (column: number): string[] => lines.filter((l) => l.startsWith('│')).map((l) => l.split('│')[column]!.trim())
    expect(cells(4)).toContain('fixtures/tomcat-log/')
    expect(cells(4)).toContain('juli-oneline.log')
    expect(cells(4)).toContain('spring-boot.log')
    expect(cells(3)).toContain('[/opt/tomcat/webapps/')
    expect(cells(3)).toContain('shop.war]')
    // Every piece of a path cut over lines ends at a separator.
    for (const cell of cells(4).filter((c) => c.startsWith('fixtures/'))) expect(cell).toMatch(/\/$|\.log$/)
  })

  it('json output: golden', async () => {
    const args = [fixture('juli-oneline.log'), fixture('spring-boot.log'), '--timezone', 'UTC', '--json']
    const {stdout} = await run(args)
    expectGolden('tomcat-log/fixtures.json', stdout.replace(/"generatedAt": "[^"]+"/, '"generatedAt": "<time>"'))
  })

  it('markdown output: golden', async () => {
    const args = [fixture('juli-oneline.log'), fixture('spring-boot.log'), '--timezone', 'UTC', '--format', 'markdown']
    const {stdout, code} = await run(args)
    const stable = stdout.replace(/Generated \S+ by sessdoc \S+\./, 'Generated <time> by sessdoc <version>.')
    expectGolden('tomcat-log/fixtures.markdown.md', goldenRun(`sessdoc tomcat-log ${args.join(' ')}`, stable, code))
  })

  it('only INFO noise: OK, exit 0', async () => {
    const {stdout, code} = await run([fixture('juli-oneline.log'), '--timezone', 'UTC', '--json', '--until', '2026-11-28T10:00:04Z'])
    expect(code).toBe(0)
    expect((JSON.parse(stdout) as Report).status).toBe('ok')
  })

  it('bad --timezone and bad --since are usage errors (exit 3)', async () => {
    const tz = await run([fixture('json.log'), '--timezone', 'Mars/Olympus'])
    expect(tz.code).toBe(3)
    expect(tz.stderr).toMatch(/--timezone: unknown time zone/)
    const since = await run([fixture('json.log'), '--since', 'yesterday-ish'])
    expect(since.code).toBe(3)
  })

  it('no readable input: UNKNOWN (exit 3) with the reason', async () => {
    const {stdout, code} = await run(['fixtures/tomcat-log/missing.log', '--json'])
    expect(code).toBe(3)
    const report = JSON.parse(stdout) as Report
    expect(report.status).toBe('unknown')
    expect(report.sources.tomcatLog).toMatchObject({status: 'error'})
  })

  it('the real binary: routing, stdin, exit code', async () => {
    const {readFileSync} = await import('node:fs')
    const result = await runCli(['tomcat-log', '-', '--json', '--timezone', 'UTC'], {
      input: readFileSync(`${root}${fixture('logback.log')}`, 'utf8'),
    })
    expect(result.code).toBe(2)
    expect((JSON.parse(result.stdout) as Report).sources.tomcatLog).toMatchObject({byCategory: {redis: 5, session: 1}})
  })
})
