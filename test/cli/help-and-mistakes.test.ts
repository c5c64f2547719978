import {describe, expect, it} from 'vitest'
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
