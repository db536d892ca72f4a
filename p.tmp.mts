import { commands } from '/work/wt/diagnose/commands/index.ts';
import { discordCommandPayloads } from '/work/wt/discord/src/adapters/discord/command-payloads.ts';
const p = discordCommandPayloads(commands);
console.log(JSON.stringify(p.map(c => ({ n: c.name, perm: c.default_member_permissions, opts: (c as any).options?.map((o: any) => o.name + ':' + o.type + (o.options ? '[' + o.options.map((x: any) => x.name + ':' + x.type + (x.required ? '!' : '')).join(',') + ']' : '')) }))));
