/**
 * The words that say "this is a bounce", in one place. Two strengths on purpose: a pasted
 * text or its subject needs a failure said in words (ordinary chat — "my mail was not
 * delivered?" — must stay "no delivery error found"), while an attached message's sender
 * and subject may be read more loosely, since a report or notice is what one forwards.
 */

/** A failure said in words, in a pasted text or its subject. */
export const BOUNCE_WORDS =
  /undeliverable|undelivered|delivery (?:has )?failed|could not be delivered|couldn't be delivered|wasn't delivered|returned mail|mail delivery failed|delivery status notification|non-delivery|permanent error|temporary failure|failed permanently|delivery to the following recipient|message not delivered|retry timeout|not reach the following/i;

/** The sender of a bounce (RFC 3464 reports, and the non-DSN bounces of the format table). */
export const BOUNCE_SENDER = /mailer-daemon|postmaster|mail delivery|delivery subsystem|microsoftexchange/i;

/** The subject of a bounce, in the mail systems' own words (English, French, German). */
export const BOUNCE_SUBJECT =
  /undeliver|delivery status notification|returned mail|mail delivery failed|failure notice|delivery failure|not delivered|delivery has failed|non remis|unzustellbar|returning message to sender/i;
