/** The `--json` shape of a diagnosis (stable field names; see issue 3). */
import type { DiagnoseResult } from './types.js';

export function toJson(result: DiagnoseResult): Record<string, unknown> {
  const diagnoses = result.diagnoses.map((d) => ({
    reason: d.reason,
    permanent: d.permanent,
    replyCode: d.replyCode,
    status: d.status,
    recipient: d.recipient,
    remote: { host: d.remote.host, ip: d.remote.ip },
    senderIp: d.senderIp,
    lists: d.lists.map((l) => ({ zone: l.zone, name: l.name, target: l.target, defunct: l.defunct })),
    providerCode: d.providerCode,
    provider: d.provider,
    providerCodes: d.providerCodes,
    blocklistProblem: d.blocklistProblem,
    summary: d.summary,
    diagnostic: d.diagnostic,
    advice: d.advice.map((a) => ({ kind: a.kind, text: a.text, links: a.links })),
    live: d.live,
    ...(d.feedbackType ? { feedbackType: d.feedbackType } : {}),
  }));
  return result.error ? { diagnoses, error: result.error } : { diagnoses };
}
