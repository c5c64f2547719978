import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, afterEach, describe, expect, it} from 'vitest'
import AccessLog from '../../src/commands/access-log.js'
import Diagnose from '../../src/commands/diagnose.js'
import TomcatLog from '../../src/commands/tomcat-log.js'
import type {Report} from '../../src/core/report/types.js'
import {binPath, runCli} from '../helpers/run-cli.js'
import {runCommand} from '../helpers/run-command.js'

const dir = mkdtempSync(join(tmpdir(), 'sessdoc-verdicts-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
afterEach(() => {
  process.exitCode = undefined
})

const accessLog = 'fixtures/demo/access.log'
const appLog = 'fixtures/demo/node2/catalina.out'
const empty = join(dir, 'empty.log')
writeFileSync(empty, '')
const binary = join(dir, 'core.bin')
writeFileSync(binary, Buffer.from(Array.from({length: 4096}, (_, i) => (i * 37) % 256)))
const notes = join(dir, 'notes.txt')
writeFileSync(notes, 'shopping list\nmilk\neggs\n')
const beforeEverything = ['--until', '2000-01-01T00:00:00Z']

describe('nothing analyzable is UNKNOWN (exit 3), never OK', () => {
  it.each([
    ['an access log', [accessLog], /no line looks like a Tomcat/],
    ['a binary file', [binary], /no line looks like a Tomcat/],
    ['an empty log', [empty], /empty/],
    ['a window with nothing in it', [appLog, ...beforeEverything], /fall outside the window/],
  ])('tomcat-log on %s', async (_name, args, reason) => {
    const {stdout, stderr, code} = await runCommand(TomcatLog, [...args, '--json'])
    const report = JSON.parse(stdout) as Report
    expect(report.status).toBe('unknown')
    expect(code).toBe(3)
    expect(report.findings).toEqual([])
    expect(report.sources.tomcatLog).toMatchObject({status: 'error', reason: expect.stringMatching(reason)})
    expect(stderr).toMatch(reason)
  })

  it.each([
    ['an application log', [appLog], /no line fits .*--log-format/],
    ['a text file', [notes], /no line fits/],
    ['a binary file', [binary], /no line fits/],
    ['an empty log', [empty], /empty/],
    ['a window with nothing in it', [accessLog, ...beforeEverything], /fall outside the window/],
  ])('access-log on %s', async (_name, args, reason) => {
    const {stdout, stderr, code} = await runCommand(AccessLog, [...args, '--json'])
    const report = JSON.parse(stdout) as Report
    expect(report.status).toBe('unknown')
    expect(code).toBe(3)
    expect(report.sources.accessLog).toMatchObject({status: 'error', reason: expect.stringMatching(reason)})
    expect(stderr).toMatch(reason)
  })

  it('the reason is on stderr also when -o sends the report to a file', async () => {
    const out = join(dir, 'report.json')
    const run = await runCli(['tomcat-log', accessLog, '--json', '-o', out])
    expect(run.code).toBe(3)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/UNKNOWN.*no line looks like a Tomcat/)
    expect((JSON.parse(readFileSync(out, 'utf8')) as Report).status).toBe('unknown')
  })

  it('diagnose: a source with nothing analyzable is said in its section; the others decide the exit code', async () => {
    const {stdout, code} = await runCommand(Diagnose, ['--access-log', accessLog, '--tomcat-log', empty, '--json', '--no-redis-scan'])
    const report = JSON.parse(stdout) as Report
    expect(report.sources.accessLog?.status).toBe('analyzed')
    expect(report.sources.tomcatLog).toMatchObject({status: 'error', reason: expect.stringMatching(/empty/)})
    expect(report.status).toBe('critical')
    expect(code).toBe(2)
  })

  it('diagnose: when no requested source could be analyzed, UNKNOWN (exit 3)', async () => {
    const {stdout, stderr, code} = await runCommand(Diagnose, ['--access-log', notes, '--tomcat-log', binary, '--json'])
    const report = JSON.parse(stdout) as Report
    expect(report.sources.accessLog?.status).toBe('error')
    expect(report.sources.tomcatLog?.status).toBe('error')
    expect(report.status).toBe('unknown')
    expect(code).toBe(3)
    expect(stderr).toMatch(/access log.*no line fits/i)
  })
})

/** Starts sessdoc on a pipe that stays open and never gets a line, and interrupts it. */
function interruptBeforeInput(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], {env: {...process.env, NO_COLOR: '1'}, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGINT'), 2500)
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      clearTimeout(killer)
      resolve({code, stdout, stderr})
    })
  })
}

describe('Ctrl-C before any input: the status agrees with the exit code', () => {
  it.each([
    ['tomcat-log', ['tomcat-log', '-', '--json']],
    ['access-log', ['access-log', '-', '--json']],
    ['diagnose', ['diagnose', '--access-log', '-', '--json']],
  ])(
    '%s',
    async (_name, args) => {
      const run = await interruptBeforeInput(args)
      const report = JSON.parse(run.stdout) as Report
      expect(report).toMatchObject({status: 'unknown', partial: true})
      expect(run.code).toBe(3)
      expect(run.stderr).toMatch(/interrupted/)
    },
    30_000,
  )
})
