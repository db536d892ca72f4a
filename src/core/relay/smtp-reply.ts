/**
 * SMTP reply parsing (RFC 5321 §4.2): a reply is one or more lines "NNN-text" ending
 * with "NNN text" (or a bare "NNN"). Input arrives in arbitrary chunks, so the parser
 * keeps the partial line and the lines of an unfinished multi-line reply.
 */

export interface SmtpReply {
  /** Three-digit reply code; 0 when the peer sent something that is not SMTP. */
  readonly code: number;
  /** Text of each line without the code and separator. */
  readonly lines: readonly string[];
}

/** Longest line kept; a hostile or broken server must not make us buffer megabytes. */
const MAX_LINE = 2048;
/** Most lines kept per reply (EHLO lists are ~10-20 lines). */
const MAX_LINES = 100;

export class ReplyParseError extends Error {
  override name = 'ReplyParseError';
}

export class ReplyParser {
  private partial = '';
  private pending: string[] = [];
  private pendingCode = 0;

  /**
   * Feed decoded text; returns the replies completed by it, in order. A line that is not
   * SMTP ends parsing with `error`, but the replies completed before it are still returned
   * (a 220 to STARTTLS followed by injected junk must still reach the caller).
   */
  push(chunk: string): { replies: SmtpReply[]; error?: ReplyParseError } {
    const replies: SmtpReply[] = [];
    this.partial += chunk;
    let nl: number;
    try {
      while ((nl = this.partial.indexOf('\n')) >= 0) {
        const line = this.partial.slice(0, nl).replace(/\r$/, '');
        this.partial = this.partial.slice(nl + 1);
        const reply = this.line(line);
        if (reply) replies.push(reply);
      }
      if (this.partial.length > MAX_LINE) {
        throw new ReplyParseError(`the server sent a line longer than ${MAX_LINE} characters`);
      }
    } catch (err) {
      if (!(err instanceof ReplyParseError)) throw err;
      return { replies, error: err };
    }
    return { replies };
  }

  private line(raw: string): SmtpReply | undefined {
    const line = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw;
    const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
    if (!m) throw new ReplyParseError(`the server sent a line that is not an SMTP reply: "${line.slice(0, 80)}"`);
    const code = Number(m[1]);
    if (this.pending.length > 0 && code !== this.pendingCode) {
      throw new ReplyParseError(`the server changed the reply code inside a multi-line reply (${this.pendingCode} then ${code})`);
    }
    this.pendingCode = code;
    if (this.pending.length < MAX_LINES) this.pending.push(m[3]!);
    if (m[2] === '-') return undefined;
    const reply: SmtpReply = { code, lines: this.pending };
    this.pending = [];
    this.pendingCode = 0;
    return reply;
  }
}

/** "250 2.1.0 Ok" / first line plus a count of the others, for transcripts and JSON. */
export function formatReply(reply: SmtpReply): string {
  const first = `${reply.code} ${reply.lines[0] ?? ''}`.trimEnd();
  return reply.lines.length > 1 ? `${first} (+${reply.lines.length - 1} more lines)` : first;
}

/** The whole reply as the server sent it, one line each. */
export function replyLines(reply: SmtpReply): string[] {
  return reply.lines.map((text, i) => `${reply.code}${i === reply.lines.length - 1 ? ' ' : '-'}${text}`.trimEnd());
}

export const isPositive = (r: SmtpReply): boolean => r.code >= 200 && r.code < 400;
export const isTemporary = (r: SmtpReply): boolean => r.code >= 400 && r.code < 500;
export const isPermanent = (r: SmtpReply): boolean => r.code >= 500 && r.code < 600;
