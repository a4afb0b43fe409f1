/**
 * Writing iCalendar (RFC 5545) text: escaping of TEXT values (3.3.11), folding of content lines at
 * 75 octets (3.1, never inside a UTF-8 sequence), CRLF line ends: for the export's calendar lines (its
 * name is the host's text). The events themselves are ASCII lines PostgreSQL writes (listing_ical_feed(),
 * migration icalExportFunction). Owning the bytes keeps them identical from one download to the next
 * (the ETag is their hash).
 */

const CRLF = "\r\n";
const MAX_OCTETS = 75;

/** A TEXT value: backslash, semicolon, comma and line breaks escaped. */
export function escapeText(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, "\\n");
}

/** One content line, folded: every physical line at most 75 octets, continuation lines start with a space. */
export function foldLine(line: string): string {
  if (line.length <= MAX_OCTETS && Buffer.byteLength(line) <= MAX_OCTETS) return line;
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  let limit = MAX_OCTETS;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
      limit = MAX_OCTETS - 1; // the leading space of a continuation counts
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

/** Content lines → the iCalendar text (each folded, CRLF after every line, the last one included). */
export function icsText(lines: string[]): string {
  let out = "";
  for (const line of lines) out += foldLine(line) + CRLF;
  return out;
}
