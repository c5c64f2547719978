/**
 * An error the user can fix: a bad flag value, an unreadable config. The message says what is
 * wrong, the hint what to try. It exits 3 (UNKNOWN) with no stack trace.
 */
export class UserError extends Error {
  override name = 'UserError'
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message)
  }
}

/** Standard output failed (`> /dev/full`): said on stderr, since stdout cannot take it. */
export class StdoutError extends UserError {
  override name = 'StdoutError'
  constructor(readonly failure: NodeJS.ErrnoException) {
    super(
      `cannot write the report to standard output: ${failure.code === 'ENOSPC' ? 'no space left on device' : failure.message} (${failure.code ?? 'error'})`,
      'free some space, or write the report to a file with --output FILE',
    )
  }
}
