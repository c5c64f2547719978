import type {LifecycleKind} from './types.js'

/**
 * Messages that mark a start, stop, deploy or undeploy, as Tomcat (JULI) and Spring Boot print
 * them. Matched at the start of the message; `also` must appear further on.
 */
export const lifecycleRules: ReadonlyArray<{kind: LifecycleKind; startsWith: string; also?: string}> = [
  {kind: 'startup', startsWith: 'Server startup in'},
  {kind: 'startup', startsWith: 'Started ', also: ' seconds'},
  {kind: 'shutdown', startsWith: 'Stopping service'},
  {kind: 'shutdown', startsWith: 'Commencing graceful shutdown'},
  {kind: 'deploy', startsWith: 'Deploying web application'},
  // A deploy that failed is still a deploy: the node's sessions and routes changed hands.
  {kind: 'deploy', startsWith: 'Error deploying web application'},
  {kind: 'deploy', startsWith: 'Reloading Context with name'},
  {kind: 'undeploy', startsWith: 'Undeploying context'},
]

// First characters of the messages above: most INFO lines are ruled out by one comparison.
const firstChars = new Uint8Array(128)
for (const rule of lifecycleRules) firstChars[rule.startsWith.charCodeAt(0)] = 1

/** JULI's source method of the startup message, whatever language the message is in. */
const CATALINA_START = 'org.apache.catalina.startup.Catalina.start '
const bracketedNumber = /\[\d+\]/

export function lifecycleKind(line: string, msgStart: number): LifecycleKind | null {
  const first = line.charCodeAt(msgStart)
  if (first < 128 && firstChars[first] === 1) {
    for (const rule of lifecycleRules) {
      if (line.startsWith(rule.startsWith, msgStart) && (!rule.also || line.includes(rule.also, msgStart))) return rule.kind
    }
  }
  // A Tomcat started under another locale: "Serverstart in [1234] Millisekunden", "[119] The server will start in milliseconds".
  if (msgStart >= CATALINA_START.length && line.startsWith(CATALINA_START, msgStart - CATALINA_START.length)) {
    if (bracketedNumber.test(line.slice(msgStart, msgStart + 200))) return 'startup'
  }
  return null
}
