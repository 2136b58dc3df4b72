/**
 * The message every server broadcasts: JSON text of about 100 bytes,
 * `{"s":<seq>,"t":<send time µs>,"p":"xxx…"}`. Servers re-serialise it inside
 * their own envelopes, but keep it an object whose first keys are `s` and `t`,
 * so a receiver finds a delivery by searching for `{"s":` in the raw bytes,
 * whatever the protocol, without parsing the whole frame.
 */

/** Bytes that start every payload. */
export const PAYLOAD_MARK = Buffer.from('{"s":');

const TARGET_BYTES = 100;

/** Microseconds on a clock shared by every thread of the generator process. */
export function nowUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

/** The payload for message `seq`, stamped now: `bytes` long (100 by default), or as short as it can be. */
export function makePayload(seq: number, sentUs: number = nowUs(), bytes: number = TARGET_BYTES): string {
  const head = `{"s":${seq},"t":${Math.round(sentUs)},"p":"`;
  return `${head}${'x'.repeat(Math.max(0, bytes - head.length - 2))}"}`;
}

/** What a receiver reads out of a delivered frame. */
export interface Delivery {
  seq: number;
  sentUs: number;
}

/**
 * Finds a payload in `data` and fills `out`; false when the frame carries
 * none (a ping, an ack). Reads digits straight from the bytes: the generator
 * competes with the server for the same two cores, so it does as little as it can.
 */
export function readDelivery(data: Buffer, out: Delivery): boolean {
  const at = data.indexOf(PAYLOAD_MARK);
  if (at < 0) return false;
  let i = at + PAYLOAD_MARK.length;
  let seq = 0;
  for (let c = data[i]; c >= 0x30 && c <= 0x39; c = data[++i]) seq = seq * 10 + (c - 0x30);
  // skip `,"t":`
  i += 5;
  let sent = 0;
  for (let c = data[i]; c >= 0x30 && c <= 0x39; c = data[++i]) sent = sent * 10 + (c - 0x30);
  out.seq = seq;
  out.sentUs = sent;
  return true;
}
