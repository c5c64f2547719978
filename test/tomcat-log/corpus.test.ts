import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {analyze, root} from './helpers.js'

// The real-world corpus (issue #16): logs other people posted, labelled by what an expert reads in
// them. It is read where it lies, beside the checkout, never copied into the project. Scored as
// ../shared/corpus/real-world/score.py scores it: a slot is found when one of its categories is reported.
const corpus = join(root, '..', 'shared', 'corpus', 'real-world')
const present = existsSync(join(corpus, 'labels.json'))
if (!present) console.warn(`corpus: skipped, ${corpus} is not there`)

/** Found today; the test fails when the score drops below it. */
const FOUND_AT_LEAST = 50

interface LogLabel {
  expected: string[][]
  tolerated?: string[]
}

type ByCategory = Record<string, number>

async function reported(path: string): Promise<{categories: Set<string>; byCategory: ByCategory}> {
  const {section} = await analyze([path], {timezone: 'UTC'})
  const byCategory = {...section.byCategory} as ByCategory
  const categories = new Set(Object.keys(byCategory).filter((c) => (byCategory[c] ?? 0) > 0))
  if (section.lifecycle.length > 0 || section.restarts.length > 0) categories.add('lifecycle')
  return {categories, byCategory}
}

describe.runIf(present)('the real-world corpus (../shared/corpus/real-world)', () => {
  const labels = present ? (JSON.parse(readFileSync(join(corpus, 'labels.json'), 'utf8')) as {logs: Record<string, LogLabel>}).logs : {}
  const names = Object.keys(labels).sort()
  const dir = mkdtempSync(join(tmpdir(), 'sessdoc-corpus-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))
  const perFile = new Map<string, ByCategory>()

  it(`finds at least ${FOUND_AT_LEAST} of the labelled problems, with no false alarm`, async () => {
    let found = 0
    let slots = 0
    const misses: string[] = []
    const alarms: string[] = []
    for (const name of names) {
      const label = labels[name]!
      const {categories, byCategory} = await reported(join(corpus, 'logs', name))
      perFile.set(name, byCategory)
      const allowed = new Set(label.tolerated ?? [])
      for (const slot of label.expected) {
        for (const c of slot) allowed.add(c)
        slots++
        if (slot.some((c) => categories.has(c))) found++
        else misses.push(`${name}: expected ${slot.join('/')}`)
      }
      for (const c of categories) if (!allowed.has(c)) alarms.push(`${name}: ${c}`)
    }
    console.log(
      `corpus: logs ${found}/${slots} found, ${alarms.length} false alarms${misses.length > 0 ? `; missed ${misses.join(', ')}` : ''}`,
    )
    expect(alarms).toEqual([])
    expect(found).toBeGreaterThanOrEqual(FOUND_AT_LEAST)
  })

  it('all logs in one file (as a catalina.out mixes them) give the sum of the per-file categories', async () => {
    expect(perFile.size).toBe(names.length)
    const whole = join(dir, 'all.log')
    writeFileSync(whole, names.map((name) => `${readFileSync(join(corpus, 'logs', name), 'utf8').replace(/\n+$/, '')}\n`).join(''))
    const sum: ByCategory = {}
    for (const byCategory of perFile.values()) for (const [c, n] of Object.entries(byCategory)) sum[c] = (sum[c] ?? 0) + n
    const {byCategory} = await reported(whole)
    expect(byCategory).toEqual(sum)
  })
})
