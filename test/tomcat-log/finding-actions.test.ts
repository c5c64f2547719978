import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyze} from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'sessdoc-tomcat-actions-'))
const log = (name: string, lines: string[]): string => {
  const path = join(dir, name)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}

describe('actions that fit the class and the cause (#16 details)', () => {
  it('a JDK class in an InvalidClassException asks for one Java version, an application class for a serialVersionUID', async () => {
    const path = log('catalina.out', [
      '28-Nov-2026 10:00:04.100 SEVERE [main] org.apache.catalina.session.StandardManager.startInternal Exception loading sessions from persistent storage',
      '\tjava.io.InvalidClassException: java.util.concurrent.ConcurrentHashMap; local class incompatible: stream classdesc serialVersionUID = 7249069246763182397, local class serialVersionUID = 7249069246763182398',
      '\t\tat java.base/java.io.ObjectStreamClass.initNonProxy(ObjectStreamClass.java:597)',
      '28-Nov-2026 10:00:05.100 SEVERE [main] org.apache.catalina.session.StandardManager.startInternal Exception loading sessions from persistent storage',
      '\tjava.io.InvalidClassException: com.shop.User; local class incompatible: stream classdesc serialVersionUID = 1, local class serialVersionUID = 2',
      '\t\tat java.base/java.io.ObjectStreamClass.initNonProxy(ObjectStreamClass.java:597)',
    ])
    const {findings} = await analyze([path])
    const actions = findings.find((f) => f.id === 'tomcat.class-incompatible')!.actions
    expect(actions.filter((a) => a.includes('serialVersionUID in'))).toEqual([
      'Declare a fixed private static final long serialVersionUID in com.shop.User (use the value of the release that wrote the sessions)',
    ])
    expect(actions.some((a) => a.startsWith('java.util.concurrent.ConcurrentHashMap is a JDK class: run the same Java version'))).toBe(true)
  })

  it('a pool exception whose cause is a refused connection is a connection failure, not a full pool', async () => {
    const path = log('app.log', [
      '2026-11-28 10:31:02.101 ERROR 4711 --- [nio-8080-exec-3] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() threw exception',
      'redis.clients.jedis.exceptions.JedisConnectionException: Could not get a resource from the pool',
      '\tat redis.clients.jedis.util.Pool.getResource(Pool.java:84)',
      'Caused by: redis.clients.jedis.exceptions.JedisConnectionException: Failed connecting to host redis.internal:6379',
      'Caused by: java.net.ConnectException: Connection refused',
      '\tat java.base/sun.nio.ch.Net.connect0(Native Method)',
    ])
    const {findings} = await analyze([path])
    const actions = findings.find((f) => f.id === 'tomcat.redis-connection')!.actions
    expect(actions.some((a) => a.startsWith('Connection failures'))).toBe(true)
    expect(actions.some((a) => a.startsWith('Pool exhausted'))).toBe(false)
  })
})
