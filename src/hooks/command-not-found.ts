import {type Hook, loadHelpClass} from '@oclif/core'
import {distance} from '../core/did-you-mean.js'

/**
 * `sessdoc help [COMMAND]` shows oclif's help (as `--help` does); any other unknown command is a
 * usage error with a did-you-mean: exit 3 (UNKNOWN), never 2, which means CRITICAL to a scheduler.
 */
const hook: Hook<'command_not_found'> = async ({id, argv, config}) => {
  // With a space as topic separator oclif folds the arguments into the id: keep the command words.
  const words = [...id.split(':'), ...(argv ?? [])]
  if (words[0] === 'help') {
    const Help = await loadHelpClass(config)
    const subject = words.slice(1).filter((w) => !w.startsWith('-'))
    const known = [...config.commandIDs].map((c) => c.replaceAll(':', ' '))
    const name = subject.join(' ')
    if (name && !known.includes(name) && !config.findTopic(subject.join(':'))) return unknownCommand(name, known)
    await new Help(config).showHelp(subject)
    return
  }
  const known = [...config.commandIDs].map((c) => c.replaceAll(':', ' '))
  unknownCommand(words[0] === 'redis' ? words.slice(0, 2).join(' ') : (words[0] ?? id), known)
}

function unknownCommand(name: string, commands: string[]): never {
  const known = [...commands].sort()
  const near = known.map((k) => ({k, d: distance(k, name)})).sort((a, b) => a.d - b.d)[0]
  const hint =
    near && near.d <= 3
      ? `did you mean '${near.k}'? (sessdoc --help lists them all)`
      : `the commands are: ${known.join(', ')} (sessdoc --help)`
  process.stderr.write(`Error: sessdoc has no command '${name}'\nHint: ${hint}\n`)
  process.exit(3)
}

export default hook
