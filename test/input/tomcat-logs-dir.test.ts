import {describe, expect, it} from 'vitest'
import {chooseTomcatLogs} from '../../src/core/input/tomcat-logs-dir.js'

const lab = [
  'catalina.2026-12-05.log',
  'catalina.out',
  'localhost.2026-12-05.log',
  'localhost_access_log.2026-12-05.txt',
  'manager.2026-12-05.log',
]

describe('a Tomcat logs directory', () => {
  it.each([
    [
      lab,
      ['catalina.out', 'localhost.2026-12-05.log', 'manager.2026-12-05.log'],
      /read catalina\.out and localhost\.\*\.log; left out 1 dated catalina\.\*\.log .*; left out 1 access log/,
    ],
    [
      ['catalina.2026-12-04.log', 'catalina.2026-12-05.log', 'localhost.2026-12-05.log'],
      ['catalina.2026-12-04.log', 'catalina.2026-12-05.log', 'localhost.2026-12-05.log'],
      /^read the dated catalina\.\*\.log files and localhost\.\*\.log$/,
    ],
    [['app.log', 'gc.log'], ['app.log', 'gc.log'], null],
  ])('%j → %j', (names, chosen, note) => {
    const choice = chooseTomcatLogs(names)
    expect(choice.names).toEqual(chosen)
    if (note === null) expect(choice.note).toBeNull()
    else expect(choice.note).toMatch(note)
  })
})
