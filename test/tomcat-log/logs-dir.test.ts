import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyze} from './helpers.js'

describe('tomcat-log on a Tomcat logs directory (#15 item 8)', () => {
  it('reads each start once and the serialization warnings of localhost.*.log, and says which files it read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sessdoc-tomcat-dir-'))
    try {
      const logs = join(dir, 'node1', 'logs')
      mkdirSync(logs, {recursive: true})
      const starts = ['10:00:00', '10:01:30', '10:04:00'].map(
        (t) => `05-Dec-2026 ${t}.000 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [2310] milliseconds`,
      )
      writeFileSync(join(logs, 'catalina.out'), `${starts.join('\n')}\n`)
      writeFileSync(join(logs, 'catalina.2026-12-05.log'), `${starts.join('\n')}\n`)
      writeFileSync(
        join(logs, 'localhost.2026-12-05.log'),
        [
          '05-Dec-2026 10:03:00.000 WARNING [http-nio-8081-exec-3] org.apache.catalina.session.StandardSession.doWriteObject Cannot serialize session attribute [cart] for session [0A1B2C3D4E5F60718293A4B5C6D7E8F9]',
          '\tjava.io.NotSerializableException: lab.Cart',
          '\t\tat java.base/java.io.ObjectOutputStream.writeObject0(ObjectOutputStream.java:1197)',
          '05-Dec-2026 10:03:01.000 WARNING [main] org.apache.catalina.session.StandardSession.doReadObject Cannot deserialize session attribute [cart] for session [0A1B2C3D4E5F60718293A4B5C6D7E8F9]',
          '\tjava.io.InvalidClassException: lab.Cart; local class incompatible: stream classdesc serialVersionUID = 1, local class serialVersionUID = 2',
        ].join('\n'),
      )
      writeFileSync(
        join(logs, 'localhost_access_log.2026-12-05.txt'),
        '127.0.0.1 - - [05/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 12\n',
      )
      const {section} = await analyze([logs])
      expect(section.restarts).toEqual(['2026-12-05T10:00:00.000Z', '2026-12-05T10:01:30.000Z', '2026-12-05T10:04:00.000Z'])
      expect(section.files).toBe(2)
      expect(section.byCategory.serialization).toBe(2)
      expect(section.signatures.map((s) => [s.rule, s.offendingClass])).toEqual([
        ['not-serializable', 'lab.Cart'],
        ['invalid-class', 'lab.Cart'],
      ])
      expect(section.errors?.map((e) => e.message)).toEqual([
        expect.stringMatching(/read catalina\.out and localhost\.\*\.log; left out 1 dated/),
      ])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
