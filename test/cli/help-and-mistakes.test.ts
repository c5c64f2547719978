import {readFile} from 'node:fs/promises'
import {describe, expect, it} from 'vitest'
import {windowCommands} from '../../src/lib/base-command.js'
import {runCli} from '../helpers/run-cli.js'

describe('help and mistakes (#19)', () => {
  it('sessdoc help redis stats shows the command help, in the space form', async () => {
    const run = await runCli(['help', 'redis', 'stats'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^USAGE\n {2}\$ sessdoc redis stats /m)
    expect(run.stdout).not.toContain('redis:stats')
  })

  it('sessdoc help with no command shows the root help; sessdoc help redis the topic', async () => {
    expect((await runCli(['help'])).stdout).toMatch(/^COMMANDS$/m)
    expect((await runCli(['help', 'redis'])).stdout).toMatch(/redis stats/)
  })

  it('sessdoc help of a mistyped command suggests the right one and exits 3', async () => {
    const run = await runCli(['help', 'redsi', 'stats'])
    expect(run.code).toBe(3)
    expect(run.stderr).toBe(
      "Error: sessdoc has no command 'redsi stats'\nHint: did you mean 'redis stats'? (sessdoc --help lists them all)\n",
    )
  })

  it.each([
    [['diagnose', '--acess-log', 'x'], 'Nonexistent flag: --acess-log', 'did you mean --access-log? (see: sessdoc diagnose --help)'],
    [['redis', 'stats', '--replcia'], 'Nonexistent flag: --replcia', 'did you mean --replica? (see: sessdoc redis stats --help)'],
    [['diagnose', '--colour'], 'Nonexistent flag: --colour', 'did you mean --color? (see: sessdoc diagnose --help)'],
    [['redis', 'scan', '--whatever'], 'Nonexistent flag: --whatever', 'see: sessdoc redis scan --help'],
  ])('%j: a did-you-mean for a mistyped flag, hints in the space form', async (args, message, hint) => {
    const run = await runCli(args)
    expect(run.code).toBe(3)
    expect(run.stderr).toBe(`Error: ${message}\nHint: ${hint}\n`)
  })

  it('the same hint under --json', async () => {
    const run = await runCli(['redis', 'stats', '--replcia', '--json'])
    expect(JSON.parse(run.stdout)).toEqual({
      error: {message: 'Nonexistent flag: --replcia', hint: 'did you mean --replica? (see: sessdoc redis stats --help)', exitCode: 3},
    })
  })

  it('a config file typo gets a did-you-mean with the file named', async () => {
    const run = await runCli(['diagnose', '--config', 'test/cli/fixtures/typo.config.yml'])
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/^Error: test\/cli\/fixtures\/typo.config.yml: unknown setting 'accesLog' \(did you mean 'accessLog'\?\)/)
  })
})

describe('--since / --until where there is no time window', () => {
  const hint = 'drop --since; --since and --until are for diagnose, access-log, tomcat-log and trace'

  it('config-check --since 1h: a usage error that says config-check reads no time window', async () => {
    const run = await runCli(['config-check', '--since', '1h'])
    expect(run.code).toBe(3)
    expect(run.stderr).toBe(
      `Error: --since: sessdoc config-check reads no time window (configuration files carry no time: they are checked as they are now)\nHint: ${hint}\n`,
    )
  })

  it('the same under --json, for --until=… too', async () => {
    const run = await runCli(['config-check', '--apache-conf', 'x', '--until=2026-01-01', '--json'])
    expect(run.code).toBe(3)
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        message: '--until: sessdoc config-check reads no time window (configuration files carry no time: they are checked as they are now)',
        hint: 'drop --until; --since and --until are for diagnose, access-log, tomcat-log and trace',
        exitCode: 3,
      },
    })
  })

  it('redis stats --since 1h says so too; a mistyped --sinse on a log command still gets its did-you-mean', async () => {
    expect((await runCli(['redis', 'stats', '--since', '1h'])).stderr).toBe(
      `Error: --since: sessdoc redis stats reads no time window\nHint: ${hint}\n`,
    )
    expect((await runCli(['access-log', '--sinse', '1h', 'x'])).stderr).toBe(
      'Error: Nonexistent flag: --sinse\nHint: did you mean --since? (see: sessdoc access-log --help)\n',
    )
  })

  it('the commands the hint names are those with --since, and the README says which they are', async () => {
    const manifest = JSON.parse(await readFile('oclif.manifest.json', 'utf8')) as {
      commands: Record<string, {flags: Record<string, unknown>}>
    }
    const withSince = Object.entries(manifest.commands)
      .filter(([, command]) => 'since' in command.flags)
      .map(([id]) => id.replaceAll(':', ' '))
    expect(withSince.sort()).toEqual([...windowCommands].sort())
    const readme = await readFile('README.md', 'utf8')
    const everyCommand = /^Every command takes:\n\n((?:\|.*\n)+)/m.exec(readme)?.[1] ?? ''
    expect(everyCommand).toContain('--format')
    expect(everyCommand).not.toMatch(/--since|--until/)
    expect(readme).toContain(`| \`--since\`, \`--until\` | ${windowCommands.map((c) => `\`${c}\``).join(', ')} |`)
  })
})
