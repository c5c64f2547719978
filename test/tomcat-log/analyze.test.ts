import {closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {gzipSync} from 'node:zlib'
import {afterAll, describe, expect, it} from 'vitest'
// @ts-expect-error a plain .mjs generator shared with the benchmark
import {generateCatalinaToFd} from '../../fixtures/tomcat-log/generate.mjs'
import {analyze, fixture} from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'sessdoc-tomcat-test-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('analyzeTomcatLogs: inputs', () => {
  it('reads .gz files and several files at once', async () => {
    const gz = join(dir, 'catalina.out.1.gz')
    writeFileSync(gz, gzipSync(readFileSync(fixture('juli-oneline.log'))))
    const {section} = await analyze([gz, fixture('spring-boot.log')])
    expect(section.files).toBe(2)
    expect(section.fileDetails.find((f) => f.path === gz)).toMatchObject({gzip: true, format: 'juli-oneline', events: 31})
    expect(section.byCategory).toEqual({serialization: 6, redis: 6, session: 3, replication: 2, lifecycle: 6})
  })

  it('reads standard input', async () => {
    const {section} = await analyze(['-'], {stdin: Readable.from([readFileSync(fixture('logback.log'))])})
    expect(section.byCategory.redis).toBe(5)
  })

  it('a missing file is an error entry while the rest goes on; none readable is an error section', async () => {
    const some = await analyze([fixture('json.log'), join(dir, 'nope.log')])
    expect(some.section.status).toBe('analyzed')
    expect(some.section.errors?.[0]?.message).toMatch(/no such file; check the path/)
    const none = await analyze([join(dir, 'nope.log')])
    expect(none.section.status).toBe('error')
    expect(none.section.reason).toMatch(/no log could be read/)
  })

  it('a file in no known format says so', async () => {
    const other = join(dir, 'notes.txt')
    writeFileSync(other, 'just some text\nnot a log\n')
    const {section} = await analyze([other])
    expect(section.fileDetails[0]!.format).toBeNull()
    expect(section.errors?.[0]?.message).toMatch(/no line looks like a Tomcat/)
  })

  it('an unknown time zone is an error section with what to give', async () => {
    const {section} = await analyze([fixture('json.log')], {timezone: 'Mars/Olympus'})
    expect(section.status).toBe('error')
    expect(section.reason).toMatch(/IANA name/)
  })
})

describe('analyzeTomcatLogs: time', () => {
  it('times without a zone are read in --timezone (Europe/Berlin: 10:00 local is 09:00Z in November)', async () => {
    const {section} = await analyze([fixture('juli-oneline.log')], {timezone: 'Europe/Berlin'})
    expect(section.restarts).toEqual(['2026-11-28T09:00:05.990Z', '2026-11-28T09:52:10.000Z'])
    // Lines that name their zone are not shifted.
    const json = await analyze([fixture('json.log')], {timezone: 'Europe/Berlin'})
    expect(json.section.restarts).toEqual(['2026-11-28T10:15:30.123Z'])
  })

  it('the window keeps events inside it only', async () => {
    const {section} = await analyze([fixture('juli-oneline.log')], {
      window: {since: new Date('2026-11-28T10:30:00Z'), until: new Date('2026-11-28T10:51:00Z')},
    })
    expect(section.byCategory).toEqual({serialization: 0, redis: 2, session: 0, replication: 0, lifecycle: 1})
    expect(section.events).toBe(7)
    expect(section.restarts).toEqual([])
  })
})

describe('analyzeTomcatLogs: a generated catalina.out with planted events', () => {
  it('finds exactly the planted events among grep bait', async () => {
    const file = join(dir, 'catalina.out')
    const fd = openSync(file, 'w')
    const {truth} = generateCatalinaToFd(fd, {lines: 30_000, errorEvery: 97, seed: 7})
    closeSync(fd)
    const {section, findings} = await analyze([file])
    expect(section.lines).toBe(truth.lines)
    expect(section.events).toBe(truth.events)
    expect(section.byCategory).toEqual(truth.byCategory)
    expect(section.restarts).toEqual(truth.restarts)
    expect(section.unclassified).toBe(0)
    const byFinding: Record<string, number> = {}
    for (const s of section.signatures) byFinding[s.finding] = (byFinding[s.finding] ?? 0) + s.count
    expect(byFinding).toEqual(truth.byFinding)
    expect(findings.map((f) => f.id).sort()).toEqual(Object.keys(truth.byFinding).sort())
    expect(section.redisErrorsByMinute.reduce((sum, m) => sum + m.count, 0)).toBe(truth.byCategory.redis)
  })
})

describe('analyzeTomcatLogs: for the correlations in diagnose', () => {
  it('lifecycle entries name the node when the path does; errors per minute cover every category', async () => {
    const nodeDir = join(dir, 'node2')
    const {mkdirSync, copyFileSync} = await import('node:fs')
    mkdirSync(nodeDir, {recursive: true})
    copyFileSync(fixture('juli-oneline.log'), join(nodeDir, 'catalina.out'))
    const {section} = await analyze([join(nodeDir, 'catalina.out'), fixture('spring-boot.log')])
    expect(new Set(section.lifecycle.map((l) => l.node))).toEqual(new Set(['node2', null]))
    const classified =
      section.byCategory.serialization + section.byCategory.redis + section.byCategory.session + section.byCategory.replication
    expect(section.errorsByMinute.reduce((sum, m) => sum + m.count, 0)).toBe(classified)
  })

  it.each([
    ['/var/log/node2/catalina.out', 'node2'],
    ['logs/catalina-tomcat1.2026-11-28.log', 'tomcat1'],
    ['app-3.json', 'app-3'],
    ['/opt/tomcat/logs/catalina.out', null],
    ['logs/catalina.2026-11-28.log', null],
  ])('node of %s is %s', async (path, node) => {
    const {nodeOf} = await import('../../src/core/tomcat-log/aggregate.js')
    expect(nodeOf(path)).toBe(node)
  })
})

describe('restarts (#15: the lab saw 3 starts of node1 as 2)', () => {
  it('two starts of one node 90 s apart are two restarts; Tomcat and Spring Boot starting together are one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sessdoc-restarts-'))
    try {
      const file = join(dir, 'catalina.out')
      writeFileSync(
        file,
        [
          '05-Dec-2026 10:00:00.000 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [2310] milliseconds',
          '2026-12-05T10:00:05.000Z  INFO 1 --- [shop] [           main] com.shop.ShopApplication                 : Started ShopApplication in 6.9 seconds (process running for 7.8)',
          '05-Dec-2026 10:01:00.000 INFO [main] org.apache.catalina.core.StandardService.stopInternal Stopping service [Catalina]',
          '05-Dec-2026 10:01:30.000 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [2401] milliseconds',
          '05-Dec-2026 10:01:31.000 INFO [main] org.apache.catalina.startup.HostConfig.deployDirectory Deploying web application directory [/w/ROOT]',
          '05-Dec-2026 10:01:32.000 INFO [main] org.apache.catalina.startup.HostConfig.deployDirectory Deploying web application directory [/w/manager]',
        ].join('\n'),
      )
      const {section} = await analyze([file])
      expect(section.restarts).toEqual(['2026-12-05T10:00:00.000Z', '2026-12-05T10:01:30.000Z'])
      expect(section.lifecycle.map((l) => l.kind)).toEqual(['startup', 'shutdown', 'startup', 'deploy'])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
