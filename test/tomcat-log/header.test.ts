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
