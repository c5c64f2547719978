import {readdirSync, readFileSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {analyzeAccessLogs} from '../../src/core/access-log/index.js'
import {buildReport} from '../../src/core/report/report.js'
import type {SourceResult} from '../../src/core/report/types.js'
import {analyzeTomcatLogs} from '../../src/core/tomcat-log/index.js'
import {outputFormats, render} from '../../src/render/index.js'
import {figuresOf} from '../helpers/sections.js'

const window = {since: null, until: null}
const redact = {}

/** Every credential-like value in a log text: session ids, Spring's Base64 cookies, other cookie values, auth headers. */
function secretsIn(text: string): Set<string> {
  const found = new Set<string>()
  const add = (s: string | undefined): void => {
    if (s && s.length >= 8 && s !== '-') found.add(s)
  }
  for (const m of text.matchAll(/\b[0-9A-Fa-f]{32}\b/g)) add(m[0])
  for (const m of text.matchAll(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi)) add(m[0])
  for (const m of text.matchAll(/"([A-Za-z0-9+/]{24,}={0,2})"/g)) {
    add(m[1])
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
    if (/^[\x20-\x7e]+$/.test(decoded)) add(decoded.split('.')[0])
  }
  for (const m of text.matchAll(/(?:^|[;"]\s*)[A-Za-z_][\w.-]*=([^;"\s]{8,})/g)) add(m[1])
  for (const m of text.matchAll(/(?:Bearer|Basic)\s+([A-Za-z0-9+/=._-]{8,})/g)) add(m[1])
  return found
}

async function expectNoSecrets(result: SourceResult, secrets: Set<string>, label: string): Promise<void> {
  const report = buildReport({results: [result]})
  for (const format of outputFormats) {
    const out = await render(report, format, {color: format === 'text'})
    const leaked = [...secrets].filter((s) => out.includes(s))
    expect(leaked, `${label} as ${format}`).toEqual([])
  }
}

const fixtureDir = (name: string): string => new URL(`../../fixtures/${name}/`, import.meta.url).pathname
const logs = (name: string): string[] =>
  readdirSync(fixtureDir(name))
    .filter((f) => f.endsWith('.log'))
    .map((f) => join(fixtureDir(name), f))

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessdoc-secrets-'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('no secret from the input reaches any output format', () => {
  it.each([...logs('access-log'), fixtureDir('demo') + 'access.log'])('access log %s', async (path) => {
    const secrets = secretsIn(readFileSync(path, 'utf8'))
    if (!path.endsWith('common.log') && !path.endsWith('no-cookie.log')) expect(secrets.size).toBeGreaterThan(0)
    const cookieName = path.includes('spring-session') ? 'SESSION' : undefined
    await expectNoSecrets(await analyzeAccessLogs({paths: [path], window, redact, ...(cookieName ? {cookieName} : {})}), secrets, path)
  })

  it.each([...logs('tomcat-log'), fixtureDir('demo') + 'node2/catalina.out'])('app log %s', async (path) => {
    const secrets = secretsIn(readFileSync(path, 'utf8'))
    await expectNoSecrets(await analyzeTomcatLogs({paths: [path], window, redact}), secrets, path)
  })

  it('a hostile access log: credentials in headers, rejected lines and terminal escapes', async () => {
    const id = 'C0FFEE00C0FFEE00C0FFEE00C0FFEE00'
    const lines = [
      `10.0.0.1 - - [28/Nov/2026:10:00:01 +0000] "GET /a;jsessionid=${id}.n1 HTTP/1.1" 200 10 "-" "evil\u001b]0;owned\u0007\u001b[2J" "JSESSIONID=${id}.n1; remember_me=R3m3mb3rT0k3nV4lu3" "Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig"`,
      `garbage line with JSESSIONID=${id}.n2 and Authorization: Basic dXNlcjpodW50ZXIy and password=hunter2hunter2`,
      `10.0.0.1 - - [28/Nov/2026:10:00:09 +0000] "GET /b HTTP/1.1" 200 10 "-" "curl/8" "JSESSIONID=${id}.n2" "-"`,
    ]
    const path = join(dir, 'hostile.log')
    await writeFile(path, lines.join('\n') + '\n')
    const result = await analyzeAccessLogs({
      paths: [path],
      window,
      redact,
      logFormat: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{Cookie}i" "%{Authorization}i"',
    })
    const secrets = new Set([id, 'R3m3mb3rT0k3nV4lu3', 'eyJhbGciOiJIUzI1NiJ9', 'dXNlcjpodW50ZXIy', 'hunter2hunter2'])
    await expectNoSecrets(result, secrets, 'hostile.log')
    for (const format of ['text', 'markdown', 'html'] as const) {
      const out = await render(buildReport({results: [result]}), format, {})
      expect(out, format).not.toMatch(/\u001b\]|\u0007|\u001b\[2J/)
    }
  })

  describe('ids where they are easy to miss', () => {
    const id = '5A1B2C3D4E5F60718293A4B5C6D7E8F9'
    const uuid = 'ff7f3412-8a0b-4c1d-9e2f-0123456789ab'
    const springCookie = Buffer.from(`${uuid}.node1`).toString('base64')
    const bareSpring = Buffer.from(uuid).toString('base64')
    const ok = (cookie: string): string => `10.0.0.1 - - [28/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 10 "-" "curl/8" "${cookie}"`

    it('a Spring SESSION cookie in a rejected line, whole or cut by the sample, is redacted', async () => {
      const cut = `${'x'.repeat(300 - 20)} "${springCookie}"`
      const path = join(dir, 'spring-rejected.log')
      await writeFile(
        path,
        [ok(springCookie), `not a request "${springCookie}" SESSION=${springCookie}`, cut, ok(springCookie)].join('\n') + '\n',
      )
      const result = await analyzeAccessLogs({paths: [path], window, redact, cookieName: 'SESSION'})
      expect(figuresOf(result).rejected).toBe(2)
      const fragment = springCookie.slice(0, 16)
      await expectNoSecrets(result, new Set([springCookie, uuid, fragment, uuid.slice(0, 13)]), 'spring-rejected.log')
    })

    it('an id cut by the 300-character sample (12 to 15 hex digits left) is redacted', async () => {
      const path = join(dir, 'cut-id.log')
      const lines = [12, 13, 15].map((n) => `${'x'.repeat(300 - n - 2)} "${id}"`)
      await writeFile(path, lines.join('\n') + '\n')
      const result = await analyzeAccessLogs({paths: [path], window, redact})
      expect(figuresOf(result).rejectedSamples).toHaveLength(3)
      await expectNoSecrets(result, new Set([id.slice(0, 12)]), 'cut-id.log')
    })

    it('an id glued to a word, and a bare Base64 SESSION value, in an app-log message are redacted', async () => {
      const path = join(dir, 'catalina.out')
      const lines = [
        `28-Nov-2026 10:00:01.000 SEVERE [http-nio-8080-exec-1] org.example.Cart.load Session ${id}_v2 could not be deserialized`,
        `28-Nov-2026 10:00:02.000 SEVERE [http-nio-8080-exec-2] org.example.Cart.load Session x${id} could not be deserialized`,
        `28-Nov-2026 10:00:03.000 SEVERE [http-nio-8080-exec-3] org.springframework.session.web.http.SessionRepositoryFilter Invalid session ${bareSpring} for cookie SESSION=${springCookie}`,
      ]
      await writeFile(path, lines.join('\n') + '\n')
      const result = await analyzeTomcatLogs({paths: [path], window, redact})
      await expectNoSecrets(result, new Set([id, bareSpring, springCookie, uuid]), 'catalina.out')
    })
  })
})
