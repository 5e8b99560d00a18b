/**
 * Retention of stored webhook deliveries (`webhook-delivery-retention`, one for the whole service):
 * ids and input. Workflow-safe: no Node or I/O imports.
 */
export { DELIVERY_RETENTION_WORKFLOW_TYPE } from '../workflow-types.js';
export const DELIVERY_RETENTION_WORKFLOW_ID = 'webhook-delivery-retention';
export const DELIVERY_RETENTION_SCHEDULE_ID = 'webhook-delivery-retention-schedule';

export interface DeliveryRetentionInput {
  /** Bodies of done deliveries older than this many days are reduced (personal data removed). */
  bodyRetentionDays: number;
  /** Done deliveries older than this many days are deleted. */
  retentionDays: number;
  /** Carried over continue-as-new. */
  totals?: DeliveryRetentionResult;
}

export interface DeliveryRetentionResult {
  reduced: number;
  purged: number;
}
