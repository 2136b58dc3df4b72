// Messages in node-codec's format written byte by byte, any field forged: what
// a well-behaved node never sends, for the specs that check it is dropped.
// Written apart from the encoder on purpose, from the layout in node-codec.ts.

/** Kind bytes. */
export const KIND = { deliver: 1, join: 2, leave: 3, metadata: 4, disconnect: 5 } as const;
/** Target bytes of a delivery. */
export const TARGET = { all: 0, route: 1, room: 2, connection: 3 } as const;

/** A string as the format writes one: a u32 length (the true one unless given), then its bytes. */
export function lengthPrefixed(value: string | Buffer, length = Buffer.byteLength(value)): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(length);
  return Buffer.concat([prefix, Buffer.from(value)]);
}

export interface HeaderFields {
  readonly version?: number;
  readonly kind?: number;
  readonly node?: string | Buffer;
  /** The node id length byte, when it should lie. */
  readonly nodeLength?: number;
  readonly seq?: number;
  /** The high half of the sequence number, when it should be out of range. */
  readonly seqHigh?: number;
}

/** Version, kind, node id and sequence number: by default a delivery from `mallory`, number 1. */
export function header(fields: HeaderFields = {}): Buffer {
  const node = Buffer.from(fields.node ?? 'mallory');
  const seq = fields.seq ?? 1;
  const out = Buffer.alloc(11 + node.length);
  out[0] = fields.version ?? 1;
  out[1] = fields.kind ?? KIND.deliver;
  out[2] = fields.nodeLength ?? node.length;
  node.copy(out, 3);
  out.writeUInt32BE(fields.seqHigh ?? Math.floor(seq / 2 ** 32), 3 + node.length);
  out.writeUInt32BE(seq % 2 ** 32, 7 + node.length);
  return out;
}

export interface DeliveryFields {
  /** The flags byte, when it should lie; otherwise derived from `binary` and `except`. */
  readonly flags?: number;
  readonly binary?: boolean;
  readonly target?: number;
  /** The route, room or connection id, already length-prefixed (or not). */
  readonly key?: Buffer;
  readonly except?: Buffer;
  readonly frame?: string | Buffer;
}

/** A delivery's body: by default `{"event":"pwned"}` to everyone. */
export function deliveryBody(fields: DeliveryFields = {}): Buffer {
  const flags = fields.flags ?? (fields.binary ? 1 : 0) | (fields.except ? 2 : 0);
  return Buffer.concat([
    Buffer.from([flags, fields.target ?? TARGET.all]),
    fields.key ?? Buffer.alloc(0),
    fields.except ?? Buffer.alloc(0),
    Buffer.from(fields.frame ?? '{"event":"pwned"}'),
  ]);
}

/** A whole delivery: header (any field forged) and body. */
export const delivery = (body: DeliveryFields = {}, head: HeaderFields = {}): Buffer => Buffer.concat([header(head), deliveryBody(body)]);

/** A room change, metadata change or disconnect: header and a JSON body (a string or Buffer is written as it is). */
export function change(kind: Exclude<keyof typeof KIND, 'deliver'>, body: unknown, head: HeaderFields = {}): Buffer {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return Buffer.concat([header({ ...head, kind: KIND[kind] }), Buffer.from(raw)]);
}
