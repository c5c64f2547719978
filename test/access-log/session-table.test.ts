import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {SessionTable} from '../../src/core/access-log/session-table.js'

interface Entry {
  key: number
  check: number
  alive: boolean
}

describe('SessionTable', () => {
  it('finds what was added and drops what retain rejects, like a Map of (key, check)', () => {
    const op = fc.oneof(
      // Few distinct keys: many entries share a key (and a first slot) and differ by check.
      fc.record({add: fc.integer({min: 0, max: 40}), check: fc.integer({min: -3, max: 3})}),
      fc.record({retainEvery: fc.integer({min: 1, max: 4})}),
    )
    fc.assert(
      fc.property(fc.array(op, {maxLength: 3000}), (ops) => {
        const table = new SessionTable<Entry>()
        const reference = new Map<string, Entry>()
        let round = 0
        for (const o of ops) {
          if ('add' in o) {
            const id = `${o.add}:${o.check}`
            expect(table.get(o.add, o.check)).toBe(reference.get(id))
            if (!reference.has(id)) {
              const entry = {key: o.add, check: o.check, alive: true}
              table.add(entry)
              reference.set(id, entry)
            }
          } else {
            round++
            const drop = (e: Entry): boolean => (e.key + round) % o.retainEvery === 0
            const dropped = table.retain((e) => !drop(e))
            let expected = 0
            for (const [id, e] of reference)
              if (drop(e)) {
                reference.delete(id)
                expected++
              }
            expect(dropped).toBe(expected)
          }
          expect(table.size).toBe(reference.size)
        }
        for (const [id, e] of reference) expect(table.get(e.key, e.check), id).toBe(e)
        expect([...table.values()].length).toBe(reference.size)
      }),
      {numRuns: 60},
    )
  })

  it('grows past its first size and shrinks back after most entries go', () => {
    const table = new SessionTable<Entry>()
    for (let i = 0; i < 100_000; i++) table.add({key: (i * 2654435761) >>> 2, check: i, alive: true})
    expect(table.size).toBe(100_000)
    expect(table.get((77 * 2654435761) >>> 2, 77)?.check).toBe(77)
    expect(table.retain((e) => e.check < 10)).toBe(99_990)
    expect(table.get((5 * 2654435761) >>> 2, 5)?.check).toBe(5)
    expect(table.get((500 * 2654435761) >>> 2, 500)).toBeUndefined()
  })
})
