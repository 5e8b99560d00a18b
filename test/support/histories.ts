/**
 * Loading a history recorded with `temporal workflow show -o json` for replay tests.
 *
 * `historyFromJSON` from @temporalio/common cannot be used here: npm installed two copies of
 * protobufjs 8.8.1 (one under @temporalio/common, one under @temporalio/proto), and the common
 * one's JSON reader refuses the proto package's History type ("type must be a Type"). The history is
 * read with the JSON reader of the copy the History type comes from instead.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { temporal } from '@temporalio/proto';

const fromProto = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
const { fromJson, toJsonString } = fromProto('protobufjs/ext/protojson') as {
  fromJson: (type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }) => unknown;
  toJsonString: (type: unknown, message: unknown) => string;
};
const proto = fromProto('@temporalio/proto') as { temporal: typeof temporal };

export function loadHistory(path: string | URL): temporal.api.history.v1.IHistory {
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  return fromJson(proto.temporal.api.history.v1.History, json, { ignoreUnknownFields: true }) as temporal.api.history.v1.IHistory;
}

/** A history as `temporal workflow show -o json` writes it (to record a fixture from a test run). */
export function historyJson(history: temporal.api.history.v1.IHistory): string {
  return toJsonString(proto.temporal.api.history.v1.History, proto.temporal.api.history.v1.History.create(history));
}
