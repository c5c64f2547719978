import type {Hook} from '@oclif/core'

/** An unknown command is a usage error: exit 3 (UNKNOWN), never 2, which means CRITICAL to a scheduler. */
const hook: Hook<'command_not_found'> = async ({id, config}) => {
  const known = [...config.commandIDs].map((c) => c.replaceAll(':', ' ')).sort()
  const name = id.replaceAll(':', ' ')
  process.stderr.write(`Error: sessdoc has no command '${name}'\nHint: the commands are: ${known.join(', ')} (sessdoc --help)\n`)
  process.exit(3)
}

export default hook
