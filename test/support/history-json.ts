/**
 * Reads a workflow history saved as JSON by the Temporal CLI (`temporal workflow show -o json`) into
 * the History message `Worker.runReplayHistory` takes.
 *
 * Why not the SDK's own `historyFromJSON`: in this install `@temporalio/common` and `@temporalio/proto`
 * each carry their own copy of protobufjs 8 (the top level holds 7 for other packages), and protobufjs
 * checks `instanceof Type` against its own copy, so the SDK's function throws "type must be a Type".
 * Parsing with the copy that built the History type avoids it. The CLI already writes enum values in
 * the form protobufjs expects, so none of the SDK's renaming is needed.
 */
import { createRequire } from 'node:module';
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

const require = createRequire(import.meta.url);
const requireFromProto = createRequire(require.resolve('@temporalio/proto'));
const { fromJson } = requireFromProto('protobufjs/ext/protojson') as { fromJson: (type: unknown, json: unknown, options: object) => unknown };
const { patchProtobufRoot } = require('@temporalio/proto/lib/patch-protobuf-root') as { patchProtobufRoot: (root: unknown) => { lookupType(name: string): unknown } };
const historyType = patchProtobufRoot(require('@temporalio/proto')).lookupType('temporal.api.history.v1.History');

export function historyFromCliJson(json: unknown): History {
  return fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}
