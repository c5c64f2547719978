import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'
import type {Diagnosis, RankedCause} from '../../src/core/report/types.js'
import {causeLabel, diagnosisMarkdown, diagnosisText} from '../../src/render/diagnosis.js'

const plain = new Chalk({level: 0})

const cause = (name: string, verdict: RankedCause['verdict'], missing: string[] = [], findings: string[] = []): RankedCause => ({
  cause: name,
  score: verdict === 'likely' ? 1 : verdict === 'possible' ? 0.3 : 0,
  verdict,
  evidence: [],
  missing,
  findings,
})

// diagnose with an access log and an app log, no Redis and no config: what the demo incident gives.
const diagnosis: Diagnosis = {
  inputs: [],
  timeline: [],
  playbooks: [
    {
      symptom: 'Users keep getting logged out',
      causes: [
        cause('Sticky sessions broken', 'likely', ['no balancer config given (--apache-conf)'], ['access.route-flip']),
        cause('Redis failing', 'possible', ['no Redis given (--redis)'], ['tomcat.redis-connection']),
        // The access log was read and showed nothing, but the config that would settle it was not given.
        cause('jvmRoute does not match the balancer routes', 'unlikely', [
          'no Tomcat / balancer config given (--tomcat-conf, --apache-conf)',
        ]),
        cause('Session timeout too short', 'unknown', ['no Redis given: cannot read session TTLs (--redis)']),
        // Every input that could show it was read: unlikely indeed.
        cause('A deploy made stored sessions unreadable', 'unlikely'),
      ],
    },
  ],
}

describe('ranked causes: text and Markdown call a cause the same', () => {
  it('a cause not checked, or checked without an input it needs, is "not checked", never "unlikely"', () => {
    expect(diagnosis.playbooks[0]!.causes.map(causeLabel)).toEqual(['likely', 'possible', 'not checked', 'not checked', 'unlikely'])
  })

  it('text', () => {
    expect(diagnosisText(diagnosis, plain)).toEqual([
      'Likely causes',
      '  Users keep getting logged out',
      '    1. Sticky sessions broken (likely)',
      '       seen: access.route-flip',
      '    2. Redis failing (possible)',
      '       seen: tomcat.redis-connection',
      '       not checked: no Redis given (--redis)',
      '    3. jvmRoute does not match the balancer routes (not checked)',
      '       no Tomcat / balancer config given (--tomcat-conf, --apache-conf)',
      '    4. Session timeout too short (not checked)',
      '       no Redis given: cannot read session TTLs (--redis)',
      '    5. A deploy made stored sessions unreadable (unlikely)',
      '',
    ])
  })

  it('Markdown', () => {
    expect(diagnosisMarkdown(diagnosis)).toEqual([
      '## Likely causes',
      '',
      '**Users keep getting logged out**',
      '',
      '1. Sticky sessions broken: **likely**: `access.route-flip`',
      '2. Redis failing: **possible**: `tomcat.redis-connection` (not checked: no Redis given (--redis))',
      '3. jvmRoute does not match the balancer routes: **not checked** (no Tomcat / balancer config given (--tomcat-conf, --apache-conf))',
      '4. Session timeout too short: **not checked** (no Redis given: cannot read session TTLs (--redis))',
      '5. A deploy made stored sessions unreadable: **unlikely**',
      '',
    ])
  })

  it('the same label, order and what was not checked in both', () => {
    type Shown = {cause: string; label: string; notChecked: string[]}
    const fromText: Shown[] = []
    for (const line of diagnosisText(diagnosis, plain)) {
      const item = /^ {4}\d+\. (.*) \((.+)\)$/.exec(line)
      if (item) fromText.push({cause: item[1]!, label: item[2]!, notChecked: []})
      const note = /^ {7}(?!seen: )(?:not checked: )?(.*)$/.exec(line)
      if (note) fromText.at(-1)!.notChecked.push(note[1]!)
    }
    const fromMarkdown: Shown[] = diagnosisMarkdown(diagnosis).flatMap((line) => {
      const item = /^\d+\. (.*?): \*\*(.+?)\*\*(?:: [^(]*)?(?: \((?:not checked: )?(.*)\))?$/.exec(line)
      return item ? [{cause: item[1]!, label: item[2]!, notChecked: item[3] ? item[3].split('; ') : []}] : []
    })
    expect(fromText.map((c) => c.notChecked.length)).toEqual([0, 1, 1, 1, 0])
    expect(fromMarkdown).toEqual(fromText)
  })
})
