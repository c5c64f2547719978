import type {TomcatManagerFigures} from './types.js'

/** The environment variables that hold the manager's user and password (never a flag: it would show in `ps`). */
export const TOMCAT_USER_ENV = 'SESSDOC_TOMCAT_USER'
export const TOMCAT_PASSWORD_ENV = 'SESSDOC_TOMCAT_PASSWORD'

/**
 * Tomcat manager's text interface, `GET …/manager/text/list`: one line per context,
 * `/app:running:3:app` (path, state, active sessions, name). A read: the manager-script role suffices.
 */
export async function readTomcatManager(spec: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<TomcatManagerFigures> {
  let url: URL
  try {
    url = new URL(spec)
  } catch {
    return failed(spec, 'not a URL: give e.g. http://node2:8080/manager/text')
  }
  const user = decodeURIComponent(url.username) || env[TOMCAT_USER_ENV] || ''
  const password = env[TOMCAT_PASSWORD_ENV] ?? ''
  url.username = ''
  url.password = ''
  const base = url
    .toString()
    .replace(/\/+$/, '')
    .replace(/\/list$/, '')
  try {
    const headers: Record<string, string> = {}
    if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
    const response = await fetch(`${base}/list`, {method: 'GET', headers, signal: AbortSignal.timeout(timeoutMs)})
    const text = (await response.text()).slice(0, 1024 * 1024)
    if (response.status === 401 || response.status === 403)
      return failed(
        base,
        `HTTP ${response.status}: give a user with the manager-script role (${TOMCAT_USER_ENV} or user@ in the URL, ${TOMCAT_PASSWORD_ENV})`,
      )
    if (!response.ok || !text.startsWith('OK'))
      return failed(base, `HTTP ${response.status}: not Tomcat manager's text interface (…/manager/text)`)
    return {url: base, ...parseManagerList(text)}
  } catch (error) {
    const e = error as Error & {cause?: NodeJS.ErrnoException}
    return failed(base, e.name === 'TimeoutError' ? 'no answer in time' : (e.cause?.code ?? e.message))
  }
}

/** The contexts of a `list` answer and their active sessions (the manager's own context left out). */
export function parseManagerList(text: string): {contexts: Record<string, number>; activeSessions: number} {
  const contexts: Record<string, number> = {}
  for (const line of text.split('\n').slice(1)) {
    const [path, state, sessions] = line.trim().split(':')
    if (!path?.startsWith('/') || state === undefined || path.startsWith('/manager')) continue
    const count = Number(sessions)
    if (Number.isSafeInteger(count)) contexts[path] = count
  }
  return {contexts, activeSessions: Object.values(contexts).reduce((a, b) => a + b, 0)}
}

function failed(url: string, error: string): TomcatManagerFigures {
  return {url, contexts: {}, activeSessions: 0, error}
}
