/**
 * `npm run ops -- <command>`: the operator's terminal. It talks to the admin API over HTTP
 * (`--url`, default http://localhost:$PORT; the operator's own token from OPS_TOKEN, else
 * ADMIN_TOKEN), prints readable tables, and exits non-zero with the API's message when something
 * fails. `--json` prints the API's answer (control characters removed, like everything it prints).
 * `runOps` takes its I/O as arguments so tests drive it without a child process.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import type {
  AuditAnswer,
  CatalogSyncCancelAnswer,
  CatalogSyncReport,
  CatalogSyncStartAnswer,
  CatalogSyncStatus,
  DeliveriesAnswer,
  FacturaAnswer,
  InstallAnswer,
  OrderAnswer,
  OrderReconcileAnswer,
  OrderReconcileReport,
  OrdersAnswer,
  ReactivateAnswer,
  RelbaseConnectedAnswer,
  RequeueAnswer,
  RetryPendingAnswer,
  ReturnAnswer,
  StockRefreshAnswer,
  StoreSettingsAnswer,
  StoresAnswer,
  UpdateAnswer,
} from '../api/admin/schemas.js';
import { AdminApiError, createAdminClient, type AdminClient } from './admin-client.js';
import { describe, progressBar, table } from './format.js';
import { sha256 } from '../security/token-strength.js';

export const USAGE = `usage: npm run ops -- <command> [options]

  stores                                   stores, their status and why one needs re-install
  orders [--state s1,s2]                   pending and needs-attention orders with their reasons
  orders reconcile [report]                run the paid-order reconcile now, or show its last report
  order <orderId>                          one order's full state (workflow query + read model, document, credit notes)
  retry <orderId>                          plan one waiting order again; prints its state after
  retry --all-pending                      wake every pending order of the store (and no other)
  resolve <orderId> [--rut R --razon-social X --giro G] [--document boleta|factura|nota_de_venta] [--note N]
  factura <orderId> --rut R --razon-social X --giro G [--address A --commune C --city C]
                                           turn the issued boleta into a factura: a 61 annulling it, then a 33 with
                                           the same lines; prints both folios; repeating it changes nothing
  return <orderId> --return-id ID --line SKU=QTY [--line SKU=QTY ...]
                                           return part of an issued order: one 61 (corrige montos) for those units;
                                           the same --return-id again changes nothing and prints the same credit note
  catalog start|status|watch|cancel|report catalog sync: start, progress, live progress bar, cancel, last report
  stock refresh                            re-read relBase stock and push what changed
  deliveries [--status s1,s2]              stored webhooks to look at (default: unroutable, dead_letter)
  deliveries requeue [id ...]              put dead-lettered deliveries (all, or these) back in the queue
  settings [key=value ...]                 show or change store settings (values are JSON or text)
  install                                  run the install steps again (webhooks, checkout fields, shipping product, schedules)
  approve                                  approve an app install that waits (pending_approval), then install it
  relbase-credentials --user-token T --company-token C   connect an installed store to relBase
  reactivate                               active again after a mistaken needs-reinstall, and check Jumpseller
  audit [--limit N] [--actor NAME]         who did what and when (the admin audit log), newest first
  new-token <name>                         a fresh token for an operator, and the ADMIN_TOKENS entry for it

options: --store <code> (default: the only store), --url <admin API base>, --json, --interval <ms> (watch)
token: OPS_TOKEN (your own operator token), else ADMIN_TOKEN
`;

export interface OpsIo {
  fetch: typeof fetch;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
  env: Record<string, string | undefined>;
  sleep?: (ms: number) => Promise<void>;
}

class UsageError extends Error {}

const OPTIONS = {
  store: { type: 'string' },
  url: { type: 'string' },
  json: { type: 'boolean', default: false },
  state: { type: 'string' },
  status: { type: 'string' },
  'all-pending': { type: 'boolean', default: false },
  rut: { type: 'string' },
  'razon-social': { type: 'string' },
  giro: { type: 'string' },
  document: { type: 'string' },
  note: { type: 'string' },
  'return-id': { type: 'string' },
  address: { type: 'string' },
  commune: { type: 'string' },
  city: { type: 'string' },
  line: { type: 'string', multiple: true },
  interval: { type: 'string' },
  'user-token': { type: 'string' },
  'company-token': { type: 'string' },
  limit: { type: 'string' },
  actor: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

interface Ctx {
  api: AdminClient;
  values: Values;
  out: (s: string) => void;
  io: OpsIo;
}

async function resolveStore(ctx: Ctx): Promise<string> {
  if (ctx.values.store) return ctx.values.store;
  const { stores } = await ctx.api.get<StoresAnswer>('/admin/stores');
  if (stores.length === 1) return stores[0]!.code;
  if (stores.length === 0) throw new UsageError('no stores yet: install the app or configure a store first');
  throw new UsageError(`several stores (${stores.map((s) => s.code).join(', ')}): pass --store <code>`);
}

const enc = encodeURIComponent;

function orderIdArg(positionals: string[], command: string): string {
  const id = positionals[1];
  if (!id || !/^\d+$/.test(id)) throw new UsageError(`${command} needs an order id: npm run ops -- ${command} <orderId>`);
  return id;
}

/** `key=value`: JSON when it parses (numbers, booleans, null), text otherwise. */
function parseSetting(pair: string): [string, unknown] {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new UsageError(`settings take key=value pairs, got "${pair}"`);
  const key = pair.slice(0, eq);
  const raw = pair.slice(eq + 1);
  try {
    return [key, JSON.parse(raw)];
  } catch {
    return [key, raw];
  }
}

/**
 * Done and total for the progress bar: products synced of the store's total from the catalog sync's
 * `progress` query, else the "done/total" its SyncProgress search attribute may carry.
 */
export function readProgress(status: { progress?: unknown; syncProgress?: unknown }): { done: number; total: number } | null {
  const p = status.progress as { totalProducts?: unknown; counts?: { productsSeen?: unknown } } | null | undefined;
  if (p && typeof p === 'object' && typeof p.totalProducts === 'number' && typeof p.counts?.productsSeen === 'number') {
    return { done: p.counts.productsSeen, total: p.totalProducts };
  }
  if (typeof status.syncProgress === 'string') {
    const m = /(\d+)\s*\/\s*(\d+)/.exec(status.syncProgress);
    if (m) return { done: Number(m[1]), total: Number(m[2]) };
  }
  return null;
}

/** One line: the phase, the bar, and the counts an operator watches. */
export function progressLine(status: { status: string; progress?: unknown; syncProgress?: unknown }): string {
  const p = status.progress as { phase?: string; page?: number; counts?: Record<string, number> } | null | undefined;
  const bar = readProgress(status);
  const phase = p?.phase ? `${p.phase}${p.phase === 'scanning' || p.phase === 'indexing' ? ` page ${p.page ?? '?'}` : ''}` : status.status.toLowerCase();
  const k = p?.counts;
  const counts = k ? ` linked ${k['linked'] ?? 0}, created ${k['created'] ?? 0}, updated ${k['updated'] ?? 0}, failed ${k['failed'] ?? 0}` : '';
  return `${phase} ${bar ? progressBar(bar.done, bar.total) : ''}${counts}`.replace(/\s+/g, ' ').trim();
}

async function commandOrders(ctx: Ctx, positionals: string[]) {
  if (positionals[1] === 'reconcile') return commandOrderReconcile(ctx, positionals);
  if (positionals[1] !== undefined) throw new UsageError(`orders takes --state, or "reconcile"; got "${positionals[1]}"`);
  const store = await resolveStore(ctx);
  const q = ctx.values.state ? `?state=${enc(ctx.values.state)}` : '';
  const r = await ctx.api.get<OrdersAnswer>(`/admin/stores/${enc(store)}/orders${q}`);
  if (ctx.values.json) return ctx.out(JSON.stringify(r, null, 2) + '\n');
  ctx.out(`${r.orders.length} order(s) in ${store} that are ${r.states.join(' or ')}\n`);
  ctx.out(
    table(r.orders, [
      { key: 'orderId', title: 'ORDER' },
      { key: 'state', title: 'STATE' },
      { key: 'missingSkus', title: 'MISSING SKUS', max: 40 },
      { key: 'updatedAt', title: 'UPDATED' },
      { key: 'reason', title: 'REASON', max: 100 },
    ]),
  );
}

async function commandOrderReconcile(ctx: Ctx, positionals: string[]) {
  const store = await resolveStore(ctx);
  const base = `/admin/stores/${enc(store)}/order-reconcile`;
  const print = (r: unknown, text: string) => ctx.out(ctx.values.json ? JSON.stringify(r, null, 2) + '\n' : text);
  const sub = positionals[2];
  if (sub === undefined || sub === 'run') {
    const r = await ctx.api.send<OrderReconcileAnswer>('POST', base);
    return print(r, `${r.started ? 'paid-order reconcile started' : r.message} for ${store}; its report: npm run ops -- orders reconcile report --store ${store}\n`);
  }
  if (sub !== 'report') throw new UsageError('orders reconcile takes nothing (run now) or "report"');
  const r = await ctx.api.get<OrderReconcileReport>(`${base}/report`);
  const { window, hooks, failures, dispatchedOrderIds, ...counts } = r.report;
  const when = `started ${r.startedAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ''}${r.nextRunAt ? `; next run ${r.nextRunAt}` : ''}`;
  print(r, `paid-order reconcile of ${store}: ${r.status} (${when})\n${describe({ window, hooks, ...counts, dispatchedOrderIds }, '  ')}`);
  if (!ctx.values.json && Array.isArray(failures) && failures.length) {
    ctx.out(
      '  failures:\n' +
        table(failures as Record<string, unknown>[], [
          { key: 'what', title: 'WHAT' },
          { key: 'error', title: 'ERROR', max: 120 },
        ]).replace(/^/gm, '    '),
    );
  }
}

async function commandDeliveries(ctx: Ctx, positionals: string[]) {
  const store = await resolveStore(ctx);
  const base = `/admin/stores/${enc(store)}/deliveries`;
  if (positionals[1] === 'requeue') {
    const ids = positionals.slice(2);
    if (ids.some((id) => !/^\d+$/.test(id))) throw new UsageError('deliveries requeue takes delivery ids (digits), or none for every dead letter');
    const r = await ctx.api.send<RequeueAnswer>('POST', `${base}/requeue`, ids.length ? { ids } : {});
    return ctx.out(
      ctx.values.json
        ? JSON.stringify(r, null, 2) + '\n'
        : `${r.requeued.length} dead-lettered deliver${r.requeued.length === 1 ? 'y' : 'ies'} of ${store} back in the queue${r.requeued.length ? `: ${r.requeued.join(', ')}` : ''}\n`,
    );
  }
  if (positionals[1] !== undefined) throw new UsageError('deliveries takes --status, or "requeue [id ...]"');
  const q = ctx.values.status ? `?status=${enc(ctx.values.status)}` : '';
  const r = await ctx.api.get<DeliveriesAnswer>(`${base}${q}`);
  if (ctx.values.json) return ctx.out(JSON.stringify(r, null, 2) + '\n');
  ctx.out(`${r.deliveries.length} deliver${r.deliveries.length === 1 ? 'y' : 'ies'} of ${store} that are ${r.statuses.join(' or ')}\n`);
  ctx.out(
    table(r.deliveries, [
      { key: 'id', title: 'ID' },
      { key: 'event', title: 'EVENT', max: 30 },
      { key: 'resourceId', title: 'RESOURCE' },
      { key: 'status', title: 'STATUS' },
      { key: 'attempts', title: 'TRIES' },
      { key: 'receivedAt', title: 'RECEIVED' },
      { key: 'lastError', title: 'WHY', max: 100 },
    ]),
  );
}

async function commandOrder(ctx: Ctx, positionals: string[]) {
  const store = await resolveStore(ctx);
  const id = orderIdArg(positionals, 'order');
  const r = await ctx.api.get<OrderAnswer>(`/admin/stores/${enc(store)}/orders/${id}`);
  if (ctx.values.json) return ctx.out(JSON.stringify(r, null, 2) + '\n');
  ctx.out(`order ${id} of ${store}\n`);
  if (r.state) {
    const { history, ...rest } = r.state;
    ctx.out(describe(rest, '  '));
    if (history.length) {
      ctx.out('  history:\n');
      ctx.out(
        table(history, [
          { key: 'at', title: 'AT' },
          { key: 'state', title: 'STATE' },
          { key: 'reason', title: 'REASON', max: 100 },
        ]).replace(/^/gm, '    '),
      );
    }
  } else ctx.out(`  (the workflow's state query did not answer: ${String(r.queryError)})\n`);
  ctx.out('workflow:\n' + describe(r.workflow ?? 'none', '  '));
  ctx.out('read model:\n' + describe(r.readModel ?? 'none', '  '));
  ctx.out('document:\n' + describe(r.document ?? 'none', '  '));
  const columns = [
    { key: 'label', title: 'LABEL' },
    { key: 'reasonCode', title: 'CODREF' },
    { key: 'state', title: 'STATE' },
    { key: 'folio', title: 'FOLIO' },
    { key: 'total', title: 'TOTAL' },
  ];
  ctx.out('credit notes:\n' + table(r.creditNotes, columns).replace(/^/gm, '  '));
  if (r.factura) ctx.out('factura replacing the boleta:\n' + describe(r.factura, '  '));
}

async function commandRetry(ctx: Ctx, positionals: string[]) {
  const store = await resolveStore(ctx);
  if (ctx.values['all-pending']) {
    const r = await ctx.api.send<RetryPendingAnswer>('POST', `/admin/stores/${enc(store)}/orders/retry-pending`);
    if (ctx.values.json) return ctx.out(JSON.stringify(r, null, 2) + '\n');
    ctx.out(`retry sent to ${r.signalled.length} pending order(s) of ${store}${r.signalled.length ? `: ${r.signalled.join(', ')}` : ''}\n`);
    for (const s of r.skipped) ctx.out(`skipped ${s.orderId}: ${s.reason}\n`);
    return;
  }
  const id = orderIdArg(positionals, 'retry');
  const r = await ctx.api.send<UpdateAnswer>('POST', `/admin/stores/${enc(store)}/orders/${id}/retry`);
  ctx.out(ctx.values.json ? JSON.stringify(r, null, 2) + '\n' : `retry: ${afterUpdate(r, id, store)}\n`);
}

function afterUpdate(r: UpdateAnswer, id: string, store: string): string {
  if (!r.state) return `accepted by order ${id} of ${store}; ${r.note ?? 'it is planning again'}`;
  return `order ${id} of ${store} is now ${r.state.state}${r.state.reason ? `: ${r.state.reason}` : ''}`;
}

async function commandResolve(ctx: Ctx, positionals: string[]) {
  const store = await resolveStore(ctx);
  const id = orderIdArg(positionals, 'resolve');
  const v = ctx.values;
  const anyReceiver = v.rut !== undefined || v['razon-social'] !== undefined || v.giro !== undefined;
  const body: Record<string, unknown> = {
    ...(anyReceiver ? { receiver: { rut: v.rut ?? '', razonSocial: v['razon-social'] ?? '', giro: v.giro ?? '' } } : {}),
    ...(v.document !== undefined ? { documentType: /^\d+$/.test(v.document) ? Number(v.document) : v.document } : {}),
    ...(v.note !== undefined ? { note: v.note } : {}),
  };
  if (!anyReceiver && v.document === undefined) throw new UsageError('resolve needs --rut, --razon-social and --giro, or --document, or both');
  const r = await ctx.api.send<UpdateAnswer>('POST', `/admin/stores/${enc(store)}/orders/${id}/resolve`, body);
  ctx.out(ctx.values.json ? JSON.stringify(r, null, 2) + '\n' : `resolve: ${afterUpdate(r, id, store)}\n`);
}

async function commandReturn(ctx: Ctx, positionals: string[]) {
  const store = await resolveStore(ctx);
  const id = orderIdArg(positionals, 'return');
  const returnId = ctx.values['return-id'];
  if (!returnId) throw new UsageError('return needs --return-id (any id of yours for this return: repeating it never credits twice)');
  const given = ctx.values.line ?? [];
  if (given.length === 0) throw new UsageError('return needs at least one --line SKU=QTY');
  const lines = given.map((l) => {
    const m = /^(.+)=(\d+)$/.exec(l.trim());
    if (!m) throw new UsageError(`--line ${l}: write it as SKU=QTY, e.g. --line POL-M=1`);
    return { sku: m[1]!.trim(), quantity: Number(m[2]) };
  });
  const r = await ctx.api.send<ReturnAnswer>('POST', `/admin/stores/${enc(store)}/orders/${id}/returns`, { returnId, lines });
  if (ctx.values.json) return ctx.out(JSON.stringify(r, null, 2) + '\n');
  if (!r.creditNote) return ctx.out(`return ${returnId} of order ${id}: ${r.note}\n`);
  const nc = r.creditNote;
  ctx.out(
    `return ${returnId} of order ${id}: credit note ${nc.label} folio ${nc.folio ?? '?'} for ${nc.total ?? '?'}` +
      (r.alreadyExisted ? ' (already issued: nothing new was made)\n' : '\n'),
  );
}

async function commandFactura(ctx: Ctx, positionals: string[]) {
  const store = await resolveStore(ctx);
  const id = orderIdArg(positionals, 'factura');
  const v = ctx.values;
  if (v.rut === undefined || v['razon-social'] === undefined || v.giro === undefined) throw new UsageError('factura needs --rut, --razon-social and --giro');
  const body = {
    receiver: { rut: v.rut, razonSocial: v['razon-social'], giro: v.giro },
    ...(v.address !== undefined ? { address: v.address } : {}),
    ...(v.commune !== undefined ? { commune: v.commune } : {}),
    ...(v.city !== undefined ? { city: v.city } : {}),
  };
  const r = await ctx.api.send<FacturaAnswer>('POST', `/admin/stores/${enc(store)}/orders/${id}/factura`, body);
  if (ctx.values.json) return ctx.out(JSON.stringify(r, null, 2) + '\n');
  if (!r.creditNote) return ctx.out(`factura for order ${id}: ${r.note}\n`);
  ctx.out(
    `order ${id}: boleta annulled by credit note ${r.creditNote.label} folio ${r.creditNote.folio ?? '?'}, factura ${r.factura.label} folio ${r.factura.folio ?? '?'} for ${r.factura.total ?? '?'}` +
      (r.alreadyExisted ? ' (already issued: nothing new was made)\n' : '\n'),
  );
}

async function commandCatalog(ctx: Ctx, positionals: string[]) {
  const store = await resolveStore(ctx);
  const base = `/admin/stores/${enc(store)}/catalog-sync`;
  const sub = positionals[1];
  const print = (r: unknown, text: string) => ctx.out(ctx.values.json ? JSON.stringify(r, null, 2) + '\n' : text);
  switch (sub) {
    case 'start': {
      const r = await ctx.api.send<CatalogSyncStartAnswer>('POST', base);
      const what = r.started ? 'catalog sync started' : 'a catalog sync is already running';
      return print(r, `${what} for ${store} (${r.workflowId}); follow it with: npm run ops -- catalog watch --store ${store}\n`);
    }
    case 'cancel': {
      const r = await ctx.api.send<CatalogSyncCancelAnswer>('POST', `${base}/cancel`);
      return print(r, `cancel sent to the catalog sync of ${store}\n`);
    }
    case 'status': {
      const r = await ctx.api.get<CatalogSyncStatus>(base);
      return print(r, `${r.workflowId}: ${r.status} ${progressLine(r)}\n${r.progress ? describe(r.progress, '  ') : ''}`);
    }
    case 'watch':
      return watchCatalog(ctx, store, base);
    case 'report': {
      const r = await ctx.api.get<CatalogSyncReport>(`${base}/report`);
      return print(
        r,
        `catalog sync ${r.workflowId}: ${r.status} (started ${r.startedAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ''})\n${describe(r.report ?? 'no report', '  ')}`,
      );
    }
    default:
      throw new UsageError('catalog needs one of: start, status, watch, cancel, report');
  }
}

/** Polls the sync's progress and redraws one line (a TTY) or prints a line per change (a pipe) until it ends. */
async function watchCatalog(ctx: Ctx, store: string, base: string) {
  const interval = Number(ctx.values.interval ?? 1000);
  if (!Number.isFinite(interval) || interval < 50) throw new UsageError('--interval is milliseconds, at least 50');
  const sleep = ctx.io.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const tty = Boolean(ctx.io.stdout.isTTY);
  let last = '';
  for (;;) {
    const r = await ctx.api.get<CatalogSyncStatus>(base);
    const p = readProgress(r);
    const line = r.status === 'RUNNING' ? progressLine(r) : `${r.status.toLowerCase()}${p ? ` ${progressBar(p.done, p.total)}` : ''}`;
    if (tty) ctx.out(`\r${line}\x1b[K`);
    else if (line !== last) ctx.out(`${line}\n`);
    last = line;
    if (r.status !== 'RUNNING') break;
    await sleep(interval);
  }
  if (tty) ctx.out('\n');
  try {
    const report = await ctx.api.get<CatalogSyncReport>(`${base}/report`);
    ctx.out(`catalog sync of ${store} ended: ${report.status}\n${describe(report.report ?? 'no report', '  ')}`);
  } catch (err) {
    if (!(err instanceof AdminApiError)) throw err;
    ctx.out(`catalog sync of ${store} ended; no report: ${err.message}\n`);
  }
}

async function commandStock(ctx: Ctx, positionals: string[]) {
  if (positionals[1] !== 'refresh') throw new UsageError('stock needs: refresh');
  const store = await resolveStore(ctx);
  const r = await ctx.api.send<StockRefreshAnswer>('POST', `/admin/stores/${enc(store)}/stock/refresh`);
  const what = 'scheduleId' in r ? r.scheduleId : r.workflowId;
  ctx.out(ctx.values.json ? JSON.stringify(r, null, 2) + '\n' : r.started ? `stock refresh started for ${store} (${what})\n` : `${r.message} (${what})\n`);
}

async function commandSettings(ctx: Ctx, positionals: string[]) {
  const store = await resolveStore(ctx);
  const pairs = positionals.slice(1);
  const path = `/admin/stores/${enc(store)}/settings`;
  const r = pairs.length ? await ctx.api.send<StoreSettingsAnswer>('PATCH', path, Object.fromEntries(pairs.map(parseSetting))) : await ctx.api.get<StoreSettingsAnswer>(path);
  ctx.out(ctx.values.json ? JSON.stringify(r, null, 2) + '\n' : `${pairs.length ? 'settings changed' : 'settings'} of ${store}:\n${describe(r.settings, '  ')}`);
}

async function commandStores(ctx: Ctx) {
  const r = await ctx.api.get<StoresAnswer>('/admin/stores');
  if (ctx.values.json) return ctx.out(JSON.stringify(r, null, 2) + '\n');
  ctx.out(
    table(r.stores, [
      { key: 'code', title: 'STORE' },
      { key: 'authKind', title: 'AUTH' },
      { key: 'status', title: 'STATUS' },
      { key: 'accessTokenExpiresAt', title: 'TOKEN EXPIRES' },
      { key: 'statusReason', title: 'REASON', max: 100 },
    ]),
  );
}

/** `install` (the steps again) and `approve` (an app install that waits, then its steps) answer alike. */
async function commandInstall(ctx: Ctx, action: 'install' | 'approve') {
  const store = await resolveStore(ctx);
  const r = await ctx.api.send<InstallAnswer>('POST', `/admin/stores/${enc(store)}/${action}`);
  if (ctx.values.json) return ctx.out(JSON.stringify(r, null, 2) + '\n');
  if (r.approved) ctx.out(`${store} approved\n`);
  if (r.state === 'running') return ctx.out(`install steps for ${store} are still running (${r.workflowId}); npm run ops -- install shows their report\n`);
  ctx.out(
    `install steps done for ${store}: ${r.hooksCreated.length} webhook(s) created${r.hooksCreated.length ? ` (${r.hooksCreated.join(', ')})` : ''}, ` +
      `${r.fieldsCreated.length} checkout field(s) created${r.fieldsCreated.length ? ` (${r.fieldsCreated.join(', ')})` : ''}, ` +
      `shipping product ${r.shippingProductCreated ? 'created' : 'already there'}\n` +
      (r.relbasePending ? `still to do: ${r.relbasePending}\n` : ''),
  );
}

async function commandRelbaseCredentials(ctx: Ctx) {
  const store = await resolveStore(ctx);
  const userToken = ctx.values['user-token'];
  const companyToken = ctx.values['company-token'];
  if (!userToken || !companyToken) throw new UsageError('relbase-credentials needs --user-token and --company-token');
  const r = await ctx.api.send<RelbaseConnectedAnswer>('PUT', `/admin/stores/${enc(store)}/relbase-credentials`, { userToken, companyToken });
  ctx.out(
    r.install
      ? `relBase connected for ${store}; the install steps finish by themselves (${r.install})\n`
      : `relBase connected for ${store}; ${r.note ?? `run the install steps: npm run ops -- install --store ${store}`}\n`,
  );
}

async function commandReactivate(ctx: Ctx) {
  const store = await resolveStore(ctx);
  const r = await ctx.api.send<ReactivateAnswer>('POST', `/admin/stores/${enc(store)}/reactivate`);
  if (ctx.values.json) return ctx.out(JSON.stringify(r, null, 2) + '\n');
  ctx.out(`${store} is active${r.reactivated ? ' again' : ' (it already was)'}; Jumpseller: ${r.jumpseller}\n`);
}

async function commandAudit(ctx: Ctx) {
  const limit = ctx.values.limit ?? '50';
  if (!/^\d+$/.test(limit)) throw new UsageError('--limit is a number of entries');
  const q = new URLSearchParams({ limit, ...(ctx.values.store ? { store: ctx.values.store } : {}), ...(ctx.values.actor ? { actor: ctx.values.actor } : {}) });
  const r = await ctx.api.get<AuditAnswer>(`/admin/audit?${q.toString()}`);
  if (ctx.values.json) return ctx.out(JSON.stringify(r, null, 2) + '\n');
  ctx.out(
    table(r.entries, [
      { key: 'at', title: 'AT' },
      { key: 'actor', title: 'WHO' },
      { key: 'action', title: 'WHAT', max: 60 },
      { key: 'store', title: 'STORE' },
      { key: 'subject', title: 'ON' },
      { key: 'outcome', title: 'OUTCOME' },
      { key: 'status', title: 'STATUS' },
    ]),
  );
}

/** Needs no service: a random token for an operator and the digest entry the service is configured with. */
function newToken(name: string | undefined, io: OpsIo): number {
  if (!name || !/^[a-z0-9][a-z0-9._-]{0,39}$/i.test(name)) {
    io.stderr.write('error: new-token needs the operator\'s name (letters, digits, ".", "_", "-"): npm run ops -- new-token alice\n');
    return 2;
  }
  const token = randomBytes(32).toString('base64url');
  io.stdout.write(
    `token for ${name} (give it to them; it is shown only now):\n  ${token}\n` +
      `add to ADMIN_TOKENS on the service (comma-separated with the others):\n  ${name}:sha256:${sha256(token).toString('hex')}\n` +
      `${name} runs the CLI with: export OPS_TOKEN=<the token>\n`,
  );
  return 0;
}

export async function runOps(argv: string[], io: OpsIo): Promise<number> {
  const out = (s: string) => void io.stdout.write(s);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (!command || values.help || command === 'help') {
    (command ? io.stdout : io.stderr).write(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'new-token') return newToken(positionals[1], io);
  let port: number;
  let token: string | undefined;
  try {
    const config = loadConfig(io.env);
    port = config.port;
    token = config.opsToken;
  } catch (err) {
    io.stderr.write(`error: ${err instanceof ConfigError ? err.message : String(err)}\n`);
    return 2;
  }
  if (!token) {
    io.stderr.write("error: set OPS_TOKEN to your operator token (or ADMIN_TOKEN to the service's own)\n");
    return 2;
  }
  const api = createAdminClient({ baseUrl: values.url ?? `http://localhost:${port}`, token, fetch: io.fetch });
  const ctx: Ctx = { api, values, out, io };
  const commands: Record<string, (c: Ctx, p: string[]) => Promise<void>> = {
    stores: commandStores,
    orders: commandOrders,
    order: commandOrder,
    retry: commandRetry,
    resolve: commandResolve,
    return: commandReturn,
    factura: commandFactura,
    catalog: commandCatalog,
    stock: commandStock,
    deliveries: commandDeliveries,
    settings: commandSettings,
    install: (ctx: Ctx) => commandInstall(ctx, 'install'),
    approve: (ctx: Ctx) => commandInstall(ctx, 'approve'),
    'relbase-credentials': commandRelbaseCredentials,
    reactivate: commandReactivate,
    audit: commandAudit,
  };
  const run = commands[command];
  if (!run) {
    io.stderr.write(`error: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    await run(ctx, positionals);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof AdminApiError) {
      io.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runOps(process.argv.slice(2), { fetch, stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error('error:', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
