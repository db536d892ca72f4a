import { describe, expect, it } from 'vitest';
import { slackTextToPlain } from '../../../src/adapters/slack/command-text.js';

describe('slackTextToPlain', () => {
  it('undoes Slack entity escaping', () => {
    expect(slackTextToPlain('550 5.1.1 &lt;user@example.com&gt;: Recipient address rejected &amp; more')).toBe(
      '550 5.1.1 <user@example.com>: Recipient address rejected & more',
    );
  });

  it('turns Slack link, e-mail, mention and channel markup back into the text people saw', () => {
    expect(slackTextToPlain('see <https://www.spamhaus.org/query/ip/203.0.113.5|spamhaus.org/query/ip/203.0.113.5>')).toBe(
      'see spamhaus.org/query/ip/203.0.113.5',
    );
    expect(slackTextToPlain('from &lt;<mailto:bounce@example.org|bounce@example.org>&gt;')).toBe('from <bounce@example.org>');
    expect(slackTextToPlain('<https://example.org/x>')).toBe('https://example.org/x');
    expect(slackTextToPlain('<@U123> <@U456|bob> <#C789|general> <!here> <!subteam^S1|@ops>')).toBe('@U123 @bob #general @here @ops');
  });

  it('keeps text that was typed as entities literal', () => {
    expect(slackTextToPlain('&amp;lt;')).toBe('&lt;');
  });
});
