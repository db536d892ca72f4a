/**
 * One diagnoser on the built-in catalogue, no checker: what most diagnosis tests need.
 * Tests that re-check live build their own with a checker.
 */
import { loadCatalogue } from '../../src/core/check/catalogue.js';
import { createDiagnoser } from '../../src/core/diagnose/index.js';
import type { DiagnoseResult } from '../../src/core/diagnose/index.js';

export const testDiagnoser = createDiagnoser({ catalogue: loadCatalogue() });

export function diagnoseBounce(raw: string | Uint8Array): Promise<DiagnoseResult> {
  return testDiagnoser.diagnose(raw);
}
