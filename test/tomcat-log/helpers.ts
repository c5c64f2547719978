import {fileURLToPath} from 'node:url'
import {analyzeTomcatLogs, type TomcatLogOptions, type TomcatLogSection} from '../../src/core/tomcat-log/index.js'
import {EventJoiner, type EventSink} from '../../src/core/tomcat-log/joiner.js'
import type {LifecycleKind, LogEvent} from '../../src/core/tomcat-log/types.js'

export const root = fileURLToPath(new URL('../../', import.meta.url))
export const fixture = (name: string): string => `${root}fixtures/tomcat-log/${name}`

export async function analyze(
  paths: string[],
  options: Partial<TomcatLogOptions> = {},
): Promise<{section: TomcatLogSection; findings: Awaited<ReturnType<typeof analyzeTomcatLogs>>['findings']}> {
  const result = await analyzeTomcatLogs({paths, window: {since: null, until: null}, timezone: 'UTC', redact: {}, ...options})
  // Error sections too: a test reads the figures it expects, or the status and reason.
  return {section: result.section as TomcatLogSection, findings: result.findings}
}

/** Joins lines and collects what the joiner hands out. */
export function join(
  lines: string[],
  chunk = lines.length,
): {problems: LogEvent[]; lifecycle: Array<{kind: LifecycleKind; timeMs: number | null}>; events: number; orphanLines: number} {
  const problems: LogEvent[] = []
  const lifecycle: Array<{kind: LifecycleKind; timeMs: number | null}> = []
  const sink: EventSink = {
    problem: (event) => problems.push(event),
    lifecycle: (kind, timeMs) => lifecycle.push({kind, timeMs}),
    accept: () => true,
    windowed: false,
  }
  const joiner = new EventJoiner('test.log', (ms) => ms, sink)
  for (let i = 0; i < lines.length; i += Math.max(1, chunk)) joiner.push(lines.slice(i, i + chunk), i + 1)
  joiner.end()
  return {problems, lifecycle, events: joiner.stats.events, orphanLines: joiner.stats.orphanLines}
}
