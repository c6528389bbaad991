/**
 * Histories to and from their proto JSON form (`temporal.api.history.v1.History`, as the
 * Temporal CLI and UI export them).
 *
 * `historyToJSON` / `historyFromJSON` of @temporalio/common are used when they work. They do not
 * when npm installs more than one copy of protobufjs 8 (here @whiskeysockets/baileys and
 * @grpc/proto-loader hold protobufjs 7 at the top of node_modules, so @temporalio/common,
 * /proto and /worker each nest their own 8.x): protojson then refuses @temporalio/proto's
 * message types as "type must be a Type", being another copy's `Type`. The same conversion with
 * the protojson of the protobufjs copy @temporalio/proto itself uses gives the same JSON (it reads
 * canonical proto JSON only, which is what `historyToJSON` writes; the SDK's reader also accepts
 * older tctl exports).
 */
import { createRequire } from 'node:module';
import * as sdk from '@temporalio/common/lib/proto-utils';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History;
}

const HistoryType = temporal.api.history.v1.History;

function protoJsonOfTemporalProto(): ProtoJson {
  // Resolved from @temporalio/proto's own location: whichever copy of protobufjs it loads.
  return createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
}

function sdkWorks(): boolean {
  try {
    sdk.historyToJSON({ events: [] });
    return true;
  } catch (err) {
    if (err instanceof TypeError && /must be a Type/.test(err.message)) return false;
    throw err;
  }
}

const own = sdkWorks() ? undefined : protoJsonOfTemporalProto();

/** The proto JSON text of `history`, indented like the SDK's `historyToJSON`. */
export function historyToJSON(history: History): string {
  if (!own) return sdk.historyToJSON(history);
  return JSON.stringify(own.toJson(HistoryType, HistoryType.fromObject(history)), null, 2);
}

/** The history a proto JSON value (parsed) describes, ready for `Worker.runReplayHistories`. */
export function historyFromJSON(json: unknown): History {
  if (!own) return sdk.historyFromJSON(json);
  return own.fromJson(HistoryType, json, { ignoreUnknownFields: true });
}
