/** The two things access-log needs from an httpd config: LogFormat nicknames and balancer routes. */
export interface ApacheConfFacts {
  /** nickname → format string (unescaped as httpd reads it). */
  formats: Map<string, string>
  /** Nicknames (or inline formats) used by CustomLog lines, in order. */
  customLogFormats: string[]
  /** route= values of BalancerMember lines. */
  routes: string[]
}

/** Splits a config line into arguments, honouring double quotes and backslash escapes. */
function configArgs(line: string): string[] {
  const args: string[] = []
  let current = ''
  let inQuotes = false
  let started = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (c === '\\' && i + 1 < line.length) {
      const next = line[i + 1]!
      current += next === '"' || next === '\\' ? next : c + next
      i++
      started = true
    } else if (c === '"') {
      inQuotes = !inQuotes
      started = true
    } else if (!inQuotes && (c === ' ' || c === '\t')) {
      if (started) args.push(current)
      current = ''
      started = false
    } else {
      current += c
      started = true
    }
  }
  if (started) args.push(current)
  return args
}

export function readApacheConf(text: string): ApacheConfFacts {
  const facts: ApacheConfFacts = {formats: new Map(), customLogFormats: [], routes: []}
  // Continuation lines end with a backslash.
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)
  for (const raw of lines) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const args = configArgs(line)
    const directive = args[0]?.toLowerCase()
    if (directive === 'logformat' && args[1] !== undefined) {
      facts.formats.set(args[2] ?? 'default', args[1])
    } else if (directive === 'customlog' && args[2] !== undefined) {
      facts.customLogFormats.push(args[2])
    } else if (directive === 'balancermember') {
      for (const arg of args.slice(2)) {
        const m = /^route=(.+)$/i.exec(arg)
        if (m?.[1] && !facts.routes.includes(m[1])) facts.routes.push(m[1])
      }
    }
  }
  return facts
}
