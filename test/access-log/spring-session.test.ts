import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyzeAccessLogs} from '../../src/core/access-log/index.js'
import {figuresOf} from '../helpers/sections.js'

// Spring Session's cookie is SESSION, its value the Base64 of a UUID. Here the whole Cookie header is logged
// where one cookie was expected ("_ga=…; SESSION=…; lang=en"), as people do with nginx's $http_cookie.
const users = 30
const movers = 5
const base64Id = (i: number): string => Buffer.from(`7c0f${String(i).padStart(4, '0')}-1f2e-4d3c-8b4a-59687a6b5c4d`).toString('base64')

function springLog(): string {
  const lines: string[] = []
  for (let round = 0; round < 10; round++) {
    for (let u = 0; u < users; u++) {
      // The first `movers` users change node once, at round 5: one flip each.
      const node = u % 2 === 0 ? 'node1' : 'node2'
      const served = u < movers && round >= 5 ? (node === 'node1' ? 'node2' : 'node1') : node
      const time = `28/Nov/2026:10:${String(round).padStart(2, '0')}:${String(u).padStart(2, '0')} +0000`
      lines.push(
        `10.0.1.${u} - - [${time}] "GET /shop/cart HTTP/1.1" 200 512 "-" "Mozilla/5.0" "_ga=GA1.2.3; SESSION=${base64Id(u)}; lang=en" ${served}`,
      )
    }
  }
  return `${lines.join('\n')}\n`
}

const path = join(mkdtempSync(join(tmpdir(), 'sessdoc-spring-')), 'access.log')
writeFileSync(path, springLog())
const analyze = (cookieName?: string) =>
  analyzeAccessLogs({paths: [path], window: {since: null, until: null}, redact: {}, ...(cookieName ? {cookieName} : {})})

describe('a Spring Session log', () => {
  it('without --cookie SESSION: no session is made of the whole Cookie header (no false flips), and the finding names the flag', async () => {
    const result = await analyze()
    const section = figuresOf(result)
    expect(section.sessions).toBe(0)
    expect(section.routeFlips).toBe(0)
    const finding = result.findings.find((f) => f.id === 'access.no-session-field')!
    expect(finding.detail).toContain(`${users * 10} of the first lines carry a Spring Session cookie`)
    expect(finding.detail).toContain('--cookie SESSION')
    expect(finding.actions[0]).toMatch(/^Run again with --cookie SESSION/)
  })

  it('with --cookie SESSION: the ids are read out of the header, decoded, and the planted flips counted exactly', async () => {
    const section = figuresOf(await analyze('SESSION'))
    expect(section.sessions).toBe(users)
    expect(section.requestsWithSession).toBe(users * 10)
    expect(section.routeFlips).toBe(movers)
    expect(section.sessionsWithFlips).toBe(movers)
  })
})
