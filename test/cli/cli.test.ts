import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/run-cli.js'
import {expectValidReport} from '../helpers/schema.js'

const commands = ['diagnose', 'access-log', 'tomcat-log', 'redis scan', 'redis stats', 'config-check']

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessdoc-cli-'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('sessdoc binary', () => {
  it('lists every command of the contract in --help', async () => {
    const {stdout, code} = await runCli(['--help'])
    expect(code).toBe(0)
    for (const command of commands) expect(stdout).toContain(command.split(' ').at(-1))
    expect(stdout).toContain('redis')
  })

  it.each(commands)('%s --help works and shows an example', async (command) => {
    const {stdout, code} = await runCli([...command.split(' '), '--help'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/EXAMPLES/)
    expect(stdout).toContain('--fail-on')
  })

  it('an unknown flag exits 3 with a one-line message and a hint', async () => {
    const {stderr, stdout, code} = await runCli(['diagnose', '--bogus'])
    expect(code).toBe(3)
    expect(stdout).toBe('')
    expect(stderr.trim().split('\n')).toEqual(['Error: Nonexistent flag: --bogus', 'Hint: see: sessdoc diagnose --help'])
  })

  it('an unknown flag under --json exits 3 with a small error object', async () => {
    const {stdout, code} = await runCli(['diagnose', '--bogus', '--json'])
    expect(code).toBe(3)
    const parsed = JSON.parse(stdout) as {error: Record<string, unknown>}
    expect(Object.keys(parsed.error).sort()).toEqual(['exitCode', 'hint', 'message'])
    expect(stdout).not.toContain(process.env.HOME ?? '/root')
  })

  it('a bad flag value exits 3', async () => {
    expect((await runCli(['diagnose', '--format', 'xml'])).code).toBe(3)
    expect((await runCli(['diagnose', '--since', 'yesterday', '--access-log', 'x.log'])).code).toBe(3)
  })

  it('an unknown command exits 3, not 2', async () => {
    const {stderr, code} = await runCli(['bogus'])
    expect(code).toBe(3)
    expect(stderr).toMatch(/no command 'bogus'/)
  })

  it('a mistyped command gets a suggestion, without its arguments in the name', async () => {
    const {stderr, code} = await runCli(['acess-log', 'some.log'])
    expect(code).toBe(3)
    expect(stderr).toBe("Error: sessdoc has no command 'acess-log'\nHint: did you mean 'access-log'? (sessdoc --help lists them all)\n")
  })

  it('a missing argument is named', async () => {
    const {stderr, code} = await runCli(['access-log'])
    expect(code).toBe(3)
    expect(stderr).toMatch(/^Error: Missing 1 required arg: path \(/)
  })

  it('diagnose with no readable input prints a valid report with status unknown and exits 3', async () => {
    const {stdout, code} = await runCli(['diagnose', '--json', '--access-log', join(dir, 'missing.log')])
    expect(code).toBe(3)
    const report = JSON.parse(stdout) as {status: string; sources: Record<string, {status: string; reason?: string}>}
    expectValidReport(report)
    expect(report.status).toBe('unknown')
    expect(report.sources.accessLog?.status).toBe('error')
  })

  it('--output writes the report to a file and leaves no temp file', async () => {
    const out = join(dir, 'report.md')
    const {stdout, code} = await runCli(['diagnose', '--format', 'markdown', '--output', out, '--access-log', join(dir, 'missing.log')])
    expect(code).toBe(3)
    expect(stdout).toBe('')
    expect(await readFile(out, 'utf8')).toMatch(/^# sessdoc: UNKNOWN/)
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
