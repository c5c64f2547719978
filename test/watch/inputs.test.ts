/** watch's inputs: a log that does not exist is said at once and a watch that read nothing is UNKNOWN; --tomcat-log globs are expanded. */
import {copyFileSync, mkdirSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'
import Watch from '../../src/commands/watch.js'
import type {AccessLogSection} from '../../src/core/access-log/types.js'
import {type WatchOptions, type WatchSection, watch} from '../../src/core/watch/index.js'
import {runCommand} from '../helpers/run-command.js'
import {append, haproxyLines, tempDir, write} from './helpers.js'

const access = {window: {since: null, until: null}, redact: {}, timeZone: 'UTC'}

function options(extra: Partial<WatchOptions>): WatchOptions {
  return {accessLogs: [], tomcatLogs: [], balancers: [], fromStart: false, intervalMs: 200, pollMs: 20, access, ...extra}
}

const sections = (results: Awaited<ReturnType<typeof watch>>) => ({
  watch: results.find((r) => r.key === 'watch')!.section as WatchSection,
  accessLog: results.find((r) => r.key === 'accessLog')!.section as AccessLogSection,
})

describe('watch: an access log that does not exist, or that nothing is written to', () => {
  it('says a missing path at once, and ends with an error section saying it did not exist', async () => {
    const file = join(tempDir(), 'nope.log')
    const notices: string[] = []
    const s = sections(await watch(options({accessLogs: [file], durationMs: 300, onNotice: (m) => notices.push(m)})))
    expect(notices).toEqual([`${file} does not exist (yet): watching for it`])
    expect(s.watch.status).toBe('error')
    expect(s.watch.reason).toMatch(/did not exist/)
    expect(s.accessLog.reason).toMatch(/did not exist/)
    expect(s.accessLog.reason).not.toMatch(/the log is empty/)
  })

  it('a file that appears during the watch is read: analyzed', async () => {
    const file = join(tempDir(), 'late.log')
    const done = watch(options({accessLogs: [file], durationMs: 600}))
    await new Promise((r) => setTimeout(r, 100))
    write(file, haproxyLines.slice(0, 20))
    const s = sections(await done)
    expect(s.watch.status).toBe('analyzed')
    expect(s.watch.totals.requests).toBe(20)
  })

  it('an existing log nothing is written to: error, no line written while watching', async () => {
    const file = join(tempDir(), 'quiet.log')
    write(file, haproxyLines.slice(0, 10))
    const s = sections(await watch(options({accessLogs: [file], durationMs: 300})))
    expect(s.watch.status).toBe('error')
    expect(s.watch.reason).toMatch(/no access-log line was written while watching/)
  })

  it('the CLI: the missing path on stderr, exit 3 (UNKNOWN), not OK', async () => {
    const file = join(tempDir(), 'nope.log')
    const run = await runCommand(Watch, ['--access-log', file, '--duration', '1s', '--interval', '1s'])
    expect(run.code).toBe(3)
    expect(run.stderr).toContain(`${file} does not exist (yet): watching for it`)
    expect(run.stderr).toMatch(/UNKNOWN: .*did not exist/)
  })
})

describe('watch --tomcat-log: globs', () => {
  it('follows each file a glob matches; a glob that matches nothing is said', async () => {
    const dir = tempDir()
    for (const node of ['node1', 'node2']) {
      mkdirSync(join(dir, node))
      write(join(dir, node, 'catalina.out'), [])
    }
    const logFile = join(dir, 'haproxy.log')
    write(logFile, [])
    const notices: string[] = []
    const done = watch(
      options({
        accessLogs: [logFile],
        tomcatLogs: [join(dir, 'node*', 'catalina.out'), join(dir, 'nothing*', 'catalina.out')],
        durationMs: 600,
        onNotice: (m) => notices.push(m),
      }),
    )
    await new Promise((r) => setTimeout(r, 100))
    copyFileSync(new URL('../../fixtures/demo/node1/catalina.out', import.meta.url), join(dir, 'node2', 'catalina.out'))
    append(logFile, `${haproxyLines.slice(0, 5).join('\n')}\n`)
    const s = sections(await done)
    expect(s.watch.files.filter((f) => f.role === 'tomcat-log').map((f) => resolve(f.path))).toEqual([
      join(dir, 'node1', 'catalina.out'),
      join(dir, 'node2', 'catalina.out'),
    ])
    expect(s.watch.files.find((f) => f.path.includes('node2'))!.bytesRead).toBeGreaterThan(0)
    expect(notices).toEqual([expect.stringMatching(/no file matches .*nothing\*/)])
    expect(s.watch.events.some((e) => e.kind === 'startup' && e.node === 'node2')).toBe(true)
  })
})
