import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {extractChain, parseExceptionLine} from '../../src/core/tomcat-log/chain.js'
import {classify} from '../../src/core/tomcat-log/classify.js'
import {HeaderParser} from '../../src/core/tomcat-log/header.js'
import {parseJsonEvent} from '../../src/core/tomcat-log/json-line.js'
import {normalizeMessage} from '../../src/core/tomcat-log/signature.js'
import {join} from './helpers.js'

// Pieces of real lines, so that generated input reaches deep into the parsers.
const pieces = [
  '28-Nov-2026 10:15:30.123 ',
  'SEVERE ',
  'INFO ',
  'WARNUNG ',
  '[main] ',
  'org.apache.catalina.startup.Catalina.start ',
  'Server startup in [12] milliseconds',
  '2026-11-28T10:15:30.123Z ',
  ' ERROR 4242 --- ',
  '[app] [exec-1] ',
  'c.s.Logger : ',
  '\tat a.B.c(B.java:1)',
  'Caused by: ',
  'java.io.NotSerializableException: com.x.Y',
  '; nested exception is ',
  'Nov 28, 2026 10:15:30 AM ',
  'SCHWERWIEGEND: ',
  '{"level":"ERROR","message":"x","stack_trace":"a.BException: y\\n\\tat q"}',
  '\t... 3 more',
  'Suppressed: ',
  ' : ',
  ']',
  '[',
  ':',
  '\u0000',
  '\u00e4',
]
const lineArb = fc.oneof(
  fc.string({maxLength: 120}),
  fc.array(fc.constantFrom(...pieces), {maxLength: 8}).map((p) => p.join('')),
)

describe('parsers never throw', () => {
  it('the joiner, whatever the lines and however they are batched', () => {
    fc.assert(
      fc.property(fc.array(lineArb, {maxLength: 40}), fc.integer({min: 1, max: 7}), (lines, chunk) => {
        const whole = join(lines)
        const parts = join(lines, chunk)
        expect(parts.events).toBe(whole.events)
        expect(parts.problems.length).toBe(whole.problems.length)
        for (const event of whole.problems) {
          expect(event.continuation.length).toBeLessThanOrEqual(200)
          expect(() => classify(event)).not.toThrow()
        }
      }),
      {numRuns: 400},
    )
  })

  it('header, exception-line, JSON and normalisation functions', () => {
    fc.assert(
      fc.property(lineArb, (line) => {
        const h = new HeaderParser()
        if (h.parse(line)) {
          h.full(line)
          expect(h.msgStart).toBeLessThanOrEqual(line.length)
        }
        parseExceptionLine(line)
        parseJsonEvent(line)
        extractChain(line, [line, line])
        expect(normalizeMessage(line).length).toBeLessThanOrEqual(240)
      }),
      {numRuns: 2000},
    )
  })

  it('normalisation is linear: a long adversarial line takes no time', () => {
    const line = `${'a.'.repeat(20_000)}:${'1'.repeat(20_000)}${'-a'.repeat(20_000)}`
    const start = performance.now()
    normalizeMessage(line)
    parseExceptionLine(line)
    expect(performance.now() - start).toBeLessThan(500)
  })
})
