import {readFileSync} from 'node:fs'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {canonicalKey, durationSeconds, propertiesFile, springFacts, yamlProperties} from '../../src/core/config/spring.js'
import {emptyAppFacts} from '../../src/core/config/types.js'
import type {InputError} from '../../src/core/report/types.js'

describe('Spring Boot durations', () => {
  it.each([
    ['1800', 1800],
    ['30m', 1800],
    ['2m', 120],
    ['1h', 3600],
    ['90s', 90],
    ['500ms', 0.5],
    ['1d', 86400],
    ['PT30M', 1800],
    ['PT1H30M', 5400],
    ['P1D', 86400],
    ['-1', -1],
    ['0', 0],
  ])('%s is %d s', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds)
  })

  it.each(['half an hour', '30 minutes', 'PT', 'P', ''])('%j is no duration', (text) => {
    expect(durationSeconds(text)).toBeUndefined()
  })
})

describe('relaxed binding', () => {
  it.each([
    ['server.servlet.session.cookie.http-only', 'server.servlet.session.cookie.httponly'],
    ['server.servlet.session.cookie.httpOnly', 'server.servlet.session.cookie.httponly'],
    ['server.servlet.session.cookie.http_only', 'server.servlet.session.cookie.httponly'],
    ['spring.session.store-type', 'spring.session.storetype'],
  ])('%s → %s', (key, canonical) => {
    expect(canonicalKey(key)).toBe(canonical)
  })
})

describe('application.yml', () => {
  it('flattens documents to dotted keys with the line of each key; lists joined', () => {
    const text =
      'server:\n  servlet:\n    session:\n      timeout: 30m\n      tracking-modes:\n        - cookie\n---\nspring:\n  session:\n    store-type: redis\n'
    const {properties, errors} = yamlProperties(text, 'a.yml')
    expect(errors).toEqual([])
    expect(properties.map((p) => [p.key, p.value, p.line])).toEqual([
      ['server.servlet.session.timeout', '30m', 4],
      ['server.servlet.session.tracking-modes[0]', 'cookie', 6],
      ['server.servlet.session.tracking-modes', 'cookie', 5],
      ['spring.session.store-type', 'redis', 10],
    ])
  })

  it('malformed YAML: errors with file:line, what parsed still counts', () => {
    const {properties, errors} = yamlProperties(readFileSync('fixtures/config/malformed/application.yml', 'utf8'), 'application.yml')
    expect(errors.map((e) => e.message.split(': malformed')[0])).toEqual(['application.yml:5', 'application.yml:9'])
    expect(properties.find((p) => p.key === 'server.servlet.session.timeout')?.value).toBe('1m')
  })

  it('resolves placeholders with a default (NAME:default) to their default', () => {
    const {properties} = yamlProperties(`server:\n  servlet:\n    session:\n      timeout: $\{SESSION_TIMEOUT:45m}\n`, 'a.yml')
    expect(properties[0]!.value).toBe('45m')
  })
})

describe('application.properties', () => {
  it('reads =, :, whitespace separators, comments, continuations and escapes', () => {
    const text = '# c\n! c\na.b=1\nc.d: two\ne.f three\nlong.value=x\\\n   y\nescaped\\:key=\\u0041\n'
    const {properties, errors} = propertiesFile(text, 'a.properties')
    expect(errors).toEqual([])
    expect(properties.map((p) => [p.key, p.value, p.line])).toEqual([
      ['a.b', '1', 3],
      ['c.d', 'two', 4],
      ['e.f', 'three', 5],
      ['long.value', 'xy', 6],
      ['escaped:key', 'A', 8],
    ])
  })

  it('malformed properties: the bad line and the bad duration, with file:line; never the password', () => {
    const facts = emptyAppFacts()
    const file = 'fixtures/config/malformed/application.properties'
    const {properties, errors} = propertiesFile(readFileSync(file, 'utf8'), file)
    const all: InputError[] = [...errors]
    springFacts(properties, file, facts, all)
    expect(all.map((e) => e.message)).toEqual([
      `${file}:5: not a property line: =no key here (fix it there; the rest was checked)`,
      `${file}:2: server.servlet.session.timeout: "half an hour" is not a duration (write 30m, 1800s or PT30M) (fix it there; the rest was checked)`,
    ])
    expect(facts.cookieNames.map((c) => [c.value, c.line])).toEqual([['SID', 3]])
    expect(facts.trackingModes.map((t) => [t.value, t.line])).toEqual([[['COOKIE', 'URL'], 6]])
    expect(facts.storeHints.map((h) => h.store)).toEqual(['redis-client-only'])
    expect(JSON.stringify(facts)).not.toContain('s3cret')
  })

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({unit: fc.constantFrom('a', '.', '=', ':', ' ', '\\', '\n', '#', '!', 'u', '0', '$', '{', '}')}), (text) => {
        const {properties} = propertiesFile(text, 'p')
        for (const p of properties) expect(p.line).toBeGreaterThanOrEqual(1)
        springFacts(properties, 'p', emptyAppFacts(), [])
      }),
      {numRuns: 500},
    )
  })
})

describe('Spring facts', () => {
  it.each([
    ['spring.session.store-type=redis', 'redis', true],
    ['spring.session.store-type=none', 'node-local', false],
    ['spring.session.store-type=jdbc', 'shared', true],
    ['spring.session.redis.namespace=shop', 'redis', true],
    ['spring.data.redis.host=r1', 'redis-client-only', false],
    ['spring.redis.sentinel.master=m', 'redis-client-only', false],
  ])('%s → store %s', (line, store, springSession) => {
    const facts = emptyAppFacts()
    springFacts(propertiesFile(line, 'a').properties, 'a', facts, [])
    expect(facts.storeHints.map((h) => [h.store, !!h.springSession])).toEqual([[store, springSession]])
  })

  it('reads cookie flags in any relaxed spelling and the forwarded-header settings', () => {
    const facts = emptyAppFacts()
    const text =
      'server.servlet.session.cookie.httpOnly=false\nserver.servlet.session.cookie.SECURE=true\nserver.servlet.session.cookie.same_site=strict\nserver.forward-headers-strategy=native\n'
    springFacts(propertiesFile(text, 'a').properties, 'a', facts, [])
    expect(facts.httpOnly.map((h) => h.value)).toEqual([false])
    expect(facts.secure.map((h) => h.value)).toEqual([true])
    expect(facts.sameSite.map((h) => h.value)).toEqual(['strict'])
    expect(facts.secureTransport).toHaveLength(1)
    expect(facts.trackingModeDefaults).toEqual([{file: 'a', line: 1}])
  })
})
