import {describe, expect, it} from 'vitest'
import {helpFlagUsedAsHost} from '../../src/lib/redis-cli-habits.js'
import {runCli} from '../helpers/run-cli.js'

describe("redis-cli's -h HOST", () => {
  it.each([
    [['redis', 'stats', '-h', '127.0.0.1', '-p', '6380'], true],
    [['diagnose', '--access-log', 'a.log', '-h', 'redis.internal'], true],
    [['redis', 'stats', '-h'], false],
    [['redis', 'scan', '-h', '--json'], false],
    [['access-log', '-h', 'a.log'], false],
  ])('%j is a misuse: %s', (argv, misuse) => {
    expect(helpFlagUsedAsHost(argv) !== null).toBe(misuse)
  })

  it('is a usage error (exit 3) with the flag to use, also as JSON; oclif folded the host into the command (exit 2)', async () => {
    const text = await runCli(['redis', 'stats', '-h', '127.0.0.1', '-p', '6380'])
    expect(text.code).toBe(3)
    expect(text.stderr).toMatch(/^Error: -h is help in sessdoc, not the host \('-h 127\.0\.0\.1'\)\nHint: give the host with --host HOST/)
    const json = await runCli(['redis', 'stats', '-h', '127.0.0.1', '--json'])
    expect(json.code).toBe(3)
    expect(JSON.parse(json.stdout).error.exitCode).toBe(3)
  })
})
