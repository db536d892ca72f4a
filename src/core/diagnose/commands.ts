/**
 * Which SMTP command the remote server refused. The same "user unknown" reply means
 * `userunknown` when it answered RCPT and `filtered` when it answered DATA, so every
 * MTA's way of saying it is read here: Postfix "(in reply to RCPT TO command)", Exim
 * "after RCPT TO:<…>", Sendmail ">>> RCPT To:<…>", qmail "does not like recipient",
 * Exchange/Domino "SMTP:RCPT", and the bare command words Sisimai looks for.
 *
 * CONN is a pseudo command: refused at connection (greeting) time.
 */

export type SmtpCommand = 'CONN' | 'EHLO' | 'HELO' | 'STARTTLS' | 'AUTH' | 'MAIL' | 'RCPT' | 'DATA' | 'QUIT' | 'XFORWARD';

/** Commands sent before the message: a refusal here cannot be about its content. */
export const BEFORE_DATA: ReadonlySet<SmtpCommand> = new Set<SmtpCommand>(['CONN', 'EHLO', 'HELO', 'MAIL', 'RCPT']);

export function isGreeting(c: SmtpCommand | null): boolean {
  return c === 'CONN' || c === 'EHLO' || c === 'HELO';
}

/**
 * Phrases that name the failed command, each MTA's wording, with a lower-case literal every
 * match contains (a marker whose literal is absent is not run). Case-insensitive; the
 * earliest match in the text wins.
 */
const MARKERS: readonly (readonly [RegExp, SmtpCommand, string])[] = [
  // Postfix: "(in reply to RCPT TO command)", "(in reply to end of DATA command)"
  [/in reply to (?:the )?rcpt to\b|in reply to rcpt\b/i, 'RCPT', 'in reply to'],
  [/in reply to (?:the )?mail from\b|in reply to mail\b/i, 'MAIL', 'in reply to'],
  [/in reply to (?:end of )?data\b|in reply to message (?:body|text)/i, 'DATA', 'in reply to'],
  [/in reply to (?:e|h)lo\b/i, 'EHLO', 'in reply to'],
  [/in reply to (?:the )?(?:initial )?(?:greeting|banner|connect)/i, 'CONN', 'in reply to'],
  [/in reply to starttls\b/i, 'STARTTLS', 'in reply to'],
  [/in reply to auth\b/i, 'AUTH', 'in reply to'],
  // Exim: "SMTP error from remote mail server after RCPT TO:<…>", "after end of data", "after initial connection"
  [/\bafter rcpt to\b|\bafter rcpt\b/i, 'RCPT', 'after '],
  [/\bafter mail from\b|\bafter mail\b(?!\s+(?:server|system|delivery))/i, 'MAIL', 'after '],
  [/\bafter (?:end of )?data\b|\bafter sending data block\b|\bafter pipelined data\b/i, 'DATA', 'after '],
  [/\bafter (?:e|h)lo\b/i, 'EHLO', 'after '],
  [/\bafter initial connection\b|\bafter (?:the )?(?:greeting|banner)\b/i, 'CONN', 'after '],
  [/\bafter starttls\b/i, 'STARTTLS', 'after '],
  [/\bafter auth\b/i, 'AUTH', 'after '],
  // qmail-remote
  [/\bdoes not like recipient\b/i, 'RCPT', 'does not like'],
  [/\bfailed on data command\b|\bfailed after i sent the message\b/i, 'DATA', 'failed '],
  [/\bbut sender was rejected\b/i, 'MAIL', 'but '],
  [/\bbut my name was rejected\b/i, 'EHLO', 'but '],
  [/\bbut greeting failed\b/i, 'CONN', 'but '],
  // Sendmail / Courier / MDaemon transcripts: ">>> RCPT To:<…>"
  [/>>> ?rcpt\b/i, 'RCPT', '>>>'],
  [/>>> ?mail from\b/i, 'MAIL', '>>>'],
  [/>>> ?data\b/i, 'DATA', '>>>'],
  [/>>> ?(?:e|h)lo\b/i, 'EHLO', '>>>'],
  // Exchange, X3, GMX, 1&1: "SMTP:RCPT", "Error following RCPT command", "after RCPT command", "for TEXT command"
  [/\bsmtp:rcpt\b|following rcpt command|after rcpt command|for rcpt command/i, 'RCPT', 'rcpt'],
  [/\bsmtp:mail\b|following mail command|after mail command|for mail command/i, 'MAIL', 'mail'],
  [/\bsmtp:data\b|following data command|after data command|for data command/i, 'DATA', 'data'],
  [/for text command/i, 'DATA', 'text command'],
  // Postfix client: "refused to talk to me" is a greeting refusal
  [/refused to talk to me/i, 'HELO', 'refused to talk'],
];

/** The failed command named by an MTA's own wording, or null. */
export function commandFromMarkers(text: string): SmtpCommand | null {
  if (!text) return null;
  const t = text.length > 100_000 ? text.slice(0, 100_000) : text;
  const lower = t.toLowerCase();
  let best: { at: number; command: SmtpCommand } | null = null;
  for (const [re, command, needle] of MARKERS) {
    if (!lower.includes(needle)) continue;
    const m = re.exec(t);
    // The earliest marker names the failure (later ones are usually QUIT or a retry).
    if (m && (!best || m.index < best.at)) best = { at: m.index, command };
  }
  return best?.command ?? null;
}

/** Upper-case command words, in the order Sisimai ranks them (the later wins). */
const WORDS: readonly (readonly [string, SmtpCommand])[] = [
  ['HELO', 'HELO'],
  ['EHLO', 'EHLO'],
  ['STARTTLS', 'STARTTLS'],
  ['AUTH PLAIN', 'AUTH'],
  ['AUTH LOGIN', 'AUTH'],
  ['AUTH CRAM-', 'AUTH'],
  ['AUTH DIGEST-', 'AUTH'],
  ['MAIL F', 'MAIL'],
  ['RCPT', 'RCPT'],
  ['DATA', 'DATA'],
  ['QUIT', 'QUIT'],
  ['XFORWARD', 'XFORWARD'],
];

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 64 && c <= 90) || (c >= 96 && c <= 122);

/**
 * A command word written in capitals in the server's words ("… RCPT TO …"), as Sisimai
 * reads it: words inside addresses or host names (DATABASE@, EMAIL.EXAMPLE) do not count.
 */
export function commandFromWords(text: string): SmtpCommand | null {
  if (!text) return null;
  const t = text.length > 20_000 ? text.slice(0, 20_000) : text;
  let found: SmtpCommand | null = null;
  for (const [word, command] of WORDS) {
    const at = t.indexOf(word);
    if (at < 0) continue;
    if (!word.includes(' ')) {
      const before = at > 0 ? t.charCodeAt(at - 1) : 32;
      const after = at + word.length < t.length ? t.charCodeAt(at + word.length) : 32;
      if (isWordChar(before) || isWordChar(after) || before === 46 || after === 46) continue;
    }
    if (command !== 'QUIT') found = command;
  }
  return found;
}

/** The failed command: an MTA marker first, then capitalised command words. */
export function findCommand(text: string): SmtpCommand | null {
  return commandFromMarkers(text) ?? commandFromWords(text);
}
