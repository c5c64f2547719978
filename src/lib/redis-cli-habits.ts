/**
 * redis-cli users type `-h HOST`; in sessdoc (as in every oclif CLI) `-h` is help, and oclif would fold
 * the host into the command name and fail with exit 2 (CRITICAL to a scheduler). Said as a usage error
 * instead, before oclif parses anything: the message, or null when argv is fine.
 */
export function helpFlagUsedAsHost(argv: readonly string[]): string | null {
  if (!['redis', 'diagnose', 'trace'].includes(argv[0] ?? '')) return null
  const at = argv.indexOf('-h')
  if (at < 0) return null
  const value = argv[at + 1]
  if (value === undefined || value.startsWith('-')) return null
  return `-h is help in sessdoc, not the host ('-h ${value}')`
}
