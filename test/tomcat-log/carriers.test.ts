import {createReadStream} from 'node:fs'
import {afterEach, describe, expect, it} from 'vitest'
import Diagnose from '../../src/commands/diagnose.js'
import type {Report} from '../../src/core/report/types.js'
import {analyzeTomcatLogs} from '../../src/core/tomcat-log/index.js'
import {runCommand} from '../helpers/run-command.js'
import {analyze, fixture} from './helpers.js'

// The same Tomcat on Debian (tomcat10 logs to journald through SystemdFormatter: no time, no level in
// the message) and the same Spring Boot app in a Kubernetes pod, as each carrier hands their lines on.
const journald = {
  byCategory: {serialization: 1, redis: 0, session: 0, replication: 0, lifecycle: 3},
  restarts: ['2026-12-05T09:00:03.000Z'],
  kinds: ['deploy', 'startup', 'shutdown'],
  rules: ['not-serializable'],
}
const container = {
  events: 5,
  byCategory: {serialization: 1, redis: 1, session: 0, replication: 0, lifecycle: 2},
  restarts: ['2026-12-05T10:00:01.436Z'],
  kinds: ['startup', 'shutdown'],
  rules: ['redis-unable-to-connect', 'not-serializable'],
}
const samples = [
  // journalctl -u tomcat10: the header line, systemd's own lines and `-- Logs begin … --` are no events of Tomcat's.
  ['carriers/journalctl-short.log', 'journald-short', {...journald, events: 9}],
  ['carriers/journalctl-short-iso.log', 'journald-short-iso', {...journald, events: 7}],
  ['carriers/journalctl-json.log', 'journald-json', {...journald, events: 6}],
  // CRI (the kubelet's files): a long line cut into P pieces is joined again.
  ['carriers/cri.log', 'cri', container],
  ['carriers/docker-json.log', 'docker-json', container],
  ['carriers/kubectl-timestamps.log', 'timestamp', container],
] as const

describe('logs inside a carrier (journald, container runtimes, kubectl)', () => {
  afterEach(() => {
    process.exitCode = undefined
  })

  it.each(samples)('%s (%s): the events, categories, restarts and lifecycle of the log inside', async (name, _carrier, want) => {
    // Times without a zone (journalctl short) are the host's: Europe/Berlin, one hour ahead of UTC in December.
    const {section} = await analyze([fixture(name)], {timezone: 'Europe/Berlin'})
    expect(section.status).toBe('analyzed')
    expect(section.events).toBe(want.events)
    expect(section.byCategory).toEqual(want.byCategory)
    // journalctl short has no year: the current one is assumed (or last year's, for a date still to come).
    expect(section.restarts.map((t) => t.slice(5))).toEqual(want.restarts.map((t) => t.slice(5)))
    expect(section.lifecycle.map((l) => l.kind)).toEqual(want.kinds)
    expect(section.signatures.map((s) => s.rule)).toEqual(want.rules)
    expect(section.signatures.find((s) => s.rule === 'not-serializable')?.offendingClass).toBe('com.shop.cart.Cart')
    expect(JSON.stringify(section)).not.toContain('3F2A9C41D0B7E85A6C1F24D9B03E7A15')
  })

  it('a journal with only a start in it is analyzed (OK), its carrier named; an access log is still no application log', async () => {
    const {Readable} = await import('node:stream')
    const stdin = Readable.from(['Dec 05 10:00:03 web1 tomcat10[812]: Server startup in [2310] milliseconds\n'])
    const {section} = await analyze(['-'], {stdin})
    expect(section.status).toBe('analyzed')
    expect(section.fileDetails[0]).toMatchObject({format: null, carrier: 'journald-short'})
    const access = Readable.from(['127.0.0.1 - - [05/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 12\n'])
    const result = await analyzeTomcatLogs({paths: ['-'], stdin: access, window: {since: null, until: null}, timezone: 'UTC', redact: {}})
    expect(result.section.status).toBe('error')
  })

  it('reads journalctl output from standard input', async () => {
    const stdin = createReadStream(fixture('carriers/journalctl-short-iso.log'))
    const {section} = await analyze(['-'], {stdin})
    expect(section.byCategory).toEqual(journald.byCategory)
    expect(section.restarts).toEqual(journald.restarts)
  })

  it.each(samples)('diagnose --tomcat-log %s reads it like any log', async (name, _carrier, want) => {
    const {stdout} = await runCommand(Diagnose, ['--tomcat-log', fixture(name), '--json', '--timezone', 'Europe/Berlin'])
    const report = JSON.parse(stdout) as Report
    const section = report.sources.tomcatLog as {status: string; byCategory: Record<string, number>}
    expect(section.status).toBe('analyzed')
    expect(section.byCategory).toEqual(want.byCategory)
    expect(report.findings.map((f) => f.id)).toContain('tomcat.serialization')
  })
})
