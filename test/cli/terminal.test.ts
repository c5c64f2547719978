import {describe, expect, it} from 'vitest'
import {runCli} from '../helpers/run-cli.js'

const demo = ['diagnose', '--access-log', 'fixtures/demo/access.log', '--tomcat-log', 'fixtures/demo/node*/catalina.out']
const ansi = /\u001b\[/
// Piped (execFile), so without a rule that forces colour there is none.
const base = {TZ: 'UTC', NO_COLOR: '', FORCE_COLOR: undefined, TERM: 'xterm-256color'}

describe('colour of the text report when piped (chalk’s rules)', () => {
  it.each([
    ['nothing set: none', {}, [], false],
    ['FORCE_COLOR=1: colour', {FORCE_COLOR: '1'}, [], true],
    ['FORCE_COLOR=0: none', {FORCE_COLOR: '0'}, [], false],
    ['--color: colour', {}, ['--color'], true],
    ['--color over NO_COLOR: colour', {NO_COLOR: '1'}, ['--color'], true],
    ['--no-color over FORCE_COLOR: none', {FORCE_COLOR: '1'}, ['--no-color'], false],
    ['TERM=dumb: none', {TERM: 'dumb'}, [], false],
  ])('%s', async (_name, env, flags, coloured) => {
    const run = await runCli([...demo, ...flags], {env: {...base, ...env}})
    expect(run.code).toBe(2)
    expect(ansi.test(run.stdout)).toBe(coloured)
  })

  it('never colours JSON, even with --color', async () => {
    const run = await runCli([...demo, '--json', '--color'], {env: {...base, FORCE_COLOR: '1'}})
    expect(ansi.test(run.stdout)).toBe(false)
  })
})
