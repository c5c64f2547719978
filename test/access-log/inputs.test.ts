import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {fileURLToPath} from 'node:url'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {analyzeAccessLogs} from '../../src/core/access-log/index.js'
import {groupStreams, rotationBase} from '../../src/core/access-log/inputs.js'
import type {AccessLogSection} from '../../src/core/access-log/types.js'
import {figuresOf} from '../helpers/sections.js'

const sample = readFileSync(fileURLToPath(new URL('../../fixtures/access-log/apache-cookie.log', import.meta.url)), 'utf8')
const sampleLines = sample.replace(/\n$/, '').split('\n')
const dir = mkdtempSync(join(tmpdir(), 'sessdoc-access-inputs-'))
const base = {window: {since: null, until: null}, redact: {}} as const
const figures = (s: AccessLogSection) => ({
  lines: s.lines,
  sessions: s.sessions,
  routeFlips: s.routeFlips,
  sessionsWithFlips: s.sessionsWithFlips,
  requestsWithSession: s.requestsWithSession,
})
const expected = {lines: 12, sessions: 4, routeFlips: 3, sessionsWithFlips: 2, requestsWithSession: 10}

describe('inputs', () => {
  it('rotated names group into one stream, other names are other front ends', () => {
    expect(rotationBase('/logs/access.log.2.gz')).toBe('/logs/access.log')
    expect(rotationBase('/logs/access.log-20261127')).toBe('/logs/access.log')
    expect(groupStreams(['a/access.log.1', 'a/access.log', 'b/access.log'])).toEqual([['a/access.log.1', 'a/access.log'], ['b/access.log']])
  })

  it('a rotated set, the older part gzipped, reads as one log', async () => {
    writeFileSync(join(dir, 'access.log.1.gz'), gzipSync(sampleLines.slice(0, 6).join('\n') + '\n'))
    writeFileSync(join(dir, 'access.log'), sampleLines.slice(6).join('\n') + '\n')
    const result = await analyzeAccessLogs({...base, paths: [join(dir, 'access.log*')]})
    expect(figures(result.section as AccessLogSection)).toEqual(expected)
    expect(figuresOf(result).files).toBe(2)
  })

  it('two front ends are merged in time order: a session moving between them is followed', async () => {
    writeFileSync(join(dir, 'lb1.log'), sampleLines.filter((_, i) => i % 2 === 0).join('\n') + '\n')
    writeFileSync(join(dir, 'lb2.log'), sampleLines.filter((_, i) => i % 2 === 1).join('\n') + '\n')
    const result = await analyzeAccessLogs({...base, paths: [join(dir, 'lb1.log'), join(dir, 'lb2.log')]})
    const s = result.section as AccessLogSection
    expect(figures(s)).toEqual(expected)
    expect(s.flipsByRoutePair).toEqual({'node1 → node2': 2, 'node2 → node1': 1})
  })

  it('a log no known format fits: nothing analyzable (an error section that asks for --log-format)', async () => {
    writeFileSync(join(dir, 'app.log'), '2026-11-28 10:00:01 INFO started\n2026-11-28 10:00:02 WARN slow\n')
    const result = await analyzeAccessLogs({...base, paths: [join(dir, 'app.log')]})
    expect(result.section).toMatchObject({status: 'error', formatSource: 'none', detectedFormat: null, parsed: 0, rejected: 2})
    expect(result.section.reason).toMatch(/no line fits a known access-log format .* give its format with --log-format/)
    expect(result.findings).toEqual([])
  })

  it('an empty file: nothing analyzable, said as the reason', async () => {
    writeFileSync(join(dir, 'empty.log'), '')
    const result = await analyzeAccessLogs({...base, paths: [join(dir, 'empty.log')]})
    expect(result.section).toMatchObject({status: 'error', reason: expect.stringMatching(/empty/), lines: 0, timeline: []})
    expect(result.findings).toEqual([])
  })

  it('standard input', async () => {
    const result = await analyzeAccessLogs({...base, paths: ['-'], stdin: Readable.from([Buffer.from(sample)])})
    expect(figures(result.section as AccessLogSection)).toEqual(expected)
  })

  it('HAProxy times carry no zone: --timezone decides', async () => {
    const haproxy = fileURLToPath(new URL('../../fixtures/access-log/haproxy.log', import.meta.url))
    const utc = await analyzeAccessLogs({...base, paths: [haproxy], timeZone: 'UTC'})
    expect(figuresOf(utc).firstSeen).toBe('2026-11-28T10:00:01.120Z')
    const berlin = await analyzeAccessLogs({...base, paths: [haproxy], timeZone: 'Europe/Berlin'})
    expect(figuresOf(berlin).firstSeen).toBe('2026-11-28T09:00:01.120Z')
  })
})
