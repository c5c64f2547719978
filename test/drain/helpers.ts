import {appendFileSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** `[28/Nov/2026:10:00:00 +0000]`: Apache's %t in UTC. */
export function apacheTime(ms: number): string {
  const d = new Date(ms)
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`
}

/** One `combined-cookie` line: the session cookie as the last field (`-` for none). */
export function cookieLine(ms: number, id: string | null, client = '10.0.0.1', ua = 'Mozilla/5.0'): string {
  return `${client} - - [${apacheTime(ms)}] "GET /app/hello HTTP/1.1" 200 512 "-" "${ua}" "${id ?? '-'}"\n`
}

/** A 32-hex Tomcat id for session number `n`, with its route. */
export function sessionId(n: number, route: string): string {
  return `${n.toString(16).padStart(32, 'a')}.${route}`
}

export function tempLog(text = ''): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sessdoc-drain-')), 'access.log')
  writeFileSync(file, text)
  return file
}

export function append(file: string, text: string): void {
  appendFileSync(file, text)
}
