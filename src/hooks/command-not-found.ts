import type {Hook} from '@oclif/core'

/** An unknown command is a usage error: exit 3 (UNKNOWN), never 2, which means CRITICAL to a scheduler. */
const hook: Hook<'command_not_found'> = async ({id, config}) => {
  const known = [...config.commandIDs].map((c) => c.replaceAll(':', ' ')).sort()
  // With a space as topic separator oclif folds the arguments into the id: keep the command words.
  const words = id.split(':')
  const name = words[0] === 'redis' ? words.slice(0, 2).join(' ') : (words[0] ?? id)
  const near = known.map((k) => ({k, d: distance(k, name)})).sort((a, b) => a.d - b.d)[0]
  const hint =
    near && near.d <= 3
      ? `did you mean '${near.k}'? (sessdoc --help lists them all)`
      : `the commands are: ${known.join(', ')} (sessdoc --help)`
  process.stderr.write(`Error: sessdoc has no command '${name}'\nHint: ${hint}\n`)
  process.exit(3)
}

/** Levenshtein distance, for a did-you-mean. */
function distance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

export default hook
