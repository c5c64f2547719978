import type {InputError} from '../report/types.js'
import {splitWords} from './apache-tokens.js'
import {configLines, cutLinesError} from './limits.js'
import {type Balancer, parseError, type Sticky} from './types.js'

const sectionKeywords = new Set([
  'global',
  'defaults',
  'frontend',
  'backend',
  'listen',
  'peers',
  'resolvers',
  'userlist',
  'mailers',
  'program',
  'http-errors',
  'ring',
  'cache',
  'fcgi-app',
])

/**
 * Reads HAProxy backends (and listen sections): `server` lines with their `cookie` values, and
 * how the backend sticks: `cookie NAME insert` (HAProxy's own cookie), `cookie NAME prefix` or
 * `stick on req.cook(NAME)` / `appsession NAME` (the app's cookie), `balance source` (client address).
 */
export function parseHaproxy(text: string, file: string): {balancers: Balancer[]; errors: InputError[]} {
  const balancers: Balancer[] = []
  const {lines, cut} = configLines(text)
  const errors: InputError[] = cutLinesError(file, cut)
  let current: Balancer | undefined
  let defaultBalance: string | undefined
  let inDefaults = false
  lines.forEach((raw, index) => {
    const line = index + 1
    const content = raw.replace(/(^|\s)#.*$/, '').trim()
    if (!content) return
    const {words, unterminated} = splitWords(content)
    if (unterminated) errors.push(parseError(file, line, 'a quoted value is never closed'))
    const [keyword = '', ...args] = words
    const where = {file, line}
    if (sectionKeywords.has(keyword)) {
      inDefaults = keyword === 'defaults'
      current = undefined
      if (keyword === 'backend' || keyword === 'listen') {
        if (!args[0]) errors.push(parseError(file, line, `${keyword} without a name`))
        current = {kind: 'haproxy', name: args[0] ?? '', members: [], ...where, lbmethod: defaultBalance}
        if (defaultBalance === 'source') current.sticky = {mode: 'client-ip', ...where}
        balancers.push(current)
      }
      return
    }
    if (inDefaults && keyword === 'balance') defaultBalance = args[0]
    if (!current) return
    if (keyword === 'balance' && args[0]) {
      current.lbmethod = args[0]
      if (args[0] === 'source') current.sticky ??= {mode: 'client-ip', ...where}
    } else if (keyword === 'server' && args[0]) {
      const cookieAt = args.indexOf('cookie')
      current.members.push({target: args[1] ?? '', route: cookieAt >= 0 ? args[cookieAt + 1] : undefined, ...where})
    } else if (keyword === 'cookie' && args[0]) {
      current.sticky = cookieSticky(args, where)
    } else if ((keyword === 'stick' && (args[0] === 'on' || args[0] === 'match')) || keyword === 'appsession') {
      const expression = keyword === 'appsession' ? `req.cook(${args[0] ?? ''})` : args.slice(1).join(' ')
      const cookie = /(?:req\.)?cook(?:ie)?\(([^)]+)\)/.exec(expression)?.[1]
      if (cookie) current.sticky = {mode: 'cookie-value', cookie, ...where}
      else if (/\bsrc\b/.test(expression)) current.sticky = {mode: 'client-ip', ...where}
    }
  })
  return {balancers, errors}
}

function cookieSticky(args: string[], where: {file: string; line: number}): Sticky {
  const [cookie, ...options] = args
  if (options.includes('prefix') || options.includes('rewrite')) return {mode: 'cookie-value', cookie, ...where}
  return {mode: 'balancer-cookie', cookie, ...where}
}
