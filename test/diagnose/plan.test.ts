import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type DiagnoseConfig, loadDiagnoseConfig, parseConfigText} from '../../src/core/diagnose/config-file.js'
import {planDiagnose} from '../../src/core/diagnose/plan.js'
import {type DiagnoseFlagValues, mergeDiagnoseSettings} from '../../src/lib/diagnose-settings.js'
import {runCli} from '../helpers/run-cli.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessdoc-plan-'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('config file validation', () => {
  it('accepts a full scheduled-audit config', () => {
    const parsed = parseConfigText(
      `accessLog:\n  paths: [/var/log/httpd/access_log]\n  workers: [node1, node2]\ntomcatLog:\n  paths: /opt/tomcat/logs/catalina.out\nredis:\n  url: redis://10.0.0.5:6379\n  connectTimeout: 2000\nthresholds:\n  memoryWarningRatio: 0.7\nfailOn: critical\nformat: json\n`,
      'sessdoc.config.yml',
    )
    expect(parsed.ok).toBe(true)
  })

  it.each([
    ['a YAML syntax error with its line', 'accessLog:\n  paths: [a, b\nredis: x\n', /sessdoc.config.yml:\d+:\d+: not valid YAML/],
    ['an unknown key with a suggestion', 'accesslog:\n  paths: [x]\n', /unknown setting 'accesslog' \(did you mean 'accessLog'\?\)/],
    ['a nested unknown key', 'redis:\n  host: x\n', /unknown setting 'redis.host'; known here: url,/],
    ['a wrong type', 'redis:\n  connectTimeout: soon\n', /redis.connectTimeout must be a number/],
    ['a bad enum', 'failOn: sometimes\n', /failOn must be one of warning, critical, never/],
    ['a non-mapping', '- a\n- b\n', /the top level must be a mapping/],
    [
      'a typo with a suggestion (#19)',
      'accesLog:\n  paths: [x]\n',
      /^sessdoc.config.yml: unknown setting 'accesLog' \(did you mean 'accessLog'\?\)/,
    ],
    ['a nested typo with a suggestion', 'redis:\n  replcia: true\n', /unknown setting 'redis.replcia' \(did you mean 'redis.replica'\?\)/],
    [
      'a bad threshold value, naming the key and the file (#19)',
      'thresholds:\n  restartWindowMinutes: ten\n',
      /^sessdoc.config.yml: thresholds.restartWindowMinutes must be a number, got "ten"$/,
    ],
    [
      'an unknown threshold, naming the file, with a suggestion (#19)',
      'thresholds:\n  restartWindowMinute: 5\n',
      /^sessdoc.config.yml: unknown threshold 'thresholds.restartWindowMinute' \(did you mean 'thresholds.restartWindowMinutes'\?\)$/,
    ],
    [
      'an unknown threshold, naming the file and the known ones',
      'thresholds:\n  flipz: 5\n',
      /^sessdoc.config.yml: unknown threshold 'thresholds.flipz'; known: restartWindowMinutes,/,
    ],
  ])('rejects %s', (_name, text, message) => {
    const parsed = parseConfigText(text, 'sessdoc.config.yml')
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.error).toMatch(message)
  })

  it('reads JSON too, and finds sessdoc.config.* in the current directory', async () => {
    await writeFile(join(dir, 'sessdoc.config.json'), JSON.stringify({tomcatLog: {paths: ['x.log']}}))
    const loaded = await loadDiagnoseConfig(undefined, dir)
    expect(loaded.ok && loaded.value.path).toBe(join(dir, 'sessdoc.config.json'))
    expect(loaded.ok && loaded.value.config.tomcatLog?.paths).toEqual(['x.log'])
  })

  it('says what to do when --config names a missing file', async () => {
    const loaded = await loadDiagnoseConfig(join(dir, 'nope.yml'))
    expect(loaded.ok).toBe(false)
    if (!loaded.ok) expect(loaded.error).toMatch(/cannot read the config file .*ENOENT/)
  })

  it('a bad config file exits 3 with the file and line', async () => {
    const path = join(dir, 'bad.yml')
    await writeFile(path, 'redis:\n  url: [\n')
    const run = await runCli(['diagnose', '--config', path])
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/bad\.yml:\d+:\d+: not valid YAML/)
  })
})

describe('planDiagnose', () => {
  const none = (): boolean => false
  const plan = (flags: DiagnoseFlagValues, file: DiagnoseConfig, exists: (p: string) => boolean) =>
    planDiagnose(mergeDiagnoseSettings(flags, file), {}, exists)

  it('with no source named, tries the usual places and probes the default Redis', () => {
    const planned = plan({}, {}, (p) => p === '/var/log/httpd/access_log')
    if (!planned.ok) throw new Error(planned.error)
    expect(planned.request.accessLog?.paths).toEqual(['/var/log/httpd/access_log'])
    expect(planned.request.tomcatLog).toBeUndefined()
    expect(planned.request.redis).toMatchObject({probeOnly: true, target: {url: 'redis://127.0.0.1:6379'}})
    expect(planned.request.skipped?.map((s) => s.source)).toEqual(['tomcatLog'])
  })

  it('with a source named, looks nowhere else', () => {
    const planned = plan({'tomcat-log': ['app.log']}, {}, none)
    if (!planned.ok) throw new Error(planned.error)
    expect(planned.request.accessLog).toBeUndefined()
    expect(planned.request.redis).toBeUndefined()
    expect(planned.request.skipped).toEqual([])
  })

  it('lets flags override the config file', () => {
    const planned = plan(
      {'access-log': ['flag.log'], workers: 'a,b'},
      {accessLog: {paths: ['file.log'], workers: ['x'], logFormat: 'combined'}, redis: {url: 'redis://file:1'}},
      none,
    )
    if (!planned.ok) throw new Error(planned.error)
    expect(planned.request.accessLog).toMatchObject({paths: ['flag.log'], workers: ['a', 'b'], logFormat: 'combined'})
    expect(planned.request.redis).toMatchObject({probeOnly: false, target: {url: 'redis://file:1'}})
  })

  it('rejects unknown thresholds and names the known ones', () => {
    const planned = plan({}, {thresholds: {restartWindowMinutes: 5, flipz: 1}, tomcatLog: {paths: ['a']}}, none)
    expect(planned.ok).toBe(false)
    if (!planned.ok) expect(planned.error).toMatch(/unknown threshold\(s\) flipz.*restartWindowMinutes/)
  })
})

describe('config file parser on arbitrary input', () => {
  it('never throws: any text is a config or an error message naming the file', async () => {
    const fc = (await import('fast-check')).default
    fc.assert(
      fc.property(fc.string({maxLength: 400}), fc.constantFrom('a.yml', 'a.json'), (text, name) => {
        const parsed = parseConfigText(text, name)
        if (!parsed.ok) expect(parsed.error.startsWith(name)).toBe(true)
      }),
      {numRuns: 500},
    )
  })
})
