import {wallToUtc} from '../input/time-zone.js'
import {nodeOf} from '../tomcat-log/aggregate.js'
import {EventJoiner, type EventSink} from '../tomcat-log/joiner.js'
import type {LifecycleKind} from '../tomcat-log/types.js'

export interface LifecycleSeen {
  kind: LifecycleKind
  timeMs: number | null
  node: string | null
  detail: string
}

/**
 * One followed application log (catalina.out, a Spring Boot log): its lines joined into events by
 * tomcat-log's joiner, of which only the lifecycle ones (startup, shutdown, deploy, undeploy) are
 * kept. The joiner holds an event until the next one starts (a stack trace may follow): when the
 * log is quiet for a poll, the held event is let go, so a `Server startup in` line shows at once.
 */
export class AppLogWatcher {
  private readonly joiner: EventJoiner
  private lineNo = 0
  private holding = false
  readonly node: string | null

  constructor(path: string, timeZone: string | undefined, onLifecycle: (seen: LifecycleSeen) => void) {
    this.node = nodeOf(path)
    const sink: EventSink = {
      problem: () => {},
      lifecycle: (kind, timeMs, detail) => onLifecycle({kind, timeMs, node: this.node, detail}),
      accept: () => true,
      windowed: false,
    }
    this.joiner = new EventJoiner(path, wallToUtc(timeZone), sink)
  }

  lines(text: string): void {
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1)
    this.joiner.push(lines, this.lineNo + 1)
    this.lineNo += lines.length
    this.holding = true
  }

  /** The log wrote nothing since the last poll: the event held is complete. */
  quiet(): void {
    if (!this.holding) return
    this.joiner.end()
    this.holding = false
  }
}
