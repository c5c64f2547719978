import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {compileFormat} from '../../src/core/access-log/log-format.js'
import {apacheDirectives} from '../../src/core/config/apache-tokens.js'
import {checkConfig} from '../../src/core/config/index.js'
import {showsSessionCookie} from '../../src/core/config/section.js'
import {propertiesFile} from '../../src/core/config/spring.js'

// Configs built to crash a recursive parser (deep nesting) or make a scanner quadratic (runs of
// `%{`, backslashes, continuation lines). The bounds are generous for a shared 2-core machine and
// far below what the quadratic code took (seconds to a minute; see the issue #13 report).

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessdoc-config-hostile-'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

async function within<T>(ms: number, job: () => Promise<T> | T): Promise<T> {
  const started = performance.now()
  const result = await job()
  expect(performance.now() - started).toBeLessThan(ms)
  return result
}

function quickly<T>(ms: number, job: () => T): T {
  const started = performance.now()
  const result = job()
  expect(performance.now() - started).toBeLessThan(ms)
  return result
}

type Kind = 'apacheConf' | 'tomcatConf' | 'appConfig'

async function check(kind: Kind, name: string, text: string) {
  const path = join(dir, name)
  await writeFile(path, text)
  const result = await within(3000, () => checkConfig({[kind]: [path], redact: {}}))
  return {result, messages: (result.section.errors ?? []).map((e) => e.message)}
}

const depth = 5000

describe('a config nested 5,000 levels deep is a config error with file:line, not a crash', () => {
  it.each<[string, Kind, string, string, number]>([
    ['nginx blocks', 'apacheConf', 'nginx.conf', `http {\n${'location / {\n'.repeat(depth)}${'}\n'.repeat(depth)}}\n`, 101],
    ['XML elements', 'tomcatConf', 'server.xml', `<Server>\n${'<a>\n'.repeat(depth)}${'</a>\n'.repeat(depth)}</Server>\n`, 101],
    [
      'httpd <IfModule> sections',
      'apacheConf',
      'httpd.conf',
      `${'<IfModule m>\nLogFormat "%h" x\n'.repeat(depth)}${'</IfModule>\n'.repeat(depth)}`,
      201,
    ],
    [
      'YAML mappings',
      'appConfig',
      'application.yml',
      `${Array.from({length: depth}, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} v\n`,
      101,
    ],
    ['YAML flow lists', 'appConfig', 'application.yaml', `a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, 1],
  ])('%s', async (_what, kind, name, text, line) => {
    const {result, messages} = await check(kind, name, text)
    expect(result.section.status).toBe('analyzed')
    const deep = messages.filter((m) => m.includes('nested deeper than 100 levels'))
    expect(deep).toHaveLength(1)
    // The flow list's overflow is located by the yaml library, somewhere on its one line.
    expect(deep[0]).toMatch(new RegExp(`/${name.replace('.', '\\.')}:${line}: `))
    expect(deep[0]).toMatch(/is this the right file\?/)
  })
})

describe('scanning is linear: runs that made the old scanners quadratic', () => {
  it('a LogFormat of 100k "%{" compiles in time (was 27 s)', () => {
    const compiled = quickly(1500, () => compileFormat(`%h ${'%{'.repeat(100_000)}`, 'apache'))
    expect(compiled.fields).toHaveLength(1)
  })

  it('a LogFormat of 100k "%{" is checked for the session cookie in time (was 19 s)', () => {
    expect(quickly(1500, () => showsSessionCookie('%{'.repeat(100_000), new Set()))).toBe(false)
  })

  it('an nginx log_format of 100k "${" compiles in time', () => {
    expect(() => quickly(1500, () => compileFormat(`$remote_addr ${'${'.repeat(100_000)}`, 'nginx'))).not.toThrow()
  })

  it('.properties keys of 60k backslashes are read in time (were 35 s)', () => {
    const line = `a${'\\'.repeat(60_000)}x=1\n`
    const {properties} = quickly(1500, () => propertiesFile(line.repeat(10), 'a.properties'))
    expect(properties.map((p) => p.value)).toEqual(Array(10).fill('1'))
  })

  it('100k .properties continuation lines are read in time (was 27 s)', () => {
    const {properties} = quickly(1500, () => propertiesFile(`${'a=1\\\n'.repeat(100_000)}b\n`, 'a.properties'))
    expect(properties).toHaveLength(1)
  })

  it('40k httpd continuation lines are read in time (was 19 s)', () => {
    const {directives} = quickly(1500, () => apacheDirectives(`${'LogFormat \\\n'.repeat(40_000)}x\n`))
    expect(directives).toHaveLength(1)
  })
})

describe('config lines are cut at 64 KB, and the cut is reported with file:line', () => {
  const long = 'x'.repeat(1024 * 1024)
  it.each<[Kind, string, string]>([
    ['apacheConf', 'httpd.conf', `Listen 80\nServerName ${long}\nServerName ${long}\n`],
    ['apacheConf', 'haproxy.cfg', `backend app\n  server a ${long}\n  server b ${long}\n`],
    ['apacheConf', 'workers.properties', `worker.list=lb\nworker.lb.x=${long}\nworker.lb.y=${long}\n`],
    ['apacheConf', 'nginx.conf', `events {}\nhttp { server_name ${long};\nserver_name ${long}; }\n`],
    ['appConfig', 'application.properties', `a=1\nb=${long}\nc=${long}\n`],
    ['appConfig', 'application.yml', `a: 1\nb: ${long}\nc: ${long}\n`],
  ])('%s %s', async (kind, name, text) => {
    const {messages} = await check(kind, name, text)
    expect(messages).toContain(
      `${join(dir, name)}:2: 2 lines longer than 64 KB were cut to 64 KB (only their start was read: is this the right file?)`,
    )
  })

  it('a logical line joined from continuation lines is cut too', () => {
    const {directives, cut} = apacheDirectives(`LogFormat \\\n${`${'y'.repeat(1000)} \\\n`.repeat(200)}x\nListen 80\n`)
    expect(cut).toEqual([1])
    expect(directives.map((d) => d.name)).toEqual(['LogFormat', 'Listen'])
    expect(directives[0]!.args.join(' ').length).toBeLessThanOrEqual(64 * 1024)
  })
})
