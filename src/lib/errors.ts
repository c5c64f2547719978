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
