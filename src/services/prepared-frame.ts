import { WebSocket } from 'ws';

/** How ws frames a message, as a server sends it: final, unmasked, uncompressed. */
interface FrameOptions {
  readonly fin: true;
  readonly opcode: 1 | 2;
  readonly mask: false;
  readonly readOnly: false;
  readonly rsv1: false;
}
const TEXT_FRAME: FrameOptions = { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false };
const BINARY_FRAME: FrameOptions = { fin: true, opcode: 2, mask: false, readOnly: false, rsv1: false };

// ws exports its Sender; @types/ws leaves out the static `frame()` it builds frames with.
const { Sender } = WebSocket as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

/**
 * A message framed once, however many connections it goes to. `ws.send()`
 * would build the same frame header for each receiver and write header and
 * payload as two chunks; a broadcast builds one buffer here and writes it
 * to every socket.
 */
export class PreparedFrame {
  private framed?: Buffer;

  constructor(
    /** The encoded message: JSON text or binary bytes. */
    readonly bytes: Buffer,
    readonly binary: boolean,
  ) {}

  /** Header and payload in one buffer; built on first use. */
  get wire(): Buffer {
    return (this.framed ??= Buffer.concat(Sender.frame(this.bytes, this.binary ? BINARY_FRAME : TEXT_FRAME)));
  }
}
