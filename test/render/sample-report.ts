import {buildReport, makeFinding} from '../../src/core/report/report.js'
import type {Report} from '../../src/core/report/types.js'
import {accessLogSection} from '../helpers/sections.js'

const id = '5A1B2C3D4E5F60718293A4B5C6D7E8F9'

/** A report with every kind of content a renderer must handle, hostile strings included. */
export function sampleReport(): Report {
  return buildReport({
    now: new Date('2026-11-28T12:00:00Z'),
    window: {since: new Date('2026-11-28T10:00:00Z'), until: null},
    results: [
      {
        key: 'accessLog',
        section: accessLogSection({
          files: 2,
          lines: 1200,
          parsed: 1190,
          rejected: 10,
          routeFlips: 42,
          routes: {node1: 600, node2: 590},
          firstSeen: '2026-11-28T10:00:00.000Z',
          errors: [{input: 'old.log.gz', message: 'old.log.gz: truncated or corrupt gzip after 10 lines'}],
        }),
        findings: [
          makeFinding('access.route-flip', {
            detail: `42 flips in 17 of 300 sessions (5.7%).\nWorst minute 10:31 with 12 flips; e.g. JSESSIONID=${id}.node1 → node2`,
            evidence: {flips: 42, samples: [`${id}.node1`]},
          }),
        ],
      },
      {
        key: 'tomcatLog',
        section: {status: 'error', reason: 'catalina.out: permission denied; run sessdoc as a user who can read it'},
        findings: [],
      },
      {
        key: 'redis',
        section: {status: 'analyzed'},
        findings: [
          makeFinding('redis.unreachable', {detail: 'redis://audit:hunter2@10.0.0.5:6379 refused the connection'}),
          makeFinding('correlation.strategy-fit', {
            detail: 'Two backends with sticky sessions: fits. | pipes | and <b>html</b> and `ticks`',
          }),
          makeFinding('access.session-churn', {detail: 'User-Agent \u001b]0;pwned\u0007\u001b[2J evil agent got 9 ids'}),
        ],
      },
    ],
  })
}
