// Control characters (C0 but tab, DEL, C1) would let a logged User-Agent move the cursor,
// rewrite the screen or change the terminal title of whoever reads the report.
const controlChars = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/** Neutralises control characters and ANSI escapes from input data: shown as \xNN. */
export function sanitizeTerminal(text: string): string {
  return text.replace(controlChars, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

/** Text for a Markdown table cell or paragraph: no HTML, no table breaks, no control characters. */
export function escapeMarkdown(text: string): string {
  return sanitizeTerminal(text)
    .replace(/[\\`*_{}[\]<>|#]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ')
}

export function escapeHtml(text: string): string {
  return sanitizeTerminal(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
