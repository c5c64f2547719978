import {describe, expect, it} from 'vitest'
import {HeaderParser} from '../../src/core/tomcat-log/header.js'

const parse = (line: string): HeaderParser | null => {
  const h = new HeaderParser()
  if (!h.parse(line)) return null
  h.full(line)
  return h
}

describe('header formats', () => {
  it.each([
    ['28-Nov-2026 10:15:30.123 SEVERE [main] o.a.c.Catalina.start Boom', 'juli-oneline', 'error', [2026, 10, 28, 10, 15, 30, 123], 'Boom'],
    [
      '28-Nov-2026 10:15:30.123 INFO [main] o.a.c.Catalina.start Server startup in [1] milliseconds',
      'juli-oneline',
      'info',
      [2026, 10, 28, 10, 15, 30, 123],
      'Server startup in [1] milliseconds',
    ],
    ['28-Nov.-2026 10:15:30.123 SCHWERWIEGEND [main] o.a.c.X.y Fehler', 'juli-oneline', 'error', [2026, 10, 28, 10, 15, 30, 123], 'Fehler'],
    ['28-März-2026 10:15:30.123 WARNUNG [main] o.a.c.X.y Achtung', 'juli-oneline', 'warn', [2026, 2, 28, 10, 15, 30, 123], 'Achtung'],
    ['28-Nov-2026 10:15:30.123 AM FEINSTEN [main] o.a.c.X.y detail', 'juli-oneline', 'debug', [2026, 10, 28, 10, 15, 30, 123], 'detail'],
    [
      '2026-11-28T10:15:30.123Z ERROR 4242 --- [app] [main] c.s.Logger                               : msg',
      'spring-boot',
      'error',
      [2026, 10, 28, 10, 15, 30, 123],
      'msg',
    ],
    [
      '2026-11-28 10:15:30.123  WARN 4242 --- [           main] c.s.Logger                               : msg',
      'spring-boot',
      'warn',
      [2026, 10, 28, 10, 15, 30, 123],
      'msg',
    ],
    [
      '2026-11-28 10:15:30,123 [http-nio-8080-exec-1] ERROR c.s.Web - failed',
      'logback',
      'error',
      [2026, 10, 28, 10, 15, 30, 123],
      'failed',
    ],
    ['2026-11-28 10:15:30.123 ERROR [main] c.s.Web - failed', 'logback', 'error', [2026, 10, 28, 10, 15, 30, 123], 'failed'],
    ['[2026-11-28 10:15:30.123] [main] WARN c.s.Web - slow', 'logback', 'warn', [2026, 10, 28, 10, 15, 30, 123], 'slow'],
    ['Nov 28, 2026 1:15:30 PM org.apache.catalina.startup.Catalina start', 'juli-simple', 'unknown', [2026, 10, 28, 13, 15, 30, 0], ''],
    ['28.11.2026 10:15:30 org.apache.catalina.startup.Catalina start', 'juli-simple', 'unknown', [2026, 10, 28, 10, 15, 30, 0], ''],
  ] as const)('%s', (line, format, level, time, message) => {
    const h = parse(line)!
    expect(h).not.toBeNull()
    expect(h.format).toBe(format)
    expect(h.level).toBe(level)
    expect([h.year, h.month, h.day, h.hour, h.minute, h.second, h.millis]).toEqual(time)
    expect(line.slice(h.msgStart)).toBe(message)
  })

  it('reads zone offsets', () => {
    expect(parse('2026-11-28T10:15:30.123+01:00 ERROR 1 --- [main] c.s.L : m')!.zoneMinutes).toBe(60)
    expect(parse('2026-11-28T10:15:30.123-0530 ERROR 1 --- [main] c.s.L : m')!.zoneMinutes).toBe(-330)
    expect(parse('2026-11-28T10:15:30.123Z ERROR 1 --- [main] c.s.L : m')!.zoneMinutes).toBe(0)
    expect(Number.isNaN(parse('2026-11-28 10:15:30.123 ERROR 1 --- [main] c.s.L : m')!.zoneMinutes)).toBe(true)
  })

  it.each([
    ['2026-11-28 10:15:30,123 [http-nio-8080-exec-1] INFO  c.s.Web - GET /', 'logback', 'info'],
    ['2026-11-28 10:15:30.123 DEBUG [main] c.s.Web - detail', 'logback', 'debug'],
    ['28-Nov-2026 10:15:30.123 INFO [http-nio-8080-exec-1] c.s.Web.log GET /', 'juli-oneline', 'info'],
    ['2026-11-28T10:15:30.123Z  INFO 4242 --- [app] [nio-8080-exec-1] c.s.Web : GET /', 'spring-boot', 'info'],
    ['2026-11-28 10:15:30.123  INFO 4242 --- c.s.Web : no thread bracket', 'spring-boot', 'info'],
  ] as const)('fast path and full parse agree: %s', (line, format, level) => {
    const fast = new HeaderParser()
    expect(fast.parse(line)).toBe(true)
    expect([fast.format, fast.level]).toEqual([format, level])
    const full = new HeaderParser()
    expect(full.full(line)).toBe(true)
    expect([full.format, full.level]).toEqual([format, level])
  })

  it('time-only log4j2 lines carry no date', () => {
    const h = parse('10:15:30.123 [main] ERROR org.redisson.Redisson - Unable to start')!
    expect(h.format).toBe('time-only')
    expect(h.hasDate).toBe(false)
  })

  it.each([
    ['SEVERE: message without a date line', 'level-first', 'error', 'message without a date line', ''],
    [
      'ERROR     [restartedMain] org.apache.juli.logging.DirectJDKLog: Exception loading sessions',
      'level-first',
      'error',
      'Exception loading sessions',
      'org.apache.juli.logging.DirectJDKLog',
    ],
    [
      'ERROR org.apache.catalina.core.ContainerBase - Session event listener threw exception',
      'level-first',
      'error',
      'Session event listener threw exception',
      'org.apache.catalina.core.ContainerBase',
    ],
    ['WARNING org.apache.catalina.ha.session.ClusterSessionListener.messageReceived Context manager', 'level-first', 'warn', '', ''],
    [
      'org.apache.catalina.ha.session.DeltaManager getAllClusterSessions',
      'juli-simple',
      'unknown',
      '',
      'org.apache.catalina.ha.session.DeltaManager',
    ],
    [
      '2018-02-23 14:40:45,865[nio-8080-exec-4]  [ERROR] [.a.c.t.t.AbstractReplicatedMap 477]  - Unable to diff',
      'logback',
      'error',
      'Unable to diff',
      '.a.c.t.t.AbstractReplicatedMap',
    ],
    [
      '[2022-03-04 12:25:18,791] [a6b2] ERROR {org.apache.catalina.core.StandardWrapperValve} - Servlet failed',
      'logback',
      'error',
      'Servlet failed',
      'org.apache.catalina.core.StandardWrapperValve',
    ],
    ['apr 29, 2022 6:20:45 PM org.apache.coyote.AbstractProtocol init', 'juli-simple', 'unknown', '', 'org.apache.coyote.AbstractProtocol'],
    [
      '四月 16, 2018 1:44:31 下午 org.apache.catalina.session.StandardManager doLoad',
      'juli-simple',
      'unknown',
      '',
      'org.apache.catalina.session.StandardManager',
    ],
  ])('real-world shape %j', (line, format, level, message, logger) => {
    const h = parse(line)!
    expect(h.format).toBe(format)
    expect(h.level).toBe(level)
    if (message) expect(line.slice(h.msgStart)).toBe(message)
    if (logger) expect(h.logger(line)).toBe(logger)
  })

  it('zh-CN JULI dates: 下午 is p.m.', () => {
    const h = parse('四月 16, 2018 1:44:31 下午 org.apache.catalina.session.StandardManager doLoad')!
    expect([h.year, h.month, h.day, h.hour, h.minute]).toEqual([2018, 3, 16, 13, 44])
  })

  it.each([
    '2026-12-05T10:00:03.123Z stdout F 28-Nov-2026 10:15:30.123 SEVERE [main] a.B.c Boom',
    '2026-12-05T10:00:03.123456789Z 2026-12-05T10:00:03.120Z ERROR 1 --- [main] c.s.X : msg',
    '2026-12-05T10:00:03+01:00 web1 tomcat10[812]: SEVERE x',
    'Information: the app started',
    'AM I a header',
  ])('a carrier or prose, not a header: %j', (line) => {
    expect(new HeaderParser().parse(line)).toBe(false)
  })

  it.each([
    '\tat a.B.c(B.java:1)',
    'Caused by: java.io.IOException: x',
    'java.io.NotSerializableException: com.x.Y',
    '2 sessions expired',
    '2026-11-28 is the day',
    '{"not":"json"',
    '',
    '28-Nov-2026 garbage',
  ])('not a header: %j', (line) => {
    expect(new HeaderParser().parse(line)).toBe(false)
  })
})
