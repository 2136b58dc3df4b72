import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';
import { SIGNATURE_BYTES, SIGNED_NODE_CODEC_VERSION } from './node-codec';

/** The shortest secret taken, in bytes: anything shorter is guessable. */
export const MIN_SECRET_BYTES = 16;

/**
 * Signs and checks messages between nodes with HMAC-SHA256 under a secret
 * every node shares. Several secrets rotate one without downtime: the first
 * signs, any of them verifies.
 */
export class NodeSigner {
  private readonly keys: readonly KeyObject[];

  constructor(secret: string | readonly string[]) {
    const secrets = typeof secret === 'string' ? [secret] : [...secret];
    if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || Buffer.byteLength(s) < MIN_SECRET_BYTES)) {
      throw new SwitchboardBootError(
        BootErrorCode.BACKPLANE_MISCONFIGURED,
        `backplane secret must be a string of at least ${MIN_SECRET_BYTES} bytes (or a list of them, the first signing); generate one with: openssl rand -base64 32`,
      );
    }
    this.keys = secrets.map((s) => createSecretKey(Buffer.from(s)));
  }

  /** True when `message` is marked signed: a node without the secret cannot check it, so it does not take it. */
  static isSigned(message: Buffer): boolean {
    return message[0] === SIGNED_NODE_CODEC_VERSION;
  }

  /** Fills the last `SIGNATURE_BYTES` of a message `encodeNodeMessage(…, true)` wrote with the signature of the rest. */
  sign(message: Buffer): void {
    const end = message.length - SIGNATURE_BYTES;
    this.mac(this.keys[0], message.subarray(0, end)).copy(message, end);
  }

  /** True when `message` is marked signed and carries the signature of its bytes under one of the secrets. */
  verify(message: Buffer): boolean {
    const end = message.length - SIGNATURE_BYTES;
    if (end <= 0 || !NodeSigner.isSigned(message)) return false;
    const body = message.subarray(0, end);
    const signature = message.subarray(end);
    return this.keys.some((key) => timingSafeEqual(this.mac(key, body), signature));
  }

  private mac(key: KeyObject, bytes: Buffer): Buffer {
    return createHmac('sha256', key).update(bytes).digest();
  }
}
