import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {analyzeAccessLogs, builtinFormats} from '../../src/core/access-log/index.js'
import {checkConfig} from '../../src/core/config/index.js'
import {decodeStoredNumber} from '../../src/core/redis/scan/java-values.js'
import {parseInfo} from '../../src/core/redis/stats/info-parser.js'
import {analyzeTomcatLogs} from '../../src/core/tomcat-log/index.js'
import {figuresOf} from '../helpers/sections.js'

// Lines built to make a backtracking regular expression go exponential or quadratic: long runs
// of the characters parsers split on. Each parser must read them in time linear in their size;
// the bound here is generous (the machine is shared), the benchmark measures.
const run = (c: string, n = 20_000): string => c.repeat(n)
const worst = [
  run('"'),
  run(' '),
  run('['),
  run('\\"'),
  `1.2.3.4 - - [${run('[')} "GET ${run('/;jsessionid=')} HTTP/1.1" 200`,
  `"${run('a" "')}`,
  run('\tat '),
  `Caused by: ${run('Caused by: ')}`,
  `${run('x.')}Exception: ${run(': ')}`,
  `{"@timestamp":"${run('\\"')}","message":"${run('{')}"}`,
  `28-Nov-2026 10:15:30.123 SEVERE [${run('[')}] ${run('a.')} ${run(' ')}`,
  run('=;'),
  run('a:b,'),
  run('<'),
  `<Engine ${run('a="')}`,
  run('\u0000\u00ff'),
]
const lines = worst.flatMap((l) => [l, l.slice(0, 1000), l.slice(0, 5)])
const window = {since: null, until: null}

let dir: string
let logPath: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessdoc-hostile-'))
  logPath = join(dir, 'hostile.log')
  await writeFile(logPath, lines.join('\n') + '\n')
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

/** Runs `job` and fails when it takes longer than `ms`: a backtracking regex takes minutes here. */
async function within<T>(ms: number, job: () => Promise<T> | T): Promise<T> {
  const started = performance.now()
  const result = await job()
  expect(performance.now() - started).toBeLessThan(ms)
  return result
}

describe('worst-case lines are read in linear time, never throw, and are counted', () => {
  it.each([...Object.keys(builtinFormats), 'haproxy', '$remote_addr [$time_local] "$request" $status "$cookie_JSESSIONID" $upstream_addr'])(
    'access log as %s',
    async (logFormat) => {
      const result = await within(5000, () => analyzeAccessLogs({paths: [logPath], window, redact: {}, logFormat}))
      if (result.section.status === 'analyzed') {
        expect(Number(figuresOf(result).parsed) + Number(figuresOf(result).rejected) + Number(figuresOf(result).outsideWindow ?? 0)).toBe(
          lines.length,
        )
      } else {
        expect(result.section.reason).toBeTruthy()
      }
    },
  )

  it('access log, format detected', async () => {
    const result = await within(5000, () => analyzeAccessLogs({paths: [logPath], window, redact: {}}))
    expect(['analyzed', 'error']).toContain(result.section.status)
  })

  it('app log', async () => {
    const result = await within(5000, () => analyzeTomcatLogs({paths: [logPath], window, redact: {}}))
    expect(result.section.status).toBe('analyzed')
    expect(figuresOf(result).lines).toBe(lines.length)
  })

  it.each([
    'httpd.conf',
    'server.xml',
    'web.xml',
    'application.yml',
    'application.properties',
    'workers.properties',
    'haproxy.cfg',
    'nginx.conf',
  ])('config file %s', async (name) => {
    const path = join(dir, name)
    await writeFile(path, lines.join('\n'))
    const kind = /\.(xml)$/.test(name) ? 'tomcatConf' : /^application/.test(name) ? 'appConfig' : 'apacheConf'
    const result = await within(8000, () => checkConfig({[kind]: [path], redact: {}}))
    expect(['analyzed', 'error']).toContain(result.section.status)
  })

  it('Redis INFO text', async () => {
    await within(2000, () => parseInfo(lines.join('\r\n')))
  })

  it('Java-serialized values', async () => {
    await within(2000, () => {
      for (const l of lines) decodeStoredNumber(Buffer.from(l, 'latin1'))
    })
  })
})
