import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {AccessLogAnalyzer} from '../../src/core/access-log/analyzer.js'
import {candidateParsers, resolveFormat} from '../../src/core/access-log/formats.js'
import {ParsedLine} from '../../src/core/access-log/parsed-line.js'

const parsers = candidateParsers({})
const rules = {sessionCookie: 'JSESSIONID', cookieName: 'JSESSIONID', base64: false}

// Lines built from the pieces access logs are made of, so that many of them almost parse.
const piece = fc.constantFrom(
  ' ',
  '"',
  '\\"',
  '[',
  ']',
  '-',
  '/',
  ':',
  ';jsessionid=',
  '.',
  'JSESSIONID=',
  '; ',
  '28/Nov/2026:10:00:01 +0100',
  '10.0.0.1:8080, 10.0.0.2:8080',
  'app/node1',
  '--VN',
  '{',
  '}',
  '200',
  'GET / HTTP/1.1',
  'ABCDEF0123456789ABCDEF0123456789.node1',
  '\t',
  'é',
  '\u0000',
)
const lineArbitrary = fc.oneof(
  fc.string({maxLength: 300}),
  fc.array(fc.oneof(piece, fc.string({maxLength: 8})), {maxLength: 40}).map((parts) => parts.join('')),
)

describe('every line either parses or is counted as rejected, and nothing throws', () => {
  it.each(parsers.map((p) => [p.name, p] as const))('%s', (_name, parser) => {
    fc.assert(
      fc.property(fc.array(lineArbitrary, {maxLength: 20}), (lines) => {
        const analyzer = new AccessLogAnalyzer({
          window: {since: null, until: null},
          routeSeparator: '.',
          sessionTimeoutMs: 1_800_000,
          redact: {},
          cookieName: 'JSESSIONID',
        })
        const parsed = new ParsedLine()
        for (const [i, line] of lines.entries()) {
          if (parser.parse(line, parsed)) analyzer.add(line, parsed, parser, rules)
          else analyzer.reject(line, 'x.log', i + 1)
        }
        expect(analyzer.parsed + analyzer.rejected).toBe(lines.length)
        expect(analyzer.requestsWithSession).toBeLessThanOrEqual(analyzer.parsed)
      }),
      {numRuns: 300},
    )
  })

  it('a parsed line keeps its positions inside the line', () => {
    const parser = resolveFormat('combined-cookie', {})
    fc.assert(
      fc.property(fc.string({maxLength: 40}), fc.string({maxLength: 40}), (ua, cookie) => {
        const line = `10.0.0.1 - - [28/Nov/2026:10:00:01 +0100] "GET / HTTP/1.1" 200 5 "-" "${ua.replace(/"/g, '\\"')}" "${cookie.replace(/"/g, '\\"')}"`
        const parsed = new ParsedLine()
        if (!parser.parse(line, parsed)) return
        for (const [start, end] of [
          [parsed.userAgentStart, parsed.userAgentEnd],
          [parsed.cookieStart, parsed.cookieEnd],
        ] as const) {
          expect(start).toBeGreaterThanOrEqual(0)
          expect(end).toBeLessThanOrEqual(line.length)
          expect(start).toBeLessThanOrEqual(end)
        }
      }),
    )
  })
})
