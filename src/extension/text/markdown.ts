/**
 * Markdown and label text built from strings a model file chose (module names, ModuleDict keys,
 * strings quoted in error messages, the source of an unknown condition). A model file is
 * untrusted input: whatever it holds must render as the characters it is, never as a link, an
 * image, raw HTML, a theme icon or a command. Every surface that shows file text in Markdown
 * (hovers, the report) or in a label that renders `$(icon)` (CodeLens titles, the status bar)
 * goes through this module.
 */

/** Longest file-chosen text any one place shows; longer text is cut, with an ellipsis. */
export const MAX_SHOWN_CHARS = 300;

/**
 * Control characters (line breaks become spaces elsewhere) and the bidirectional overrides that
 * make text read differently from what it is ("Trojan Source").
 */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One line of at most `max` characters: line breaks and tabs become spaces, controls become U+FFFD. */
export function oneLine(text: string, max = MAX_SHOWN_CHARS): string {
  const flat = text.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ').replace(INVISIBLE, '\uFFFD');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Plain text as Markdown that renders exactly as these characters. CommonMark lets a backslash
 * escape any ASCII punctuation, and every construct (links, images, autolinks like `https://…`,
 * `//host` or `www.…`, linkify's bare `evil.example`, emphasis, HTML tags, entities, tables'
 * `|`, theme icons' `$(…)`) needs one of it, so escaping it all leaves nothing to form. Only
 * `, ; % ? ' "` are left as they are: no Markdown construct starts with or needs them alone.
 */
export function mdText(text: string, max = MAX_SHOWN_CHARS): string {
  return oneLine(text, max).replace(/[!#$&()*+\-./:<=>@[-`{-~]/g, (c) => `\\${c}`);
}

/**
 * A code span showing the text verbatim. Nothing inside a code span is parsed, so it is fenced
 * with one more backtick than the longest run inside, and padded with spaces when the text
 * starts or ends with a backtick (CommonMark strips one space on each side). A `|` is escaped
 * even here, since GFM splits table cells on it before it sees code spans (the backslash is
 * then removed); outside tables a `\|` shows as written, so pass `inTable` only in table cells.
 */
export function mdCode(text: string, options: { max?: number; inTable?: boolean } = {}): string {
  let body = oneLine(text, options.max ?? MAX_SHOWN_CHARS);
  if (options.inTable) body = body.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * A link destination that stays one destination whatever it holds: in angle brackets, with
 * everything but unreserved URL characters, `/`, `:`, `#` and `%`-escapes percent-encoded.
 * The caller builds the scheme (or a `./` prefix for a relative target), never the file.
 */
export function mdLinkTarget(target: string): string {
  const encoded = target.replace(/[^A-Za-z0-9\-._~/:#%]/g, (c) => encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`));
  return `<${encoded}>`;
}

/**
 * Text for labels that render `$(name)` as a theme icon (CodeLens titles, status bar items):
 * one line, with every `$(` escaped so only the extension's own icons appear.
 */
export function labelText(text: string, max = MAX_SHOWN_CHARS): string {
  return oneLine(text, max).replace(/\$\(/g, '\\$(');
}
