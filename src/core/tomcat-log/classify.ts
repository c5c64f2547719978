import {extractChain, simpleName} from './chain.js'
import {rules as defaultRules, type Rule} from './rules.js'
import type {ChainLink, ExceptionChain, LogEvent} from './types.js'

export interface Classified {
  rule: Rule
  chain: ExceptionChain
  /** The exception the rule matched, or null when it matched the log message or the logger. */
  matched: ChainLink | null
}

/** Matches an event against the rules, in order. Null when no rule applies. */
export function classify(event: LogEvent, rules: readonly Rule[] = defaultRules): Classified | null {
  const chain = extractChain(event.message, event.continuation)
  const links = chain.links.filter((l) => !l.suppressed)
  const texts = [event.message, ...chain.links.map((l) => l.message)]
  let whole: string | undefined
  const everything = (): string => (whole ??= `${event.message}\n${event.continuation.join('\n')}`)
  for (const rule of rules) {
    if (!rule.exception && !rule.text && !rule.logger && !rule.loggerClass) continue
    let matched: ChainLink | null = null
    if (rule.exception) {
      matched = links.find((l) => rule.exception!.some((name) => classMatches(l.className, name))) ?? null
      if (!matched) continue
    }
    if (rule.text) {
      const hasText = (t: string): boolean => rule.text!.some((needle) => t.includes(needle))
      if (!texts.some(hasText)) continue
      if (!rule.exception) matched = links.find((l) => hasText(l.message)) ?? null
    }
    if (rule.logger && !rule.logger.some((prefix) => event.logger.startsWith(prefix))) continue
    if (rule.loggerClass && !rule.loggerClass.includes(loggerClassOf(event.logger))) continue
    if (rule.context && !rule.context.some((needle) => everything().includes(needle))) continue
    return {rule, chain, matched}
  }
  return null
}

function classMatches(className: string, name: string): boolean {
  return name.includes('.') ? className === name : simpleName(className) === name
}

/** `o.a.c.t.g.i.TcpFailureDetector` → `TcpFailureDetector`; `…DeltaManager.messageReceived` (JULI's class.method) → `DeltaManager`. */
function loggerClassOf(logger: string): string {
  const name = simpleName(logger)
  if (name.length > 0 && name.charCodeAt(0) >= 97 && name.charCodeAt(0) <= 122) {
    const rest = logger.slice(0, logger.length - name.length - 1)
    return simpleName(rest)
  }
  return name
}
