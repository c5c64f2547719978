import {describe, expect, it} from 'vitest'
import {analyze, fixture} from './helpers.js'

// The planted truth of each hand-written sample (see fixtures/tomcat-log/README.md).
const cases = [
  {
    file: 'juli-oneline.log',
    format: 'juli-oneline',
    lines: 74,
    events: 31,
    byCategory: {serialization: 5, redis: 2, session: 2, replication: 2, lifecycle: 4},
    restarts: ['2026-11-28T10:00:05.990Z', '2026-11-28T10:52:10.000Z'],
    unclassified: 1,
    findings: [
      'tomcat.class-incompatible',
      'tomcat.redis-connection',
      'tomcat.serialization',
      'tomcat.session-invalidated',
      'tomcat.session-replication',
    ],
    classes: ['com.shop.cart.Cart', 'com.shop.checkout.WizardState', 'com.shop.user.UserProfile'],
  },
  {
    file: 'juli-simple-de.log',
    format: 'juli-simple',
    lines: 29,
    events: 8,
    byCategory: {serialization: 1, redis: 1, session: 0, replication: 1, lifecycle: 2},
    restarts: ['2026-11-28T10:15:30.000Z'],
    unclassified: 1,
    findings: ['tomcat.redis-connection', 'tomcat.serialization', 'tomcat.session-replication'],
    classes: ['com.shop.security.LdapUserDetails'],
  },
  {
    file: 'spring-boot.log',
    format: 'spring-boot',
    lines: 41,
    events: 15,
    byCategory: {serialization: 1, redis: 4, session: 1, replication: 0, lifecycle: 2},
    restarts: ['2026-11-28T10:15:33.470Z'],
    unclassified: 1,
    findings: ['tomcat.redis-connection', 'tomcat.redis-server-error', 'tomcat.serialization', 'tomcat.session-invalidated'],
    classes: ['com.shop.cart.Cart'],
  },
  {
    file: 'logback.log',
    format: 'logback',
    lines: 33,
    events: 9,
    byCategory: {serialization: 0, redis: 5, session: 1, replication: 0, lifecycle: 0},
    restarts: [],
    unclassified: 0,
    findings: ['tomcat.redis-connection', 'tomcat.redis-server-error', 'tomcat.session-invalidated'],
    classes: [],
  },
  {
    file: 'json.log',
    format: 'json',
    lines: 6,
    events: 6,
    byCategory: {serialization: 1, redis: 1, session: 0, replication: 0, lifecycle: 1},
    restarts: ['2026-11-28T10:15:30.123Z'],
    unclassified: 1,
    findings: ['tomcat.class-incompatible', 'tomcat.redis-connection'],
    classes: ['com.shop.user.UserProfile'],
  },
]

describe('tomcat-log fixtures: exact counts per category', () => {
  it.each(cases)('$file', async (c) => {
    const {section, findings} = await analyze([fixture(c.file)])
    expect(section.status).toBe('analyzed')
    expect(section.fileDetails[0]!.format).toBe(c.format)
    expect(section.lines).toBe(c.lines)
    expect(section.events).toBe(c.events)
    expect(section.byCategory).toEqual(c.byCategory)
    expect(section.restarts).toEqual(c.restarts)
    expect(section.unclassified).toBe(c.unclassified)
    expect(findings.map((f) => f.id).sort()).toEqual(c.findings)
    expect([...new Set(section.signatures.map((s) => s.offendingClass).filter(Boolean))].sort()).toEqual(c.classes)
    // Signature counts add up to the classified events, ids are short and never look like session ids.
    const classified = Object.entries(section.byCategory)
      .filter(([k]) => k !== 'lifecycle')
      .reduce((sum, [, v]) => sum + v, 0)
    expect(section.signatures.reduce((sum, s) => sum + s.count, 0)).toBe(classified)
    for (const s of section.signatures) expect(s.id).toMatch(/^[0-9a-f]{10}$/)
  })

  it('planted details: one signature for three sessions, Redis replies, minute counts', async () => {
    const juli = (await analyze([fixture('juli-oneline.log')])).section
    const cart = juli.signatures.find((s) => s.offendingClass === 'com.shop.cart.Cart')!
    expect(cart).toMatchObject({
      count: 3,
      category: 'serialization',
      exception: 'java.io.NotSerializableException',
      firstSeen: '2026-11-28T10:06:30.220Z',
      lastSeen: '2026-11-28T10:08:30.220Z',
    })
    expect(cart.topFrames[0]).toBe('java.base/java.io.ObjectOutputStream.writeObject0(ObjectOutputStream.java:1197)')
    // The Lettuce failure keeps its chain from the wrapper message and its root cause from the trace.
    const redis = juli.signatures.find((s) => s.category === 'redis')!
    expect(redis.chain).toEqual([
      'org.springframework.data.redis.RedisConnectionFailureException',
      'io.lettuce.core.RedisConnectionException',
      'java.net.ConnectException',
    ])
    expect(redis.exception).toBe('java.net.ConnectException')
    expect(juli.redisErrorsByMinute).toEqual([{minute: '2026-11-28T10:31:00.000Z', count: 2}])
    expect(juli.lifecycle.map((l) => l.kind)).toEqual(['deploy', 'startup', 'shutdown', 'startup'])

    const boot = (await analyze([fixture('spring-boot.log')])).section
    expect(boot.signatures.filter((s) => s.redisReply).map((s) => [s.redisReply, s.count])).toEqual([
      ['OOM', 2],
      ['READONLY', 1],
    ])
    // +01:00 in the line is honoured: 10:30+01:00 is 09:30Z.
    expect(boot.signatures.find((s) => s.rule === 'redis-timeout')!.firstSeen).toBe('2026-11-28T09:30:00.000Z')
  })

  it('grep bait: INFO and DEBUG lines that mention sessions, Redis or serialization are not counted', async () => {
    const {section} = await analyze([fixture('spring-boot.log'), fixture('juli-oneline.log'), fixture('json.log')])
    const samples = section.signatures.map((s) => s.sample).join('\n')
    expect(samples).not.toContain('Cleaning up expired sessions')
    expect(samples).not.toContain('Redis ping OK')
    expect(samples).not.toContain('Session expiry check failed')
    expect(samples).not.toContain('Loaded session')
  })

  it('session ids in samples are redacted unless asked for', async () => {
    const redacted = (await analyze([fixture('juli-oneline.log')])).section
    const text = JSON.stringify(redacted)
    expect(text).not.toMatch(/1F2E3D4C5B6A79880F1E2D3C4B5A6978|AB12CD34EF56AB78CD90EF12AB34CD56/)
    expect(text).toContain('sid:')
    const shown = (await analyze([fixture('juli-oneline.log')], {redact: {showSessionIds: true}})).section
    expect(JSON.stringify(shown)).toContain('1F2E3D4C5B6A79880F1E2D3C4B5A6978')
  })
})
