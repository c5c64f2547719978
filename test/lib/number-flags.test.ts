import {afterEach, describe, expect, it} from 'vitest'
import AccessLog from '../../src/commands/access-log.js'
import Diagnose from '../../src/commands/diagnose.js'
import RedisScan from '../../src/commands/redis/scan.js'
import RedisStats from '../../src/commands/redis/stats.js'
import {parseDuration} from '../../src/core/input/time-window.js'
import {drainFlags} from '../../src/lib/drain-flags.js'
import {runCli} from '../helpers/run-cli.js'
import {runCommand} from '../helpers/run-command.js'

// Every case fails while parsing the flags, before any file or Redis is touched.
const unreachable = ['--redis', 'redis://127.0.0.1:1']

describe('numeric flags: a bad value says what is wrong and the range (exit 3)', () => {
  afterEach(() => {
    process.exitCode = undefined
  })

  it.each([
    [RedisScan, ['--count', 'abc', ...unreachable], "--count must be a whole number from 10 to 10000, got 'abc'"],
    [RedisScan, ['--count', '5', ...unreachable], "--count must be a whole number from 10 to 10000, got '5'"],
    [RedisScan, ['--count', '1e3', ...unreachable], "--count must be a whole number from 10 to 10000, got '1e3'"],
    [RedisScan, ['--fix-ttl', '0', ...unreachable], "--fix-ttl must be a whole number from 1 to 2592000, got '0'"],
    [RedisScan, ['--fix-ttl', '99999999', ...unreachable], "--fix-ttl must be a whole number from 1 to 2592000, got '99999999'"],
    [RedisScan, ['--max-rate', '1.5', ...unreachable], "--max-rate must be a whole number from 0 to 10000000, got '1.5'"],
    [RedisScan, ['--connect-timeout', '5', ...unreachable], "--connect-timeout must be a whole number from 100 to 600000, got '5'"],
    [RedisStats, ['--db', 'x', ...unreachable], "--db must be a whole number from 0 to 65535, got 'x'"],
    [RedisStats, ['--db', '-1', ...unreachable], "--db must be a whole number from 0 to 65535, got '-1'"],
    [AccessLog, ['nothing.log', '--threads', '-1'], "--threads must be a whole number from 1 to 16, got '-1'"],
    [AccessLog, ['nothing.log', '--threads', '99'], "--threads must be a whole number from 1 to 16, got '99'"],
    [AccessLog, ['nothing.log', '--session-timeout', '0'], "--session-timeout: '0' is out of range: a session timeout is from 1m to 30d"],
    [Diagnose, ['--access-log', 'nothing.log', '--session-timeout', '400d'], "session timeout: '400d' is out of range"],
    [Diagnose, ['--connect-timeout', 'soon'], "--connect-timeout must be a whole number from 100 to 600000, got 'soon'"],
  ])('%o %j', async (command, args, message) => {
    const {stderr, stdout, code} = await runCommand(command, args)
    expect(code).toBe(3)
    expect(stdout).toBe('')
    expect(stderr).toContain(`Error: ${message}`)
    expect(stderr).toMatch(/\nHint: \S/)
    expect(stderr).not.toMatch(/internal error|report it|Parsing --/)
  })

  it('--fix-ttl says why it has a maximum', async () => {
    const {stderr} = await runCommand(RedisScan, ['--fix-ttl', '31536000', ...unreachable])
    expect(stderr).toMatch(/Hint: .*30 days/)
  })

  it('under --json the error is the small error object', async () => {
    const {stdout, code} = await runCommand(RedisScan, ['--count', 'abc', '--json', ...unreachable])
    expect(code).toBe(3)
    expect(JSON.parse(stdout)).toEqual({
      error: {message: "--count must be a whole number from 10 to 10000, got 'abc'", hint: expect.any(String), exitCode: 3},
    })
  })

  it('an oclif option error names the flag, not an internal error', async () => {
    const {stderr, code} = await runCommand(RedisScan, ['--lanes', '3', ...unreachable])
    expect(code).toBe(3)
    expect(stderr).toMatch(/Error: .*--lanes/)
    expect(stderr).not.toMatch(/internal error/)
  })
})

describe('duration flags: the help shows their defaults as they are typed', () => {
  it.each([
    ['drain-status', ['[default: 40m] How long --wait waits.', '[default: 10s] Time between checks with --wait.']],
    ['watch', ['[default: 10s] One line every interval.']],
  ])('%s --help', async (command, shown) => {
    const help = await runCli([command, '--help'], {env: {COLUMNS: '200'}})
    expect(help.code).toBe(0)
    for (const line of shown) expect(help.stdout).toContain(line)
    expect(help.stdout).not.toMatch(/\[default: \d+\]/)
  })

  it.each([
    ['drain-status --max-wait', drainFlags['max-wait']],
    ['drain-status --interval', drainFlags.interval],
  ])('%s: the default shown parses back to the default', async (_name, flag) => {
    const shown = await (flag.defaultHelp as (context: unknown) => Promise<string>)({options: flag, flags: {}})
    expect(parseDuration(shown)).toEqual({ok: true, value: flag.default})
  })
})
