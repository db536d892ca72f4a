/**
 * Every real command (commands/index.ts) through the Slack adapter, so a command added
 * later is covered without a new test: its slash command answers, "/name help" explains
 * it privately, and a command that takes a pasted text opens its form, runs the form's
 * submission and its message shortcut.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { SharedHttpServer } from '../../../src/adapters/http-server.js';
import { textOption } from '../../../src/adapters/slack/command-text.js';
import { startSlack, type SlackAdapter } from '../../../src/adapters/slack/index.js';
import { loadConfig } from '../../../src/app/config.js';
import { startTestChecker, type TestChecker } from '../../support/test-checker.js';
import { FakeSlack, postSigned, slashCommand } from '../../support/fake-slack.js';

const SECRET = 'real-commands-secret';
let fake: FakeSlack;
let http: SharedHttpServer;
let slack: SlackAdapter;
let tc: TestChecker;
let eventsUrl: string;
let seq = 0;

beforeAll(async () => {
  tc = await startTestChecker();
  fake = await FakeSlack.start();
  http = new SharedHttpServer();
  const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-t', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, LOG_LEVEL: 'silent' });
  slack = await startSlack({ config, services: { checker: tc.checker }, commands, http, apiRetries: 0, progressDelayMs: 60_000 });
  eventsUrl = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}/slack/events`;
});

afterAll(async () => {
  await slack?.stop();
  await http?.close();
  await fake?.close();
  await tc?.dns.close();
});

async function slash(name: string, text: string) {
  const id = `real${++seq}`;
  const res = await postSigned(eventsUrl, SECRET, slashCommand({ command: `/${name}`, text, responseUrl: fake.responseUrl(id) }));
  expect(res.status).toBe(200);
  return fake.waitForRespond(id);
}

describe.each(commands.map((c) => [c.name, c] as const))('/%s in Slack', (name, def) => {
  it('answers its help privately', async () => {
    const answer = await slash(name, name === 'help' ? '' : 'help');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.body.blocks)).toContain(name === 'help' ? 'Commands' : `/${name}`);
  });

  // Only the tests that apply to this command are defined (no skipped placeholders).
  if (def.examples.some((e) => e.trim() !== ''))
    it('answers its first example within Slack limits', async () => {
      const example = def.examples.find((e) => e.trim() !== '')!;
      const answer = await slash(name, example);
      expect(answer.body.blocks.length).toBeLessThanOrEqual(50);
      expect(answer.body.blocks[0].type).toBe('header');
      expect(typeof answer.body.text).toBe('string');
    });

  if (def.textInput && textOption(def))
    it('opens its form when run with no text', async () => {
      const id = `real${++seq}`;
      await postSigned(eventsUrl, SECRET, slashCommand({ command: `/${name}`, text: '', responseUrl: fake.responseUrl(id) }));
      const open = await fake.waitFor((c) => c.method === 'views.open' && String(c.body.view?.private_metadata ?? '').includes(id));
      expect(open.body.view.callback_id).toBe(`${name}_modal`);
      expect(open.body.view.title.text.length).toBeLessThanOrEqual(24);
    });

  if (def.textInput?.messageAction && textOption(def))
    it('runs its message shortcut on a message', async () => {
      const id = `real${++seq}`;
      const example = def.examples.find((e) => e.trim() !== '') ?? 'hello';
      const res = await postSigned(eventsUrl, SECRET, {
        payload: JSON.stringify({
          type: 'message_action',
          callback_id: `${name}_message`,
          trigger_id: '9.9.9',
          response_url: fake.responseUrl(id),
          message_ts: '1.1',
          message: { type: 'message', ts: '1.1', text: example.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') },
          user: { id: 'U0USER', name: 'alice', team_id: 'T0TEST' },
          channel: { id: 'C0CHAN', name: 'mail' },
          team: { id: 'T0TEST', domain: 'test' },
          token: 'legacy',
          action_ts: '1.2',
        }),
      });
      expect(res.status).toBe(200);
      const answer = await fake.waitForRespond(id);
      expect(answer.body.blocks[0].type).toBe('header');
    });
});
