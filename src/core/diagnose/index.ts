/** Bounce diagnosis: public entry points. */
export { diagnoseBounce, diagnoseDocument, withLiveCheck } from './diagnose.js';
export { diagnosisReply, diagnosisText } from './reply.js';
export { toJson } from './json.js';
export type { Advice, Diagnosis, DiagnoseResult, LiveStatus, NamedList, ProviderCode, Reason } from './types.js';
export { MAX_INPUT_BYTES, REASONS } from './types.js';
export { useCatalogue } from './catalogue-view.js';
