import {readFileSync} from 'node:fs'
import {afterEach, describe, expect, it} from 'vitest'
import ConfigCheck from '../../src/commands/config-check.js'
import type {Report} from '../../src/core/report/types.js'
import {expectGolden, goldenRun} from '../helpers/golden.js'
import {runCommand} from '../helpers/run-command.js'
import {expectValidReport} from '../helpers/schema.js'
import {treeOptions} from './trees.js'

const run = (args: string[]) => runCommand(ConfigCheck, args)

function treeArgs(tree: string): string[] {
  const options = treeOptions(tree)
  return [
    ...(options.apacheConf ?? []).flatMap((f) => ['--apache-conf', f]),
    ...(options.tomcatConf ?? []).flatMap((f) => ['--tomcat-conf', f]),
    ...(options.appConfig ?? []).flatMap((f) => ['--app-config', f]),
  ]
}

describe('sessdoc config-check (the command)', () => {
  afterEach(() => {
    process.exitCode = undefined
  })

  it('the consistent tree: OK, exit 0, the figures in the text', async () => {
    const {stdout, code} = await run([...treeArgs('consistent'), '--format', 'text'])
    expect(code).toBe(0)
    expect(stdout.split('\n')[0]).toBe('OK  0 critical, 0 warning, 0 info')
    expect(stdout).toContain('Configuration: analyzed')
    // At 80 columns the six-column balancer table folds into key: value lines.
    expect(stdout).toMatch(
      /Balancer: shop\n {2}Kind: mod_proxy\n {2}Members: 2\n {2}Routes: node1, node2\n {2}Sticky on: JSESSIONID\|jsessionid/,
    )
  })

  it('a critical finding exits 2, a warning 1, and --fail-on moves the line', async () => {
    expect((await run(treeArgs('jvmroute-mismatch'))).code).toBe(2)
    expect((await run(treeArgs('session-timeout'))).code).toBe(1)
    expect((await run([...treeArgs('session-timeout'), '--fail-on', 'critical'])).code).toBe(0)
  })

  it('--json: the report of the contract, config section with its figures', async () => {
    const {stdout, code} = await run([...treeArgs('sticky-cookie-mismatch'), '--json'])
    expect(code).toBe(1)
    const report = JSON.parse(stdout) as Report
    expectValidReport(report)
    expect(report.findings.map((f) => f.id)).toEqual(['config.sticky-cookie-mismatch'])
    expect(Object.keys(report.sources)).toEqual(['config'])
    expect(report.sources.config).toMatchObject({
      status: 'analyzed',
      files: 8,
      cookieName: 'SID',
      sessionStore: 'redis',
      jvmRoutes: ['node1', 'node2'],
    })
  })

  it('no flag at all: exit 3 with what to pass', async () => {
    const {stderr, code} = await run([])
    expect(code).toBe(3)
    expect(stderr).toContain('Error: no configuration given')
    expect(stderr).toContain('Hint: pass --apache-conf, --tomcat-conf or --app-config')
  })

  it("docs/config-check.md's example is what the command prints (#19)", async () => {
    const {stdout, code} = await run([
      '--apache-conf',
      'fixtures/config/jvmroute-mismatch/httpd/conf/httpd.conf',
      '--tomcat-conf',
      'fixtures/config/jvmroute-mismatch/tomcat/node1/server.xml',
      '--tomcat-conf',
      'fixtures/config/jvmroute-mismatch/tomcat/node2/server.xml',
      '--format',
      'text',
    ])
    expect(code).toBe(2)
    const doc = readFileSync(new URL('../../docs/config-check.md', import.meta.url), 'utf8')
    const shown = /Try it on the shipped fixtures[\s\S]*?```text\n([\s\S]*?)\n…\n```/.exec(doc)?.[1]
    expect(shown).toBeDefined()
    expect(stdout.startsWith(`${shown}\n`)).toBe(true)
  })

  it('nothing readable: exit 3, the reason names the file', async () => {
    const {stdout, code} = await run(['--tomcat-conf', 'fixtures/config/missing.xml', '--format', 'text'])
    expect(code).toBe(3)
    expect(stdout.replace(/\s+/g, ' ')).toContain('fixtures/config/missing.xml does not exist: check the path')
  })

  it('malformed configs: the errors with file:line in the section, and the rest is checked', async () => {
    const m = 'fixtures/config/malformed'
    const {stdout, code} = await run(['--tomcat-conf', `${m}/server.xml`, '--app-config', `${m}/application.properties`, '--json'])
    const report = JSON.parse(stdout) as Report
    expect(code).toBe(1)
    const errors = report.sources.config!.errors!.map((e) => e.message.split(': ')[0])
    expect(errors).toEqual([`${m}/server.xml:9`, `${m}/application.properties:5`, `${m}/application.properties:2`])
    expect(report.findings.map((f) => f.id)).toEqual(['config.cookie-flags', 'config.url-session-tracking'])
    expect(stdout).not.toContain('s3cret')
  })

  it.each(['consistent', 'no-sticky', 'sticky-cookie-mismatch'])('golden: %s (text and markdown)', async (tree) => {
    const args = treeArgs(tree)
    const text = await run([...args, '--format', 'text'])
    expectGolden(`config/${tree}.txt`, goldenRun(`sessdoc config-check ${args.join(' ')}`, text.stdout, text.code))
    const json = await run([...args, '--json'])
    expectGolden(`config/${tree}.json`, json.stdout.replace(/"generatedAt": "[^"]+"/, '"generatedAt": "<time>"'))
    const markdown = await run([...args, '--format', 'markdown'])
    expectGolden(
      `config/${tree}.md`,
      goldenRun(
        `sessdoc config-check ${args.join(' ')} --format markdown`,
        markdown.stdout.replace(/Generated \S+ by/, 'Generated <time> by'),
        markdown.code,
      ),
    )
  })
})
