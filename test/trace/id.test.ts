import {describe, expect, it} from 'vitest'
import {parseTraceId} from '../../src/core/trace/id.js'

describe('parseTraceId', () => {
  it.each([
    ['5C4E81AA55362508731D20EFC79CDFFC.node3', {kind: 'raw', base: '5C4E81AA55362508731D20EFC79CDFFC', route: 'node3'}],
    ['5C4E81AA55362508731D20EFC79CDFFC', {kind: 'raw', base: '5C4E81AA55362508731D20EFC79CDFFC', route: null}],
    ['JSESSIONID=5C4E81AA55362508731D20EFC79CDFFC.node3', {kind: 'raw', base: '5C4E81AA55362508731D20EFC79CDFFC', route: 'node3'}],
    ['node2~5C4E81AA55362508731D20EFC79CDFFC', {kind: 'raw', base: '5C4E81AA55362508731D20EFC79CDFFC', route: null}],
    ['sid:3f9a1c2e.node2', {kind: 'hash', hash: '3f9a1c2e', route: 'node2'}],
    ['SID:3F9A1C2E', {kind: 'hash', hash: '3f9a1c2e', route: null}],
    // Spring Session's SESSION cookie: the Base64 of the UUID.
    [
      Buffer.from('0b4c5f3e-8f2a-4b7c-9d1e-2f3a4b5c6d7e').toString('base64'),
      {kind: 'raw', base: '0b4c5f3e-8f2a-4b7c-9d1e-2f3a4b5c6d7e', route: null},
    ],
  ])('%s', (input, id) => {
    expect(parseTraceId(input)).toEqual({ok: true, id})
  })

  it.each([
    // As copied from a report: a sid with the route it carried, in backticks, quotes, or at the end of a sentence.
    ['sid:3f9a1c2e.node1', {kind: 'hash', hash: '3f9a1c2e', route: 'node1'}],
    ['`sid:3f9a1c2e.node1`', {kind: 'hash', hash: '3f9a1c2e', route: 'node1'}],
    ['"sid:3f9a1c2e.node1"', {kind: 'hash', hash: '3f9a1c2e', route: 'node1'}],
    ['sid:3f9a1c2e.node1.', {kind: 'hash', hash: '3f9a1c2e', route: 'node1'}],
    ['sid:3f9a1c2e.node1,', {kind: 'hash', hash: '3f9a1c2e', route: 'node1'}],
    ['`sid:3f9a1c2e.node1`.', {kind: 'hash', hash: '3f9a1c2e', route: 'node1'}],
    ['sid:3f9a1c2e.', {kind: 'hash', hash: '3f9a1c2e', route: null}],
    ['5C4E81AA55362508731D20EFC79CDFFC.node3.', {kind: 'raw', base: '5C4E81AA55362508731D20EFC79CDFFC', route: 'node3'}],
    ["'5C4E81AA55362508731D20EFC79CDFFC.node3'", {kind: 'raw', base: '5C4E81AA55362508731D20EFC79CDFFC', route: 'node3'}],
    // Spring's SESSION value with a route appended: the Base64 part is decoded, the route kept.
    [
      `${Buffer.from('0b4c5f3e-8f2a-4b7c-9d1e-2f3a4b5c6d7e').toString('base64')}.node1`,
      {kind: 'raw', base: '0b4c5f3e-8f2a-4b7c-9d1e-2f3a4b5c6d7e', route: 'node1'},
    ],
  ])('%s (copied with its route)', (input, id) => {
    expect(parseTraceId(input)).toEqual({ok: true, id})
  })

  it('a route separator of several characters, for a sid and a raw id', () => {
    expect(parseTraceId('sid:3f9a1c2e--node1', '--')).toEqual({ok: true, id: {kind: 'hash', hash: '3f9a1c2e', route: 'node1'}})
    expect(parseTraceId('5C4E81AA55362508731D20EFC79CDFFC--node1', '--')).toEqual({
      ok: true,
      id: {kind: 'raw', base: '5C4E81AA55362508731D20EFC79CDFFC', route: 'node1'},
    })
    expect(parseTraceId('sid:3f9a1c2e.node1', '--').ok).toBe(false)
  })

  it.each([[''], ['abc'], ['sid:xyz'], ['sid:3f9a1c2'], ['sid:3f9a1c2e.no de'], ['hello world 12345'], ['<script>alert(1)</script>']])(
    'rejects %j with a hint and without echoing it',
    (input) => {
      const parsed = parseTraceId(input)
      expect(parsed.ok).toBe(false)
      if (parsed.ok) return
      expect(parsed.hint).toMatch(/sid:/)
      if (input.length > 12 && !input.startsWith('sid:')) expect(parsed.error).not.toContain(input)
    },
  )
})
