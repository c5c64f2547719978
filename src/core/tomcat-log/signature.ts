import {createHash} from 'node:crypto'
import {simpleName} from './chain.js'
import type {Classified} from './classify.js'
import type {LogEvent} from './types.js'

const MAX_MESSAGE = 240

// Each pattern is a run of one character class (or a fixed sequence of them): linear, no backtracking.
const uuid = /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g
const longHex = /\b(?=[0-9A-Fa-f]*\d)(?=[0-9A-Fa-f]*[A-Fa-f])[0-9A-Fa-f]{8,}\b/g
const url = /\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s,;)\]'"]+/gi
const ipv4 = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g
const hostPort = /\b[A-Za-z][\w.-]*(?:\/[<>\w.-]*)?:\d{2,5}\b/g
const objectHash = /@[0-9a-f]{4,}\b/g
const numbers = /\b\d+\b/g
const spaces = /\s+/g

/**
 * The message with what varies between occurrences folded: URLs, hosts and ports, session and
 * other ids, numbers. Two occurrences of one problem get one signature.
 */
export function normalizeMessage(message: string): string {
  return message
    .slice(0, MAX_MESSAGE * 2)
    .replace(url, '<url>')
    .replace(uuid, '<id>')
    .replace(longHex, '<id>')
    .replace(ipv4, '<ip>')
    .replace(hostPort, '<host>')
    .replace(objectHash, '@<id>')
    .replace(numbers, '#')
    .replace(spaces, ' ')
    .trim()
    .slice(0, MAX_MESSAGE)
}

export interface SignatureKey {
  id: string
  /** Root-cause class (CONTRACT `exception`). */
  exception: string
  chain: string[]
  /** What identifies the problem: the message the rule matched, folded. */
  message: string
  /** The root cause's own message, folded ('' when it is the same as `message`). */
  rootMessage: string
}

/** Signature of a classified event: its rule, the exception chain and the folded messages. */
export function signatureOf(event: LogEvent, classified: Classified): SignatureKey {
  const {chain, rule, matched} = classified
  const root = chain.root
  const exception = root?.className ?? ''
  const matchedText = matched ? matched.message : event.message
  const message = normalizeMessage(matchedText.length > 0 ? matchedText : (root?.message ?? ''))
  const rootMessage = root && root !== matched ? normalizeMessage(root.message) : ''
  const classes = chain.links.filter((l) => !l.suppressed).map((l) => l.className)
  const key = [rule.category, rule.id, classes.map(simpleName).join('>'), message, rootMessage].join('\u0000')
  return {
    id: createHash('sha1').update(key).digest('hex').slice(0, 10),
    exception,
    chain: dedupeAdjacent(classes),
    message,
    rootMessage: rootMessage === message ? '' : rootMessage,
  }
}

function dedupeAdjacent(items: string[]): string[] {
  return items.filter((item, i) => i === 0 || items[i - 1] !== item)
}

/** The class a developer must fix, named by NotSerializable / InvalidClass / ClassNotFound. */
export function offendingClass(classified: Classified, eventMessage: string): string | undefined {
  for (const link of classified.chain.links) {
    const name = simpleName(link.className)
    if (name === 'NotSerializableException' || name === 'ClassNotFoundException') return firstWord(link.message)
    if (name === 'InvalidClassException') return firstWord(link.message.split(';')[0] ?? '')
    // "writing aborted; java.io.NotSerializableException: com.shop.Cart": the class is in the message only.
    if (name === 'WriteAbortedException') {
      const named = /NotSerializableException: ([\w.$]+)/.exec(link.message)?.[1]
      if (named) return named
    }
  }
  const match = /DefaultSerializer requires a Serializable payload but received an object of type \[([\w.$]+)\]/.exec(
    classified.chain.links.map((l) => l.message).join('\n') + '\n' + eventMessage,
  )
  return match?.[1]
}

function firstWord(text: string): string | undefined {
  const word = text.trim().split(/\s/)[0]
  return word && /^[\w.$]+$/.test(word) ? word : undefined
}
