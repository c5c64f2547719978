import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {AccessLogAnalyzer} from '../../src/core/access-log/analyzer.js'
import {candidateParsers, resolveFormat} from '../../src/core/access-log/formats.js'
import {ParsedLine, parseLine} from '../../src/core/access-log/parsed-line.js'

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

/** The fields a parser fills, as [start, end] pairs (positions) and values. */
function snapshot(p: ParsedLine, offset: number): unknown[] {
  const at = (n: number): number => (n < 0 ? n : n - offset)
  return [
    p.timeMs,
    at(p.clientStart),
    at(p.clientEnd),
    at(p.userAgentStart),
    at(p.userAgentEnd),
    at(p.requestStart),
    at(p.requestEnd),
    at(p.cookieStart),
    at(p.cookieEnd),
    at(p.cookieHeaderStart),
    at(p.cookieHeaderEnd),
    at(p.workerStart),
    at(p.workerEnd),
    at(p.sessionRouteStart),
    at(p.sessionRouteEnd),
    p.retried,
    p.clientCookieState,
    p.serverCookieState,
  ]
}

describe('a line parsed inside a block of lines is parsed as on its own', () => {
  it.each(parsers.map((p) => [p.name, p] as const))('%s', (_name, parser) => {
    fc.assert(
      fc.property(lineArbitrary, lineArbitrary, lineArbitrary, (before, line, after) => {
        fc.pre(!line.includes('\n') && !before.includes('\n'))
        const alone = new ParsedLine()
        const okAlone = parseLine(parser, line, alone)
        const block = `${before}\n${line}\n${after}`
        const inBlock = new ParsedLine()
        const start = before.length + 1
        const okInBlock = parser.parse(block, start, start + line.length, inBlock)
        expect(okInBlock).toBe(okAlone)
        if (okAlone) expect(snapshot(inBlock, start)).toEqual(snapshot(alone, 0))
      }),
      {numRuns: 300},
    )
  })

  it('finds a well-formed line between lines of another format', () => {
    const parser = resolveFormat('combined-cookie', {})
    const line = '10.0.0.1 - - [28/Nov/2026:10:00:01 +0100] "GET / HTTP/1.1" 200 5 "-" "UA" "ABC.node1"'
    const parsed = new ParsedLine()
    const block = `garbage " no fields\n${line}\n"quoted" "more" "end"`
    const start = block.indexOf('10.0.0.1')
    expect(parser.parse(block, start, start + line.length, parsed)).toBe(true)
    expect(block.slice(parsed.cookieStart, parsed.cookieEnd)).toBe('ABC.node1')
    // Cut one character short, the line no longer ends with its closing quote.
    expect(parser.parse(block, start, start + line.length - 1, parsed)).toBe(false)
  })
})

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
          if (parseLine(parser, line, parsed)) analyzer.add(line, parsed, parser, rules)
          else analyzer.reject(line, 'x.log', i + 1)
        }
        expect(analyzer.counts.parsed + analyzer.counts.rejected).toBe(lines.length)
        expect(analyzer.counts.requestsWithSession).toBeLessThanOrEqual(analyzer.counts.parsed)
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
        if (!parseLine(parser, line, parsed)) return
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
