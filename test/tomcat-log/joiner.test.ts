import {describe, expect, it} from 'vitest'
import {join} from './helpers.js'

const T = '28-Nov-2026 10:00:00.000'

describe('the event joiner', () => {
  it('joins a trace with `Caused by`, `... N more` and `common frames omitted` into one event', () => {
    const {problems, events} = join([
      `${T} SEVERE [main] a.B.c Failed`,
      'java.lang.IllegalStateException: outer',
      '\tat a.B.c(B.java:1)',
      'Caused by: java.io.IOException: inner',
      '\tat a.C.d(C.java:2)',
      '\t... 12 more',
      '\t3 common frames omitted',
      `${T} INFO [main] a.B.c next`,
    ])
    expect(events).toBe(2)
    expect(problems).toHaveLength(1)
    expect(problems[0]!.continuation).toHaveLength(6)
  })

  it("stitches a trace cut by another thread's single line back to its event", () => {
    const {problems, events} = join([
      `${T} SEVERE [exec-1] a.B.c Request failed`,
      'java.lang.IllegalStateException: getAttribute: Session already invalidated',
      '\tat a.B.c(B.java:1)',
      `${T} INFO [exec-2] a.B.c other thread`,
      '\tat a.B.d(B.java:2)',
      '\tat a.B.e(B.java:3)',
      `${T} INFO [exec-3] a.B.c after`,
    ])
    expect(events).toBe(3)
    expect(problems).toHaveLength(1)
    expect(problems[0]!.continuation).toEqual([
      'java.lang.IllegalStateException: getAttribute: Session already invalidated',
      '\tat a.B.c(B.java:1)',
      '\tat a.B.d(B.java:2)',
      '\tat a.B.e(B.java:3)',
    ])
  })

  it('keeps a truncated last event (no trailing frames, no newline)', () => {
    const {problems} = join([
      `${T} WARNING [exec-1] a.B.c Cannot serialize session attribute [x] for session [y]`,
      '\tjava.io.NotSerializableException: com.x.Y',
      '\t\tat java.io.ObjectOutputStr',
    ])
    expect(problems).toHaveLength(1)
    expect(problems[0]!.continuation).toHaveLength(2)
  })

  it('keeps suppressed exceptions in the event', () => {
    const {problems} = join([
      '2026-11-28 11:03:00.000 [exec-2] ERROR c.s.Store - Failed',
      'org.springframework.data.redis.RedisConnectionFailureException: Unexpected end of stream.',
      '\tat a.B.c(B.java:1)',
      '\tSuppressed: java.io.IOException: Broken pipe',
      '\t\tat a.B.d(B.java:2)',
      'Caused by: redis.clients.jedis.exceptions.JedisConnectionException: Unexpected end of stream.',
      '\t... 12 more',
    ])
    expect(problems).toHaveLength(1)
    expect(problems[0]!.continuation).toHaveLength(6)
  })

  it('joins Spring Boot traces that follow a blank line', () => {
    const {problems, events} = join([
      '2026-11-28T10:20:00.000Z ERROR 4242 --- [shop] [nio-8080-exec-3] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() threw exception',
      '',
      'java.lang.IllegalArgumentException: DefaultSerializer requires a Serializable payload but received an object of type [com.shop.Cart]',
      '\tat x.Y.z(Y.java:1)',
      '',
      '2026-11-28T10:21:00.000Z  INFO 4242 --- [shop] [nio-8080-exec-3] c.s.X                                    : ok',
    ])
    expect(events).toBe(2)
    expect(problems[0]!.continuation[0]).toContain('DefaultSerializer')
  })

  it('gives the same events whatever the batch size', () => {
    const lines = [
      `${T} SEVERE [exec-1] a.B.c Request failed`,
      'java.lang.IllegalStateException: x',
      '\tat a.B.c(B.java:1)',
      `${T} INFO [exec-2] a.B.c other`,
      '\tat a.B.d(B.java:2)',
      'Nov 28, 2026 10:15:30 AM org.apache.catalina.startup.Catalina start',
      'INFORMATION: Server startup in 3456 ms',
      `${T} WARNING [exec-1] a.B.c warn`,
    ]
    const whole = join(lines)
    for (const chunk of [1, 2, 3, 5]) {
      const parts = join(lines, chunk)
      expect(parts.events).toBe(whole.events)
      expect(parts.problems.map((p) => p.continuation)).toEqual(whole.problems.map((p) => p.continuation))
      expect(parts.lifecycle).toEqual(whole.lifecycle)
    }
  })

  it('counts the tail of a trace before the first header as orphan lines, no event', () => {
    const {problems, orphanLines, events} = join(['\tat a.B.c(B.java:1)', '\tat a.B.d(B.java:2)', `${T} INFO [main] a.B.c first`])
    expect(orphanLines).toBe(2)
    expect(events).toBe(1)
    expect(problems).toHaveLength(0)
  })

  it('classifies INFO events that carry a trace, never DEBUG ones', () => {
    const {problems} = join([
      '2026-11-28 11:00:05,100 [pool-1-thread-3] INFO  com.shop.cache.Executor - Could not get a resource from the pool',
      'redis.clients.jedis.exceptions.JedisConnectionException: Could not get a resource from the pool',
      '\tat redis.clients.jedis.util.Pool.getResource(Pool.java:42)',
      '2026-11-28 11:04:00.000 [exec-9] DEBUG com.shop.Store - retrying',
      'redis.clients.jedis.exceptions.JedisConnectionException: Unexpected end of stream.',
      '\tat redis.clients.jedis.util.RedisInputStream.ensureFill(RedisInputStream.java:202)',
    ])
    expect(problems.map((p) => p.level)).toEqual(['info'])
  })

  it('reads the level of the two-line SimpleFormatter from the second line, localized', () => {
    const {problems, lifecycle} = join([
      'Nov 28, 2026 1:05:00 PM org.apache.catalina.ha.session.DeltaManager waitForSendAllSessions',
      'SCHWERWIEGEND: Manager [localhost#/shop]: No session state send at [x] received, timing out after [60.000] ms.',
      'Nov 28, 2026 1:06:00 PM org.apache.catalina.startup.Catalina start',
      'INFORMATION: Server startup in 3456 ms',
    ])
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({
      level: 'error',
      logger: 'org.apache.catalina.ha.session.DeltaManager',
      timeMs: Date.UTC(2026, 10, 28, 13, 5),
    })
    expect(problems[0]!.message).toMatch(/^Manager \[localhost/)
    expect(lifecycle).toEqual([{kind: 'startup', timeMs: Date.UTC(2026, 10, 28, 13, 6)}])
  })
})

describe('lifecycle messages on the threads Tomcat logs them from', () => {
  it.each([
    ['28-Nov-2026 10:00:00.000 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [4889] milliseconds', 'startup'],
    [
      '28-Nov-2026 10:00:00.000 INFO [localhost-startStop-1] org.apache.catalina.startup.HostConfig.deployWAR Deploying web application archive [/opt/tomcat/webapps/shop.war]',
      'deploy',
    ],
    [
      '28-Nov-2026 10:00:00.000 INFO [Catalina-utility-2] org.apache.catalina.startup.HostConfig.undeploy Undeploying context [/shop]',
      'undeploy',
    ],
    [
      '28-Nov-2026 10:00:00.000 INFO [Thread-5] org.apache.catalina.core.StandardService.stopInternal Stopping service [Catalina]',
      'shutdown',
    ],
    [
      '28-Nov-2026 10:00:00.000 INFO [ContainerBackgroundProcessor[StandardEngine[Catalina]]] org.apache.catalina.core.StandardContext.reload Reloading Context with name [/shop] has started',
      'deploy',
    ],
    [
      '2026-11-28T10:15:33.470Z  INFO 4242 --- [shop] [           main] com.shop.ShopApplication                 : Started ShopApplication in 3.912 seconds (process running for 4.5)',
      'startup',
    ],
    [
      '2016-11-28 10:15:33.470  INFO 4242 --- [           main] com.shop.ShopApplication                 : Started ShopApplication in 3.912 seconds (JVM running for 4.5)',
      'startup',
    ],
    [
      '2026-11-28T10:40:00.000Z  INFO 4242 --- [shop] [ionShutdownHook] o.s.b.w.e.tomcat.GracefulShutdown        : Commencing graceful shutdown. Waiting for active requests to complete',
      'shutdown',
    ],
    [
      '2026-11-28 10:15:33,470 [main] INFO  com.shop.ShopApplication - Started ShopApplication in 3.912 seconds (process running for 4.5)',
      'startup',
    ],
    [
      '2026-11-28 10:15:33.470 INFO  [main] com.shop.ShopApplication - Started ShopApplication in 3.912 seconds (process running for 4.5)',
      'startup',
    ],
  ])('%s', (line, kind) => {
    expect(join([line]).lifecycle.map((l) => l.kind)).toEqual([kind])
  })

  it.each([
    '28-Nov-2026 10:00:00.000 INFO [http-nio-8080-exec-1] com.shop.Web.log Server startup in the shop took 3 ms',
    '2026-11-28T10:15:33.470Z  INFO 4242 --- [shop] [nio-8080-exec-1] com.shop.Web                             : Started checkout in 3 seconds',
    '28-Nov-2026 10:00:00.000 FINE [main] org.apache.catalina.startup.Catalina.start Server startup in [4889] milliseconds',
  ])('not a lifecycle event: %s', (line) => {
    expect(join([line]).lifecycle).toEqual([])
  })
})

describe('event boundaries in real-world logs (#16)', () => {
  it('a line in no known layout that continues no trace ends the event before it; so does a new exception after frames', () => {
    const {problems, events} = join([
      `${T} SEVERE [main] a.B.c Failed`,
      'java.lang.IllegalStateException: outer',
      '\tat a.B.c(B.java:1)',
      'java.io.NotSerializableException: com.shop.Cart',
      '\tat java.io.ObjectOutputStream.writeObject0(ObjectOutputStream.java:1)',
      'Cannot serialize session attribute [cart] for session [ABC]',
      'java.io.NotSerializableException: com.shop.Cart',
      '\tat java.io.ObjectOutputStream.writeObject0(ObjectOutputStream.java:1)',
    ])
    expect(events).toBe(3)
    expect(problems.map((p) => [p.message, p.continuation.length])).toEqual([
      ['Failed', 2],
      ['java.io.NotSerializableException: com.shop.Cart', 1],
      ['Cannot serialize session attribute [cart] for session [ABC]', 2],
    ])
  })

  it('an exception line right after the header is its trace; unindented frames, `--` and `....` do not cut it', () => {
    const {problems, events} = join([
      'SEVERE: IOException while loading persisted sessions: java.io.EOFException',
      'java.io.EOFException',
      'at java.io.ObjectInputStream$PeekInputStream.readFully(ObjectInputStream.java:2335)',
      '--',
      '....',
      'Caused by: java.io.IOException: x',
    ])
    expect(events).toBe(1)
    expect(problems[0]!.level).toBe('error')
    expect(problems[0]!.continuation).toHaveLength(3)
  })

  it('a trace cut by another thread goes on only with frames indented like its own', () => {
    const {problems} = join([
      `${T} SEVERE [exec-1] a.B.c Request failed`,
      'java.lang.IllegalStateException: x',
      '\tat a.B.c(B.java:1)',
      '2023-03-06 02:24:52,037 INFO com.test.App [main] Exception:READONLY You can not write against a read only replica.',
      '  at org.redisson.client.handler.CommandDecoder.decode(CommandDecoder.java:380)',
    ])
    expect(problems.map((p) => p.continuation.length)).toEqual([2, 1])
  })

  it('lines in a carrier take its time when they have none; the P pieces of a CRI line are joined', () => {
    const {problems, lifecycle} = join([
      '2026-12-05T10:00:03.000000001Z stdout P Server startup ',
      '2026-12-05T10:00:03.000000002Z stdout F in [2310] milliseconds',
      'Dec 05 10:04:10 web1 tomcat10[812]: Cannot serialize session attribute [cart] for session [ABC]',
      'Dec 05 10:04:10 web1 tomcat10[812]: java.io.NotSerializableException: com.shop.cart.Cart',
      'Dec 05 10:04:10 web1 tomcat10[812]:     at java.io.ObjectOutputStream.writeObject0(ObjectOutputStream.java:1197)',
    ])
    expect(lifecycle).toEqual([{kind: 'startup', timeMs: Date.UTC(2026, 11, 5, 10, 0, 3)}])
    expect(problems).toHaveLength(1)
    expect(problems[0]!.message).toBe('Cannot serialize session attribute [cart] for session [ABC]')
    expect(problems[0]!.continuation).toHaveLength(2)
    expect(new Date(problems[0]!.timeMs!).toISOString().slice(5)).toBe('12-05T10:04:10.000Z')
  })
})
