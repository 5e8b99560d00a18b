// Frozen in time: never import application code here. Migrations see the database as it was, so untyped.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

/**
 * Returns: an operator's partial return is a credit note (kind 'credit_note', reason code 3) with
 * - `return_key`: the operator's return id, unique per order, so a repeated request finds its credit
 *   note instead of making another;
 * - `returned_units`: the units it returns, by relBase product id (`{"5757143": 1}`), summed over a
 *   document's credit notes so that returns never credit more than was sold;
 * - `credit_request`: the credit note's lines, reference and total as planned, so every attempt to
 *   issue it sends the same request.
 *
 * Boleta → factura: the factura that replaces an issued boleta is a row of kind 'replacement' with
 * `reference_label` = the boleta's label (at most one per order), beside the boleta's annulment (a
 * credit note with reason code 1, already at most one per document).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('documents').addColumn('return_key', 'text').addColumn('returned_units', 'jsonb').addColumn('credit_request', 'jsonb').execute();
  await db.schema
    .createIndex('documents_one_credit_note_per_return')
    .on('documents')
    .columns(['store_code', 'order_id', 'return_key'])
    .unique()
    .where(sql.ref('return_key'), 'is not', null)
    .execute();
  await db.schema.alterTable('documents').dropConstraint('documents_credit_note_reference').execute();
  await db.schema
    .alterTable('documents')
    .addCheckConstraint(
      'documents_credit_note_reference',
      sql`(kind = 'document' and reference_label is null and reason_code is null) or (kind = 'credit_note' and reference_label is not null and reason_code in (1, 2, 3)) or (kind = 'replacement' and reference_label is not null and reason_code is null)`,
    )
    .execute();
  await db.schema
    .createIndex('documents_one_replacement_per_order')
    .on('documents')
    .columns(['store_code', 'order_id'])
    .unique()
    .where(sql.ref('kind'), '=', 'replacement')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('documents_one_replacement_per_order').ifExists().execute();
  await db.deleteFrom('documents').where('kind', '=', 'replacement').execute();
  await db.schema.alterTable('documents').dropConstraint('documents_credit_note_reference').execute();
  await db.schema
    .alterTable('documents')
    .addCheckConstraint(
      'documents_credit_note_reference',
      sql`(kind = 'document' and reference_label is null and reason_code is null) or (kind = 'credit_note' and reference_label is not null and reason_code in (1, 2, 3))`,
    )
    .execute();
  await db.schema.dropIndex('documents_one_credit_note_per_return').ifExists().execute();
  await db.schema.alterTable('documents').dropColumn('credit_request').dropColumn('returned_units').dropColumn('return_key').execute();
}
