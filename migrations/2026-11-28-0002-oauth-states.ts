// Frozen in time: never import application code here.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

/** OAuth `state` values handed out by /install, each good for one callback (kept as a SHA-256 digest). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth_states')
    .addColumn('state_sha256', 'text', (c) => c.primaryKey())
    .addColumn('store_hint', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oauth_states').ifExists().execute();
}
