import {describe, expect, it} from 'vitest'
import {type CarrierName, priorityLevel, unwrapCarrier} from '../../src/core/input/line-carriers.js'

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0)
const always = (): boolean => true
const never = (): boolean => false

describe('line carriers: each shape alone', () => {
  it.each<[string, CarrierName, string, string | null]>([
    // [line, carrier, inner line, time (ISO) or null]
    [
      'Dec 05 10:00:03 web1 tomcat10[812]: Server startup in [2310] milliseconds',
      'journald-short',
      'Server startup in [2310] milliseconds',
      '2026-12-05T10:00:03.000Z',
    ],
    [
      'Dec  5 10:00:03.123456 web1 tomcat10[812]:     at a.B.c(B.java:1)',
      'journald-short',
      '    at a.B.c(B.java:1)',
      '2026-12-05T10:00:03.123Z',
    ],
    [
      '2026-12-05T10:00:03+0100 web1 tomcat10[812]: Server startup in [1] milliseconds',
      'journald-short-iso',
      'Server startup in [1] milliseconds',
      '2026-12-05T09:00:03.000Z',
    ],
    [
      '2026-12-05T10:00:03.123456789Z stdout F 05-Dec-2026 10:00:03.120 INFO [main] x',
      'cri',
      '05-Dec-2026 10:00:03.120 INFO [main] x',
      '2026-12-05T10:00:03.123Z',
    ],
    ['2026-12-05T10:00:03.123456789Z stderr F ', 'cri', '', '2026-12-05T10:00:03.123Z'],
    ['2026-12-05T10:00:03.123456789Z \tat a.B.c(B.java:1)', 'timestamp', '\tat a.B.c(B.java:1)', '2026-12-05T10:00:03.123Z'],
    [
      '2023-12-18T04:11:16.409+08:00 org.redisson.client.RedisTimeoutException: x',
      'timestamp',
      'org.redisson.client.RedisTimeoutException: x',
      '2023-12-17T20:11:16.409Z',
    ],
    [
      'INFO   | jvm 1    | 2018/04/16 13:44:31 | \tat java.io.X.y(X.java:1)',
      'java-service-wrapper',
      '\tat java.io.X.y(X.java:1)',
      '2018-04-16T13:44:31.000Z',
    ],
    ['web_1  | 16-Oct-2020 11:39:10.284 INFO [main] x', 'docker-compose', '16-Oct-2020 11:39:10.284 INFO [main] x', null],
    ['shop-web-1  |                at a.B.c(B.java:1)', 'docker-compose', '               at a.B.c(B.java:1)', null],
    [
      '[INFO] [talledLocalContainer] INFO: Deploying web application archive [a.war]',
      'maven',
      'INFO: Deploying web application archive [a.war]',
      null,
    ],
    ['   5123         at org.x.Y.z(Y.java:1)', 'line-number', '        at org.x.Y.z(Y.java:1)', null],
    [
      '1675786205742,\tjava.lang.reflect.InvocationTargetException',
      'epoch-csv',
      '\tjava.lang.reflect.InvocationTargetException',
      '2023-02-07T16:10:05.742Z',
    ],
    [
      '  | at java.io.ObjectOutputStream.writeObject0(ObjectOutputStream.java:1184)',
      'table-pipe',
      'at java.io.ObjectOutputStream.writeObject0(ObjectOutputStream.java:1184)',
      null,
    ],
  ])('%j → %s', (line, carrier, inner, time) => {
    const found = unwrapCarrier(line, always, NOW)
    expect(found?.carrier).toBe(carrier)
    expect(found?.text).toBe(inner)
    if (time === null) expect(found?.timeMs).toBeNaN()
    else expect(new Date(found!.timeMs).toISOString()).toBe(time)
  })

  it('journalctl -o json: MESSAGE (also as bytes), microsecond time, PRIORITY as the level', () => {
    const entry = {
      __REALTIME_TIMESTAMP: '1796461203000417',
      PRIORITY: '4',
      SYSLOG_IDENTIFIER: 'tomcat10',
      MESSAGE: 'Cannot serialize session attribute [cart]',
    }
    const found = unwrapCarrier(JSON.stringify(entry), always)
    expect(found).toMatchObject({carrier: 'journald-json', text: 'Cannot serialize session attribute [cart]', level: 'warn', zoned: true})
    expect(new Date(found!.timeMs).toISOString()).toBe('2026-12-05T09:00:03.000Z')
    const bytes = unwrapCarrier(JSON.stringify({...entry, MESSAGE: [...Buffer.from('caf\u00e9')]}), always)
    expect(bytes?.text).toBe('café')
  })

  it('docker json-file: a line cut at 16 KB is a fragment (no newline at its end)', () => {
    expect(unwrapCarrier('{"log":"part one ","stream":"stdout","time":"2026-12-05T10:00:03Z"}', always)).toMatchObject({
      partial: true,
      text: 'part one ',
    })
    expect(unwrapCarrier('{"log":"part two\\n","stream":"stdout","time":"2026-12-05T10:00:03Z"}', always)).toMatchObject({
      partial: false,
      text: 'part two',
    })
  })

  it('CRI: P marks a fragment, F the end of the line', () => {
    expect(unwrapCarrier('2026-12-05T10:00:03.1Z stdout P first half', always)?.partial).toBe(true)
    expect(unwrapCarrier('2026-12-05T10:00:03.1Z stdout F second half', always)?.partial).toBe(false)
  })

  it.each([
    ['a line number before text that is no log line', '  42 items in cart'],
    ['a pipe before text that is no log line', ' | Name | Value |'],
    ['an epoch before text that is no log line', '1675786205742,foo,bar'],
  ])('ambiguous shapes need a log line inside: %s', (_name, line) => {
    expect(unwrapCarrier(line, never)).toBeNull()
  })

  it.each([
    '28-Nov-2026 10:15:30.123 SEVERE [main] a.B.c Boom',
    '2026-11-28T10:15:30.123Z ERROR 4242 --- [app] [main] c.s.Logger : msg',
    '\tat a.B.c(B.java:1)',
    'Caused by: java.io.IOException: x',
    'java.io.NotSerializableException: com.x.Y',
    '{"@timestamp":"2026-11-28T10:00:00Z","level":"ERROR","message":"x"}',
  ])('no carrier around a plain log line: %j', (line) => {
    expect(unwrapCarrier(line, never)).toBeNull()
  })

  it.each([
    [0, 'error'],
    [3, 'error'],
    [4, 'warn'],
    [6, 'info'],
    [7, 'debug'],
    [9, null],
  ] as const)('syslog priority %i is %s', (priority, level) => {
    expect(priorityLevel(priority)).toBe(level)
  })
})
