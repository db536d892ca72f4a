/** Small wording helpers shared by every reply builder and error message. */

/** "1 list", "3 lists", "2 watches" (give the plural when it is not noun + s). */
export function count(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}

/**
 * At most `max` characters, the last one an ellipsis when cut. Never splits a UTF-16
 * surrogate pair, which would leave an invalid character that some platforms reject.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** Untrusted input quoted in a sentence: trimmed and clipped, so a pasted essay stays one line. */
export function quoted(input: string, max = 40): string {
  return `"${clip(input.trim().replace(/\s+/g, ' '), max + 1)}"`;
}

/**
 * A fragment as a sentence: "listed (IP transmitted mail …)" → "Listed (…". A first word
 * with a dot or a capital inside ("s5h.net", "iDNS") is a name and stays as written.
 */
export function capitalise(text: string): string {
  const first = /^\S+/.exec(text)?.[0] ?? '';
  if (!/^[a-z]/.test(first) || /[.A-Z]/.test(first.slice(1))) return text;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
