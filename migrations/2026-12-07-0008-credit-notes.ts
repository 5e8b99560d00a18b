// Frozen in time: never import application code here. Migrations see the database as it was, so untyped.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

/**
 * Credit notes (61) live in `documents` beside the document they correct, under their own label
 * (`JS-{order}-NC{n}`), with `kind` 'credit_note', `reference_label` (the corrected document's label)
 * and `reason_code`, the SII's CodRef (1 anula documento, 2 corrige texto, 3 corrige montos).
 *
 * - The one-document-per-order index (migration 0004) is partial on kind 'document', so it already
 *   lets an order hold its credit notes; a check keeps every credit note pointing at a document and
 *   only credit notes pointing anywhere.
 * - A document is annulled at most once: a unique index on the referenced label for reason code 1,
 *   whatever label a second annulment would be recorded under.
 * - Earlier credit notes of a document are summed by its label (returns must never credit more than
 *   was sold), hence the index on (store, reference_label).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('documents').addColumn('reason_code', 'integer').execute();
  await db.schema
    .alterTable('documents')
    .addCheckConstraint(
      'documents_credit_note_reference',
      sql`(kind = 'document' and reference_label is null and reason_code is null) or (kind = 'credit_note' and reference_label is not null and reason_code in (1, 2, 3))`,
    )
    .execute();
  await db.schema
    .createIndex('documents_one_annulment_per_document')
    .on('documents')
    .columns(['store_code', 'reference_label'])
    .unique()
    .where(sql.ref('reason_code'), '=', 1)
    .execute();
  await db.schema.createIndex('documents_by_reference').on('documents').columns(['store_code', 'reference_label']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('documents_by_reference').ifExists().execute();
  await db.schema.dropIndex('documents_one_annulment_per_document').ifExists().execute();
  await db.schema.alterTable('documents').dropConstraint('documents_credit_note_reference').execute();
  await db.schema.alterTable('documents').dropColumn('reason_code').execute();
}
