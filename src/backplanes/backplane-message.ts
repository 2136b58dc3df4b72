/** Who a delivery is for. Each node delivers to the matching connections it holds. */
export type DeliveryTarget =
  | { readonly type: 'all' }
  | { readonly type: 'route'; readonly route: string }
  | { readonly type: 'room'; readonly room: string }
  | { readonly type: 'connection'; readonly id: string };

/** What nodes tell each other. Frames travel already serialised, so no node encodes twice. */
export type BackplaneMessage =
  | {
      readonly type: 'deliver';
      readonly target: DeliveryTarget;
      /** A connection id that must not receive it (except-sender). */
      readonly except?: string;
      /** The frame: JSON text, or base64 bytes when `binary`. */
      readonly frame: string;
      readonly binary?: boolean;
    }
  /** `version`: the connection's version after the change (see `Backplane.updateMetadata`). */
  | { readonly type: 'join' | 'leave'; readonly id: string; readonly room: string; readonly version: number }
  | { readonly type: 'metadata'; readonly id: string; readonly metadata: Readonly<Record<string, unknown>>; readonly version: number }
  | { readonly type: 'disconnect'; readonly id: string; readonly code: number; readonly reason: string };

/** A message with the id of the node that sent it; a node ignores its own. */
export interface BackplaneEnvelope {
  readonly v: 1;
  readonly node: string;
  readonly msg: BackplaneMessage;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isTarget(v: unknown): v is DeliveryTarget {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'all':
      return true;
    case 'route':
      return isString(v.route);
    case 'room':
      return isString(v.room);
    case 'connection':
      return isString(v.id);
    default:
      return false;
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A frame clients may be sent: base64 bytes, or a JSON object with a string `event`, as the wire protocol says. */
function isFrame(frame: string, binary: boolean): boolean {
  if (binary) return BASE64.test(frame);
  try {
    const parsed: unknown = JSON.parse(frame);
    return isObject(parsed) && isString(parsed.event);
  } catch {
    return false;
  }
}

/** A close code a server may send (RFC 6455 section 7.4): ws refuses any other, by throwing. */
function isCloseCode(v: unknown): v is number {
  if (typeof v !== 'number' || !Number.isInteger(v)) return false;
  return (v >= 1000 && v <= 1014 && v !== 1004 && v !== 1005 && v !== 1006) || (v >= 3000 && v <= 4999);
}

function isMessage(v: unknown): v is BackplaneMessage {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'deliver':
      return (
        isTarget(v.target) &&
        isString(v.frame) &&
        (v.except === undefined || isString(v.except)) &&
        (v.binary === undefined || typeof v.binary === 'boolean') &&
        isFrame(v.frame, v.binary === true)
      );
    case 'join':
    case 'leave':
      return isString(v.id) && isString(v.room) && isVersion(v.version);
    case 'metadata':
      return isString(v.id) && isObject(v.metadata) && isVersion(v.version);
    case 'disconnect':
      return isString(v.id) && isCloseCode(v.code) && isString(v.reason) && Buffer.byteLength(v.reason) <= 123;
    default:
      return false;
  }
}

/** Serialises an envelope for the wire of a backplane. */
export function encodeEnvelope(envelope: BackplaneEnvelope): string {
  return JSON.stringify(envelope);
}

/**
 * Parses what arrived on a backplane channel. Returns undefined for anything
 * that is not a well-formed envelope of this version: garbage and forged
 * frames are dropped, never delivered as they came.
 */
export function decodeEnvelope(raw: unknown): BackplaneEnvelope | undefined {
  let value: unknown = raw;
  if (typeof raw === 'string' || Buffer.isBuffer(raw)) {
    try {
      value = JSON.parse(raw.toString());
    } catch {
      return undefined;
    }
  }
  if (!isObject(value) || value.v !== 1 || !isString(value.node) || !isMessage(value.msg)) return undefined;
  return value as unknown as BackplaneEnvelope;
}

function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}
