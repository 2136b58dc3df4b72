import { MemoryBackplane, MemoryBus } from '../../src';
import {
  NODE_CODEC_VERSION,
  SIGNATURE_BYTES,
  SIGNED_NODE_CODEC_VERSION,
  decodeNodeMessage,
  encodeNodeMessage,
} from '../../src/backplanes/node-codec';
import { MIN_SECRET_BYTES, NodeSigner } from '../../src/backplanes/node-signer';

const A = 'secret A, sixteen bytes or more';
const B = 'secret B, sixteen bytes or more';
const envelope = {
  node: 'n1',
  seq: 42,
  msg: { type: 'deliver' as const, target: { type: 'room' as const, room: 'lobby' }, frame: Buffer.from('{"event":"hi"}'), binary: false },
};
const signedBy = (signer: NodeSigner): Buffer => {
  const message = encodeNodeMessage(envelope, true);
  signer.sign(message);
  return message;
};

describe('NodeSigner', () => {
  it('signs a message marked signed, which decodes as the same envelope without its signature', () => {
    const message = signedBy(new NodeSigner(A));
    expect(message[0]).toBe(SIGNED_NODE_CODEC_VERSION);
    expect(message.length).toBe(encodeNodeMessage(envelope).length + SIGNATURE_BYTES);
    expect(new NodeSigner(A).verify(message)).toBe(true);
    expect(decodeNodeMessage(message)).toEqual(envelope);
    expect(NodeSigner.isSigned(message)).toBe(true);
    expect(NodeSigner.isSigned(encodeNodeMessage(envelope))).toBe(false);
  });

  it('refuses a message with any one byte changed, signed under another secret, unsigned or cut short', () => {
    const signer = new NodeSigner(A);
    const message = signedBy(signer);
    for (let i = 1; i < message.length; i++) {
      const changed = Buffer.from(message);
      changed[i] ^= 1;
      expect(signer.verify(changed)).toBe(false);
    }
    expect(signer.verify(signedBy(new NodeSigner(B)))).toBe(false);
    const unsigned = Buffer.from(message);
    unsigned[0] = NODE_CODEC_VERSION;
    expect(signer.verify(unsigned)).toBe(false);
    expect(signer.verify(message.subarray(0, SIGNATURE_BYTES))).toBe(false);
    expect(signer.verify(message.subarray(message.length - SIGNATURE_BYTES - 1))).toBe(false);
  });

  it('signs with the first secret of a list and verifies with any of them', () => {
    const rotating = new NodeSigner([B, A]);
    expect(new NodeSigner(B).verify(signedBy(rotating))).toBe(true);
    expect(new NodeSigner(A).verify(signedBy(rotating))).toBe(false);
    expect(rotating.verify(signedBy(new NodeSigner(A)))).toBe(true);
    expect(rotating.verify(signedBy(new NodeSigner(B)))).toBe(true);
  });

  it(`takes secrets of ${MIN_SECRET_BYTES} bytes or more, and nothing else`, () => {
    expect(() => new NodeSigner('x'.repeat(MIN_SECRET_BYTES))).not.toThrow();
    // 15 characters, but 16 bytes of UTF-8: bytes are what counts.
    expect(() => new NodeSigner('é' + 'x'.repeat(MIN_SECRET_BYTES - 2))).not.toThrow();
    const refused = /^SB_BACKPLANE_MISCONFIGURED: backplane secret must be a string of at least 16 bytes/;
    expect(() => new NodeSigner('x'.repeat(MIN_SECRET_BYTES - 1))).toThrow(refused);
    expect(() => new NodeSigner([])).toThrow(refused);
    expect(() => new NodeSigner([A, 'short'])).toThrow(refused);
    expect(() => new NodeSigner([A, 7 as unknown as string])).toThrow(refused);
  });
});

describe('backplanes with a secret (memory bus)', () => {
  const leave = { type: 'leave' as const, id: 'x.1', room: 'r', version: 2 };

  it('deliver between nodes sharing the secret; a node without it, or with another, neither hears them nor is heard', async () => {
    const bus = new MemoryBus();
    const nodes = {
      a: new MemoryBackplane({ bus, nodeId: 'a', secret: A }),
      b: new MemoryBackplane({ bus, nodeId: 'b', secret: [B, A] }),
      open: new MemoryBackplane({ bus, nodeId: 'open' }),
      other: new MemoryBackplane({ bus, nodeId: 'other', secret: B }),
    };
    const heard: Record<string, string[]> = { a: [], b: [], open: [], other: [] };
    for (const [name, node] of Object.entries(nodes)) await node.start((_msg, from) => heard[name].push(from));
    try {
      for (const node of Object.values(nodes)) node.send(leave);
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      // a signs with A, which b checks; b signs with B, which a does not know and other does.
      expect(heard).toEqual({ a: [], b: ['a', 'other'], open: [], other: ['b'] });
      expect(Object.fromEntries(Object.entries(nodes).map(([name, node]) => [name, [node.status().signed, node.status().forged]]))).toEqual(
        {
          a: [true, 3],
          b: [true, 1],
          open: [false, 3],
          other: [true, 2],
        },
      );
    } finally {
      for (const node of Object.values(nodes)) await node.stop();
    }
  });
});
