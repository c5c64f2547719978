import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
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
