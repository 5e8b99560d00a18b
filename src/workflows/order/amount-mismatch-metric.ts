/**
 * The metric an operator alerts on: relBase issued a document whose amounts are not the plan's.
 * Counted by the create activity (its meter) and by the workflow when it finds such a document after
 * a lost answer (the workflow's meter, which counts nothing while replaying); both go out with the
 * worker's SDK metrics (TEMPORAL_METRICS_PORT). Imports nothing but a type: workflow-safe.
 */
import type { MetricMeter } from '@temporalio/common';

export const AMOUNT_MISMATCH_METRIC = 'relbase_document_amount_mismatches';

/** Adds one, by store and the first amount that differs. */
export function countAmountMismatch(meter: MetricMeter, storeCode: string, fields: readonly string[]): void {
  meter
    .createCounter(AMOUNT_MISMATCH_METRIC, 'documents', 'Documents relBase issued whose header amounts differ from the planned ones; each order waits for a person')
    .add(1, { store: storeCode, field: fields[0] ?? 'total' });
}
