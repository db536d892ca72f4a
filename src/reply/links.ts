/**
 * Which links an answer may carry, for every renderer: web pages (delisting forms,
 * lookups) and mailto: (a ready-to-send delisting request to a postmaster). Anything
 * else — javascript:, data:, file:, credentials in the URL — is shown as its label only.
 */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** Longest URL kept; a mailto: with a prefilled body stays well below it. */
const MAX_URL = 2000;

/** The URL, normalised and percent-encoded by WHATWG URL, or null when it must not be a link. */
export function safeLinkUrl(link: string): string | null {
  try {
    const url = new URL(link.trim());
    if (!ALLOWED_PROTOCOLS.has(url.protocol)) return null;
    if (url.username || url.password) return null;
    return url.href.length <= MAX_URL ? url.href : null;
  } catch {
    return null;
  }
}
