import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {candidateParsers, detectFormat, parserFor} from '../../src/core/access-log/formats.js'
import {apacheDirectives} from '../../src/core/access-log/log-format.js'

// The regular expression the scanner replaced (quadratic on a run of `%{`): same matches, same order.
const oldPattern = /%([<>]?)(?:!?\d{3}(?:,\d{3})*)?([<>]?)(?:\{([^}]*)\})?([a-zA-Z%])/g

function byRegex(format: string): Array<{start: number; end: number; arg: string | undefined; letter: string}> {
  return [...format.matchAll(oldPattern)].map((m) => ({start: m.index, end: m.index + m[0].length, arg: m[3], letter: m[4]!}))
}

describe('apacheDirectives (LogFormat scanner)', () => {
  it.each([
    '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
    '%{%Y-%m-%d %H:%M:%S}t %!200,304,302{X}i %<{A}e %>s %% %{no-letter} %{',
    '%400,501{User-agent}i %!200,30x %<>s %{}C %',
  ])('reads %s as the old pattern did', (format) => {
    expect(apacheDirectives(format)).toEqual(byRegex(format))
  })

  it('agrees with the old pattern on any format', () => {
    fc.assert(
      fc.property(fc.string({unit: fc.constantFrom('%', '{', '}', '<', '>', '!', '2', '0', ',', 'h', 'C', ' ', '"', 'x')}), (format) => {
        expect(apacheDirectives(format)).toEqual(byRegex(format))
      }),
      {numRuns: 2000},
    )
  })
})

describe('detectFormat', () => {
  const rules = {cookieName: 'JSESSIONID', base64: false}
  const check = (i: number): string =>
    `10.0.0.1 - - [06/Dec/2026:01:00:${String(i % 60).padStart(2, '0')} +0000] "GET /health HTTP/1.1" 200 2 "-" "probe" - 15`

  it('never settles on a format without a session field while one with it parses as many lines', () => {
    // Cookie-less health checks: both parse every line, neither finds an id; the one without a session field has more fields.
    const timed = parserFor('timed', 'apache', '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{X-Request-Id}i %D', {})
    const cookie = parserFor('cookie', 'apache', '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{JSESSIONID}C %D', {})
    const lines = Array.from({length: 3000}, (_, i) => check(i))
    expect(detectFormat(lines, [timed, cookie], rules).parser.name).toBe('cookie')
  })

  it('samples the whole first block: session ids after the first thousand lines decide', () => {
    const header = parserFor('header', 'apache', '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{Cookie}i %D', {})
    const cookie = parserFor('cookie', 'apache', '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{JSESSIONID}C %D', {})
    const lines = [
      ...Array.from({length: 1500}, (_, i) => check(i)),
      '10.0.0.2 - - [06/Dec/2026:01:01:00 +0000] "GET /app HTTP/1.1" 200 2 "-" "ua" JSESSIONID=ABCDEF0123.node1 15',
    ]
    expect(detectFormat(lines, [cookie, header], rules).parser.name).toBe('header')
  })

  it('a format the config declares for this file wins over a better-looking guess', () => {
    const declared = [
      {
        dialect: 'tomcat' as const,
        format: '%h %l %u %t "%r" %s %b %S',
        nickname: null,
        logFile: 'logs/localhost_access_log*.txt',
        location: 'server.xml:9',
      },
    ]
    const lines = ['127.0.0.1 - - [06/Dec/2026:01:00:00 +0000] "GET /app/hello HTTP/1.0" 200 79 C7E93CE095A6189EA5F1DC87C9533AA4.node1']
    const detection = detectFormat(lines, candidateParsers({}), rules, {declared}, '/srv/node1/logs/localhost_access_log.2026-12-06.txt')
    expect([detection.from, detection.parser.kind]).toEqual(['config', 'tomcat'])
    expect(detectFormat(lines, candidateParsers({}), rules, {}).parser.name).toBe('common')
  })
})
