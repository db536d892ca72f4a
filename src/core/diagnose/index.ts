/** Bounce diagnosis: public entry points. */
export { createDiagnoser } from './diagnoser.js';
export type { Diagnoser, DiagnoserOptions, LiveOptions } from './diagnoser.js';
export { diagnosisReply, diagnosisText, NO_FAILURE } from './reply.js';
export { toJson } from './json.js';
export type { Advice, Diagnosis, DiagnoseResult, LiveStatus, NamedList, ProviderCode, Reason } from './types.js';
export { MAX_INPUT_BYTES, REASONS } from './types.js';
export { familyOf } from './reasons.js';
export type { Family } from './reasons.js';
