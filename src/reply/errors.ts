/**
 * The base of every error a user can cause: bad input, a refused target, a watch that
 * does not exist, a bad option or configuration value. Its message is one friendly
 * sentence meant to be shown as it is; the command dispatcher and the CLI turn any
 * UserError into an answer in one place, so no command catches its own list of errors.
 * Anything that is not a UserError is a bug or an outage: logged, and answered with an
 * apology.
 */
export class UserError extends Error {
  /** An optional next step, shown under the message ("Example: /rbl 203.0.113.5"). */
  readonly hint?: string;

  constructor(message: string, options?: { readonly hint?: string; readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}
