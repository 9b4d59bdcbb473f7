/**
 * One CSV cell (RFC 4180) that a spreadsheet reads as the text it is. Cells holding a comma, a
 * quote, CR or LF are quoted, with quotes doubled. A cell starting with `=`, `+`, `-`, `@`, tab
 * or CR would be read as a formula by Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)`
 * from a module name), so it gets a leading apostrophe, as OWASP advises, and is quoted.
 * Conv Lens's own figures are never negative, so no number of ours is changed.
 */
export function csvCell(value: string): string {
  const formula = /^[=+\-@\t\r]/.test(value);
  const text = formula ? `'${value}` : value;
  return formula || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
