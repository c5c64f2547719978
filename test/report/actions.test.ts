import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {type FindingId, findingCatalog} from '../../src/core/report/catalog.js'
import {makeFinding} from '../../src/core/report/report.js'
import type {Finding} from '../../src/core/report/types.js'

const stop = new Set(['with', 'that', 'this', 'from', 'into', 'then', 'them', 'their', 'they', 'every', 'each', 'when', 'what', 'again'])

/** The words that carry an action's meaning: lower case, four letters or more, plural folded. */
function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length >= 4 && !stop.has(w))
      .map((w) => w.replace(/(?:ing|s)$/, '')),
  )
}

/** Two actions say the same thing when most words of the shorter one are in the other. */
function sameAction(a: string, b: string): boolean {
  const [x, y] = [words(a), words(b)]
  const [small, large] = x.size <= y.size ? [x, y] : [y, x]
  if (small.size === 0) return false
  let shared = 0
  for (const w of small) if (large.has(w)) shared++
  return shared / small.size >= 0.6
}

function repeated(finding: Pick<Finding, 'actions'>): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  finding.actions.forEach((a, i) => {
    for (const b of finding.actions.slice(i + 1)) if (sameAction(a, b)) pairs.push([a, b])
  })
  return pairs
}

describe('findings that say each action once (#19)', () => {
  it.each([
    [
      'Make com.example.shop.cart.CartItem implement java.io.Serializable (and every field it holds), or keep it out of the session / mark the field transient',
      'Make the named class Serializable, or keep it out of the session (mark fields transient)',
    ],
    [
      'Before restarting node1: set it to drain (balancer-manager status D or N), wait for its sessions to end, deploy, health-check, re-enable',
      'Drain (balancer status D/N), wait for sessions to end, deploy, health-check, re-enable',
    ],
    [
      'Connection failures: check that Redis is up and reachable from the app hosts (sessdoc redis stats --redis URL)',
      'Check Redis reachability and latency from the app hosts',
    ],
    [
      "Set the balancer's sticky cookie to SESSION (stickysession=SESSION|session), or name the cookie JSESSIONID in the app",
      'Set stickysession= to the app session cookie name (and its URL parameter)',
    ],
    [
      'Run sessdoc redis scan --fix-ttl SECONDS (a dry run) to list them, then again with --yes to give them a TTL',
      'Set a TTL on the existing keys: sessdoc redis scan --fix-ttl SECONDS',
    ],
  ])('the detector sees the repeats the issue found: %s', (a, b) => {
    expect(sameAction(a, b)).toBe(true)
  })

  it('the catalog alone repeats nothing (each id without a check-specific action)', () => {
    for (const id of Object.keys(findingCatalog) as FindingId[]) expect(repeated(makeFinding(id, {detail: ''})), id).toEqual([])
  })

  it('a check-specific action replaces the catalog’s generic form of it', () => {
    const specific = 'Make com.example.Cart implement java.io.Serializable (and every field it holds)'
    expect(makeFinding('tomcat.serialization', {detail: '', actions: [specific]}).actions).toEqual([specific])
    expect(makeFinding('tomcat.serialization', {detail: ''}).actions).toEqual(findingCatalog['tomcat.serialization'].fallbackActions)
  })

  // Every report the fixtures and the demo produce, as the golden files hold them.
  const goldenDir = fileURLToPath(new URL('../golden/', import.meta.url))
  const reports = (function walk(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? walk(path) : name.endsWith('.json') ? [path] : []
    })
  })(goldenDir)

  it.each(reports.map((path) => [path.slice(goldenDir.length), path]))('no finding of %s says an action twice', (_name, path) => {
    const report = JSON.parse(readFileSync(path, 'utf8')) as {findings?: Finding[]}
    for (const finding of report.findings ?? []) expect(repeated(finding), finding.id).toEqual([])
  })
})
