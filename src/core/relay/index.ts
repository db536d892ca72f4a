/** The open-relay test: public surface for commands, the CLI and the app's services. */
export { createRelayTester, relayTesterFromConfig, overallVerdict, RELAY_DEFAULTS } from './tester.js';
export type { RelayTester, RelayTesterOptions, RelayTestOptions } from './tester.js';
export { RelayDnsError } from './dns.js';
export type { RelayDns, MxRecord } from './dns.js';
export { parseTarget, privateAddressReason } from './relay-target.js';
export { relayAdvice, GENERAL_ADVICE, SOFTWARE_NAMES } from './closing-advice.js';
export { shortenTranscript } from './transcript.js';
export * from './types.js';
export { relayReply, formatRelayText, summaryLine, relayProgressReply, relayLimitReply } from './reply.js';
export { createRelayDns, relayDnsFrom } from './dns.js';
