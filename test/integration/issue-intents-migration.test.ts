/**
 * Migration 0004 on a database the previous code used: a row the old issuer left as `intent` may
 * stand for a create relBase received, so it becomes `create_sent` (settled before any new create);
 * issued rows stay as they were; the one-document-per-order rule still holds on the new key.
 */
import { randomBytes } from 'node:crypto';
import { Migrator } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { beginIssue } from '../../src/db/documents-repository.js';
import { migrateToLatest } from '../../src/db/migrate.js';

const embedded = inject('embeddedDatabase');
const adminUrl = inject('databaseUrl');
const name = `jr_mig_${randomBytes(4).toString('hex')}`;
let db: Db;

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  if (embedded) return;
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  db = createDatabase(url.toString(), { maxConnections: 2 });
});
afterAll(async () => {
  if (embedded) return;
  await db?.destroy();
  await admin(`drop database if exists ${name}`);
});

describe.skipIf(embedded)('migration 0004 (needs a real PostgreSQL: it creates a database of its own)', () => {
  it("turns the old issuer's intents into creates to settle, keeps issued rows, and keeps one document per order", async () => {
    const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
    const before = await migrator.migrateTo('2026-11-28-0003-sku-claims');
    expect(before.error).toBeUndefined();
    const old = (orderId: string, state: string, relbaseId: string | null) => ({
      store_code: 's',
      order_id: orderId,
      state,
      type_document: 39,
      label_value: `JS-${orderId}`,
      relbase_id: relbaseId,
      folio: relbaseId ? '7' : null,
      total: relbaseId ? 9990 : null,
      pdf_url: null,
      issued_at: relbaseId ? new Date() : null,
    });
    await db
      .insertInto('documents')
      .values([old('1', 'intent', null), old('2', 'issued', '9000001')])
      .execute();

    await migrateToLatest(db);
    const rows = await db.selectFrom('documents').selectAll().orderBy('order_id').execute();
    expect(rows[0]).toMatchObject({ order_id: '1', state: 'create_sent', kind: 'document', creates_sent: 1 });
    expect(rows[0]!.in_flight_until).toBeInstanceOf(Date);
    expect(rows[1]).toMatchObject({ order_id: '2', state: 'issued', kind: 'document', creates_sent: 0, relbase_id: '9000001', in_flight_until: null });
    expect(await beginIssue(db, { storeCode: 's', orderId: '1', label: 'JS-1', kind: 'document', typeDocument: 39 })).toMatchObject({ state: 'create_sent', createsSent: 1 });
    await expect(beginIssue(db, { storeCode: 's', orderId: '2', label: 'JS-2-B', kind: 'document', typeDocument: 39 })).rejects.toThrow(
      /already has a document recorded under label JS-2/,
    );
  });
});
