import {createHash} from 'node:crypto'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {maskUrlPasswords, redactSessionId, scrubText} from '../../src/core/redact.js'

const sha8 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 8)
const tomcatId = '5A1B2C3D4E5F60718293A4B5C6D7E8F9'

describe('redactSessionId', () => {
  it('hashes the id and keeps the route suffix', () => {
    expect(redactSessionId(`${tomcatId}.server1`)).toBe(`sid:${sha8(tomcatId)}.server1`)
  })
  it('gives the same base hash on every route, so a session can be followed', () => {
    const a = redactSessionId(`${tomcatId}.node1`)
    const b = redactSessionId(`${tomcatId}.node2`)
    expect(a.split('.')[0]).toBe(b.split('.')[0])
  })
  it('handles ids without route and other separators', () => {
    expect(redactSessionId(tomcatId)).toBe(`sid:${sha8(tomcatId)}`)
    expect(redactSessionId(`${tomcatId}!w1`, {routeSeparator: '!'})).toBe(`sid:${sha8(tomcatId)}!w1`)
  })
  it('leaves ids as they are with --show-session-ids', () => {
    expect(redactSessionId(`${tomcatId}.s1`, {showSessionIds: true})).toBe(`${tomcatId}.s1`)
  })
})

describe('maskUrlPasswords', () => {
  it.each([
    ['redis://:s3cret@10.0.0.1:6379/0', 'redis://:***@10.0.0.1:6379/0'],
    ['rediss://audit:p%40ss@redis.internal:6380', 'rediss://audit:***@redis.internal:6380'],
    ['connect to redis://audit@host:6379 failed', 'connect to redis://audit@host:6379 failed'],
    ['no url here', 'no url here'],
  ])('%s', (input, expected) => {
    expect(maskUrlPasswords(input)).toBe(expected)
  })
})

describe('scrubText', () => {
  it('redacts cookie values, URL ids, bare Tomcat ids and UUIDs, keeping routes', () => {
    const uuid = '0f8b3c2e-9d4a-4e1b-8c7d-6a5b4c3d2e1f'
    const text = `GET /cart;jsessionid=${tomcatId}.s2 "Cookie: JSESSIONID=${tomcatId}.s1; theme=dark" session ${uuid} id ${tomcatId}`
    const out = scrubText(text)
    expect(out).not.toContain(tomcatId)
    expect(out).not.toContain(uuid)
    expect(out).not.toContain('dark')
    expect(out).toContain(`sid:${sha8(tomcatId)}.s2`)
    expect(out).toContain(`sid:${sha8(uuid)}`)
  })
  it('leaves runs of digits alone: a serialVersionUID is no session id', () => {
    const text = 'local class serialVersionUID = -5286743891243456789, stream classdesc serialVersionUID = 1234567890123456789'
    expect(scrubText(text)).toBe(text)
  })

  it('hides Authorization headers and password settings always', () => {
    const out = scrubText('Authorization: Basic dXNlcjpwYXNz requirepass hunter2 password=hunter3', {showSessionIds: true})
    expect(out).not.toContain('hunter2')
    expect(out).not.toContain('hunter3')
  })
  it('is idempotent on its own output', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 200}), fc.stringMatching(/^[0-9A-F]{32}$/), (noise, id) => {
        const once = scrubText(`${noise} JSESSIONID=${id}.n1 ${noise}`)
        expect(scrubText(once)).toBe(once)
        expect(once).not.toContain(id)
      }),
    )
  })
})
