import type { ConnectionInfo, ConnectionRecord, MetadataUpdate } from './connection-info';

/**
 * Every IPC message Switchboard sends between a cluster's primary and its
 * workers carries this tag, so it never mixes with the application's own IPC:
 * messages without it are left alone, and the application can ignore ours.
 */
export const IPC_TAG = 'switchboard';

/** A registry operation a worker asks the primary to run, with its arguments. */
export type RegistryCall =
  /** A backplane's first call, which tells the primary its node id. */
  | { readonly op: 'hello' }
  | { readonly op: 'addConnection'; readonly record: ConnectionRecord }
  | { readonly op: 'removeConnection'; readonly id: string }
  | { readonly op: 'addToRoom'; readonly id: string; readonly room: string }
  | { readonly op: 'removeFromRoom'; readonly id: string; readonly room: string }
  | { readonly op: 'getConnection'; readonly id: string }
  | { readonly op: 'getConnections' }
  | { readonly op: 'getRoomMembers'; readonly room: string }
  | { readonly op: 'countFrom'; readonly route: string; readonly address: string }
  | { readonly op: 'updateMetadata'; readonly id: string; readonly patch: Readonly<Record<string, unknown>> }
  /** A history room's position and, with `after`, the publications kept after that offset. */
  | { readonly op: 'readHistory'; readonly room: string; readonly after?: number; readonly size: number; readonly ttl: number };

/** A room's history as the primary answers `readHistory`: payloads as latin1 strings, like publishes. */
export interface IpcHistoryRead {
  readonly epoch: string;
  readonly offset: number;
  readonly publications: readonly (readonly [offset: number, payload: string])[];
}

/** What each registry operation answers. */
export interface RegistryResults {
  hello: null;
  addConnection: null;
  removeConnection: null;
  addToRoom: number;
  removeFromRoom: number;
  getConnection: ConnectionInfo | null;
  getConnections: ConnectionInfo[];
  getRoomMembers: string[];
  countFrom: number;
  updateMetadata: MetadataUpdate | null;
  readHistory: IpcHistoryRead;
}

/**
 * Worker → primary. A publish is an encoded message (`node-codec.ts`), which
 * names its sender itself; a registry call names the calling node, which
 * the primary records for routing and for clearing a dead worker's entries.
 * The encoded message travels as a latin1 string (one character per byte):
 * Node's JSON serialisation carries that at half the cost per message of
 * advanced serialisation carrying the Buffer (measured on Node 20: 9–10 µs
 * against 17–27 µs for a 120-byte frame), and base64 would add a third.
 */
export type WorkerIpcMessage =
  | { readonly [IPC_TAG]: 1; readonly type: 'publish'; readonly payload: string; readonly to?: string }
  | { readonly [IPC_TAG]: 1; readonly type: 'call'; readonly node: string; readonly seq: number; readonly call: RegistryCall }
  /** A publication to a history room, for the primary to number, keep within `size` and `ttl`, and send to every worker. */
  | {
      readonly [IPC_TAG]: 1;
      readonly type: 'append';
      readonly room: string;
      readonly payload: string;
      readonly size: number;
      readonly ttl: number;
    };

/** Primary → worker. */
export type PrimaryIpcMessage =
  /** A relayed publish; `to` names the one node it is for, when it is for one. */
  | { readonly [IPC_TAG]: 1; readonly type: 'message'; readonly payload: string; readonly to?: string }
  | { readonly [IPC_TAG]: 1; readonly type: 'result'; readonly seq: number; readonly value: unknown }
  | { readonly [IPC_TAG]: 1; readonly type: 'error'; readonly seq: number; readonly error: string }
  /** A publication to a history room, numbered by the primary; every worker gets it, its publisher's included. */
  | { readonly [IPC_TAG]: 1; readonly type: 'numbered'; readonly payload: string; readonly epoch: string; readonly offset: number }
  /** The cluster runner asks the worker to drain and exit. */
  | { readonly [IPC_TAG]: 1; readonly type: 'drain' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isOptionalString = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isLimit = (v: unknown): v is number => isCount(v) && v > 0;

/** True for anything that carries Switchboard's tag; everything else is the application's. */
export function isSwitchboardIpc(value: unknown): value is { readonly [IPC_TAG]: 1; readonly type: unknown } {
  return isObject(value) && value[IPC_TAG] === 1;
}

function isCall(v: unknown): v is RegistryCall {
  if (!isObject(v)) return false;
  switch (v.op) {
    case 'hello':
    case 'getConnections':
      return true;
    case 'addConnection':
      return (
        isObject(v.record) &&
        isString(v.record.id) &&
        isString(v.record.serverInstanceId) &&
        isString(v.record.route) &&
        isOptionalString(v.record.address) &&
        isObject(v.record.metadata)
      );
    case 'removeConnection':
    case 'getConnection':
      return isString(v.id);
    case 'addToRoom':
    case 'removeFromRoom':
      return isString(v.id) && isString(v.room);
    case 'getRoomMembers':
      return isString(v.room);
    case 'countFrom':
      return isString(v.route) && isString(v.address);
    case 'updateMetadata':
      return isString(v.id) && isObject(v.patch);
    case 'readHistory':
      return isString(v.room) && (v.after === undefined || isCount(v.after)) && isLimit(v.size) && isLimit(v.ttl);
    default:
      return false;
  }
}

/** Checks a message a worker sent; undefined for anything malformed. */
export function decodeWorkerMessage(value: unknown): WorkerIpcMessage | undefined {
  if (!isSwitchboardIpc(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v.type === 'publish' && typeof v.payload === 'string' && isOptionalString(v.to)) return v as WorkerIpcMessage;
  if (v.type === 'call' && isString(v.node) && typeof v.seq === 'number' && isCall(v.call)) return v as WorkerIpcMessage;
  if (v.type === 'append' && isString(v.room) && isString(v.payload) && isLimit(v.size) && isLimit(v.ttl)) return v as WorkerIpcMessage;
  return undefined;
}

/** Checks a message the primary sent; undefined for anything malformed. */
export function decodePrimaryMessage(value: unknown): PrimaryIpcMessage | undefined {
  if (!isSwitchboardIpc(value)) return undefined;
  const v = value as Record<string, unknown>;
  switch (v.type) {
    case 'message':
      return typeof v.payload === 'string' && isOptionalString(v.to) ? (v as PrimaryIpcMessage) : undefined;
    case 'result':
      return typeof v.seq === 'number' ? (v as PrimaryIpcMessage) : undefined;
    case 'error':
      return typeof v.seq === 'number' && isString(v.error) ? (v as PrimaryIpcMessage) : undefined;
    case 'numbered':
      return isString(v.payload) && isString(v.epoch) && isCount(v.offset) ? (v as PrimaryIpcMessage) : undefined;
    case 'drain':
      return v as PrimaryIpcMessage;
    default:
      return undefined;
  }
}

/**
 * The callback of every Switchboard `send()` on an IPC channel: without one,
 * a channel that closes under a send raises an 'error' event. A message lost
 * that way is handled where the close is: the worker fails its pending calls
 * (`disconnect`), the primary forgets the worker (`exit`).
 */
export function ignoreClosedChannel(): void {}
