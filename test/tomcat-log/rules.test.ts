import {describe, expect, it} from 'vitest'
import {extractChain, parseExceptionLine} from '../../src/core/tomcat-log/chain.js'
import {classify} from '../../src/core/tomcat-log/classify.js'
import {rules} from '../../src/core/tomcat-log/rules.js'
import {normalizeMessage, offendingClass} from '../../src/core/tomcat-log/signature.js'
import type {LogEvent} from '../../src/core/tomcat-log/types.js'

const event = (message: string, continuation: string[] = [], logger = 'com.shop.X'): LogEvent => ({
  file: 'f',
  line: 1,
  format: 'logback',
  level: 'error',
  timeMs: 0,
  logger,
  message,
  continuation,
  droppedLines: 0,
})

// One real-looking event per rule: the catalog is data, each entry is tested alone.
const byRule: Record<string, LogEvent> = {
  'invalid-class': event('Failed', [
    'java.io.InvalidClassException: com.shop.User; local class incompatible: stream classdesc serialVersionUID = 1, local class serialVersionUID = 2',
  ]),
  'serial-version-uid': event('Session load failed: com.shop.User local class incompatible'),
  'class-not-found-deserializing': event('Failed', [
    'java.lang.ClassNotFoundException: com.shop.OldCart',
    '\tat java.io.ObjectInputStream.resolveClass(ObjectInputStream.java:1)',
  ]),
  'class-not-found-persisted': event(
    'ClassNotFoundException while loading persisted sessions: [java.lang.ClassNotFoundException: com.shop.OldCart]',
  ),
  'not-serializable': event('Failed', ['java.io.NotSerializableException: com.shop.Cart']),
  'cannot-serialize-attribute': event('Cannot serialize session attribute [cart] for session [ABC]'),
  'cannot-deserialize-attribute': event('Cannot deserialize session attribute [cart] for session [ABC]'),
  'session-manager-deserialize': event('Unable to deserialize object in session', [
    'com.hazelcast.nio.serialization.HazelcastSerializationException: java.io.EOFException: end of stream',
  ]),
  'non-serializable-attribute': event('setAttribute: Non-serializable attribute [cart]'),
  'default-serializer': event('Failed', [
    'java.lang.IllegalArgumentException: DefaultSerializer requires a Serializable payload but received an object of type [com.shop.Cart]',
  ]),
  'write-aborted': event('Failed', ['java.io.WriteAbortedException: writing aborted']),
  'serialization-failed': event('Failed', ['org.springframework.data.redis.serializer.SerializationException: Could not read JSON']),
  'session-persistence': event('Exception unloading sessions to persistent storage'),
  'redis-oom': event('Failed', ["io.lettuce.core.RedisCommandExecutionException: OOM command not allowed when used memory > 'maxmemory'."]),
  'redis-oom-class': event('Failed', ['org.redisson.client.RedisOutOfMemoryException: out of memory']),
  'redis-readonly': event('Failed', [
    "redis.clients.jedis.exceptions.JedisDataException: READONLY You can't write against a read only replica.",
  ]),
  'redis-noauth': event('Failed', ['io.lettuce.core.RedisCommandExecutionException: NOAUTH Authentication required.']),
  'redis-wrongpass': event('Failed', [
    'io.lettuce.core.RedisCommandExecutionException: WRONGPASS invalid username-password pair or user is disabled.',
  ]),
  'redis-loading': event('Failed', ['io.lettuce.core.RedisCommandExecutionException: LOADING Redis is loading the dataset in memory']),
  'redis-loading-class': event('Failed', ['io.lettuce.core.RedisLoadingException: loading']),
  'redis-misconf': event('Failed', [
    "redis.clients.jedis.exceptions.JedisDataException: MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.",
  ]),
  'redis-clusterdown': event('Failed', ['redis.clients.jedis.exceptions.JedisClusterException: CLUSTERDOWN The cluster is down']),
  'redis-masterdown': event('Failed', [
    "io.lettuce.core.RedisCommandExecutionException: MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
  ]),
  'redis-busy': event('Failed', [
    'io.lettuce.core.RedisCommandExecutionException: BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.',
  ]),
  'redis-busy-class': event('Failed', ['redis.clients.jedis.exceptions.JedisBusyException: busy']),
  'redis-pool-exhausted': event('Failed', ['redis.clients.jedis.exceptions.JedisException: Could not get a resource from the pool']),
  'redis-unable-to-connect': event('Failed', [
    'org.springframework.data.redis.RedisConnectionFailureException: Unable to connect to Redis',
  ]),
  'redis-connection-class': event('Failed', ['io.lettuce.core.RedisConnectionException: Connection closed']),
  'redis-timeout': event('Failed', ['io.lettuce.core.RedisCommandTimeoutException: Command timed out after 1 minute(s)']),
  'redis-query-timeout': event('Failed', ['org.springframework.dao.QueryTimeoutException: Redis command timed out']),
  'redis-end-of-stream': event('Failed', [
    'java.io.EOFException: Unexpected end of stream',
    '\tat redis.clients.jedis.util.RedisInputStream.ensureFill(RedisInputStream.java:202)',
  ]),
  'redis-connection-refused': event('Failed', [
    'java.net.ConnectException: Connection refused',
    '\tat io.lettuce.core.AbstractRedisClient.initializeChannelAsync(AbstractRedisClient.java:306)',
  ]),
  'redis-other-reply': event('Failed', [
    'org.springframework.data.redis.RedisSystemException: Error in execution; nested exception is io.lettuce.core.RedisCommandExecutionException: ERR unknown command',
  ]),
  'replication-message': event('Manager [localhost#/shop]: Unable to receive message through TCP channel'),
  'replication-channel': event('Failed', [
    'org.apache.catalina.tribes.ChannelException: Send failed',
    '\tat org.apache.catalina.tribes.group.GroupChannel.send(GroupChannel.java:1)',
  ]),
  'replication-logger': event('Member disappeared', [], 'org.apache.catalina.tribes.group.interceptors.TcpFailureDetector'),
  'replication-logger-class': event(
    'Unable to perform failure detection check, assuming member down.',
    [],
    'o.a.c.t.g.i.TcpFailureDetector',
  ),
  'session-invalidated': event('Failed', ['java.lang.IllegalStateException: setAttribute: Session already invalidated']),
  'too-many-sessions': event('Failed', [
    'org.apache.catalina.session.TooManyActiveSessionsException: createSession: Too many active sessions',
  ]),
  'too-many-sessions-text': event('createSession: Too many active sessions'),
}

describe('the rule catalog', () => {
  it('has a test event for every rule', () => {
    expect(Object.keys(byRule).sort()).toEqual(rules.map((r) => r.id).sort())
  })

  it.each(rules.map((r) => [r.id, r.category, r.finding] as const))('%s → %s / %s', (id, category, finding) => {
    const classified = classify(byRule[id]!)
    expect(classified?.rule.id).toBe(id)
    expect(classified?.rule.category).toBe(category)
    expect(classified?.rule.finding).toBe(finding)
  })

  it.each([
    [
      'a ClassNotFoundException outside deserialization',
      event('Failed', ['java.lang.ClassNotFoundException: com.x.Plugin', '\tat java.net.URLClassLoader.findClass(URLClassLoader.java:1)']),
    ],
    [
      'a JDBC connection refused',
      event('Failed', ['java.net.ConnectException: Connection refused', '\tat org.postgresql.Driver.connect(Driver.java:1)']),
    ],
    ['a NullPointerException', event('Failed', ['java.lang.NullPointerException: x'])],
    ['a message that merely mentions sessions', event('Session cart has 0 items')],
  ])('no rule for %s', (_name, e) => {
    expect(classify(e)).toBeNull()
  })

  it('matches on the whole chain, old and new Spring wording alike', () => {
    const old = classify(
      event('Failed', [
        'org.springframework.data.redis.serializer.SerializationException: Cannot deserialize; nested exception is org.springframework.core.serializer.support.SerializationFailedException: Failed to deserialize payload.; nested exception is java.io.InvalidClassException: com.shop.User; local class incompatible',
      ]),
    )
    const modern = classify(
      event('Failed', [
        'org.springframework.data.redis.serializer.SerializationException: Cannot deserialize',
        'Caused by: org.springframework.core.serializer.support.SerializationFailedException: Failed to deserialize payload.',
        'Caused by: java.io.InvalidClassException: com.shop.User; local class incompatible',
      ]),
    )
    expect(old?.rule.id).toBe('invalid-class')
    expect(modern?.rule.id).toBe('invalid-class')
    expect(old?.chain.links.map((l) => l.className)).toEqual(modern?.chain.links.map((l) => l.className))
  })
})

describe('the class to fix', () => {
  it('is read from a WriteAbortedException message, where Tomcat names the NotSerializableException', () => {
    const logged = event('Exception loading sessions from persistent storage', [
      'java.io.WriteAbortedException: writing aborted; java.io.NotSerializableException: com.shop.cart.Cart',
      '\tat java.base/java.io.ObjectInputStream.readObject0(ObjectInputStream.java:1744)',
    ])
    const classified = classify(logged)!
    expect(classified.rule.id).toBe('write-aborted')
    expect(offendingClass(classified, logged.message)).toBe('com.shop.cart.Cart')
  })
})

describe('exception chains', () => {
  it('reads class and message, and refuses lines that are not exceptions', () => {
    expect(parseExceptionLine('Caused by: java.io.IOException: Broken pipe')).toEqual({
      className: 'java.io.IOException',
      message: 'Broken pipe',
    })
    expect(parseExceptionLine('\tjava.io.NotSerializableException: com.shop.Cart')).toEqual({
      className: 'java.io.NotSerializableException',
      message: 'com.shop.Cart',
    })
    expect(parseExceptionLine('Exception in thread "main" java.lang.OutOfMemoryError: Java heap space')).toEqual({
      className: 'java.lang.OutOfMemoryError',
      message: 'Java heap space',
    })
    expect(parseExceptionLine('com.shop.Cart: not an exception name')).toBeNull()
    expect(parseExceptionLine('Session created: 1234')).toBeNull()
  })

  it('marks suppressed exceptions and their causes, the root is the last real cause', () => {
    const chain = extractChain('Failed', [
      'a.TopException: top',
      '\tat a.B.c(B.java:1)',
      '\tSuppressed: a.SupException: sup',
      '\t\tat a.B.d(B.java:2)',
      '\tCaused by: a.SupCauseException: sup cause',
      'Caused by: a.RootException: root',
      '\t... 3 more',
    ])
    expect(chain.links.map((l) => [l.className, l.suppressed])).toEqual([
      ['a.TopException', false],
      ['a.SupException', true],
      ['a.SupCauseException', true],
      ['a.RootException', false],
    ])
    expect(chain.root?.className).toBe('a.RootException')
    expect(chain.topFrames).toEqual(['a.B.c(B.java:1)'])
  })
})

describe('signature normalisation', () => {
  it.each([
    ['Unable to connect to redis-1.prod:6379', 'Unable to connect to <host>'],
    ['Unable to connect to localhost/<unresolved>:6379', 'Unable to connect to <host>'],
    ['Connection refused: redis-1.prod/10.0.0.5:6379', 'Connection refused: <host>'],
    ['Command timed out after 2 second(s)', 'Command timed out after # second(s)'],
    ['for session [1F2E3D4C5B6A79880F1E2D3C4B5A6978]', 'for session [<id>]'],
    ['session 2b7e1516-28ae-d2a6-abf7-158809cf4f3c', 'session <id>'],
    ['Redis client: [addr=redis://10.0.0.5:6379]', 'Redis client: [addr=<url>]'],
    ['promise: java.util.concurrent.CompletableFuture@54d0fcb4', 'promise: java.util.concurrent.CompletableFuture@<id>'],
    ['com.shop.Cart2', 'com.shop.Cart2'],
  ])('%s', (input, expected) => {
    expect(normalizeMessage(input)).toBe(expected)
  })
})
