// Anybody who can write to Redis chooses key names: a name holding ESC, BEL or a newline would
// rewrite the reader's terminal or forge a line of the report. The JSON keeps the names as they are.
const controlChars = /[\u0000-\u001f\u007f-\u009f]/g

/** A key name for free text (a finding's detail): control characters shown as \xNN, newlines included. */
export function printableKey(key: string): string {
  return key.replace(controlChars, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}
