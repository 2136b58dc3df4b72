// The checks on every IPC message between a cluster's primary and its workers
// (cluster-ipc-message.ts): what is well formed passes as it is; anything
// malformed is undefined, never an exception, so a bad message from a broken
// worker (or the application's own IPC) is dropped and counted.
import { decodePrimaryMessage, decodeWorkerMessage } from '../../src/backplanes/cluster-ipc-message';

const tag = { switchboard: 1 } as const;
const record = { id: 'n1.1', serverInstanceId: 'n1', connectTime: '', route: '/ws', metadata: {} };

describe('decodeWorkerMessage', () => {
  it.each([
    ['a publish', { ...tag, type: 'publish', payload: 'x' }],
    ['a publish to one node', { ...tag, type: 'publish', payload: 'x', to: 'n2' }],
    ['hello', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'hello' } }],
    ['getConnections', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'getConnections' } }],
    ['addConnection', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'addConnection', record } }],
    [
      'addConnection with an address',
      { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'addConnection', record: { ...record, address: '10.0.0.1' } } },
    ],
    ['removeConnection', { ...tag, type: 'call', node: 'n1', seq: 2, call: { op: 'removeConnection', id: 'n1.1' } }],
    ['getConnection', { ...tag, type: 'call', node: 'n1', seq: 2, call: { op: 'getConnection', id: 'n1.1' } }],
    ['addToRoom', { ...tag, type: 'call', node: 'n1', seq: 3, call: { op: 'addToRoom', id: 'n1.1', room: 'r' } }],
    ['removeFromRoom', { ...tag, type: 'call', node: 'n1', seq: 3, call: { op: 'removeFromRoom', id: 'n1.1', room: 'r' } }],
    ['getRoomMembers', { ...tag, type: 'call', node: 'n1', seq: 4, call: { op: 'getRoomMembers', room: 'r' } }],
    ['countFrom', { ...tag, type: 'call', node: 'n1', seq: 4, call: { op: 'countFrom', route: '/ws', address: '10.0.0.1' } }],
    ['updateMetadata', { ...tag, type: 'call', node: 'n1', seq: 5, call: { op: 'updateMetadata', id: 'n1.1', patch: { a: 1 } } }],
  ])('passes %s as it is', (_what, message) => {
    expect(decodeWorkerMessage(message)).toBe(message);
  });

  it.each([
    ['no tag', { type: 'publish', payload: 'x' }],
    ['another tag value', { switchboard: 2, type: 'publish', payload: 'x' }],
    ['not an object', 'publish'],
    ['null', null],
    ['an array', [tag]],
    ['an unknown type', { ...tag, type: 'shout' }],
    ['a publish without a string payload', { ...tag, type: 'publish', payload: 1 }],
    ['a publish to a node that is not a string', { ...tag, type: 'publish', payload: 'x', to: 2 }],
    ['a call without a node', { ...tag, type: 'call', seq: 1, call: { op: 'hello' } }],
    ['a call with a node that is not a string', { ...tag, type: 'call', node: 1, seq: 1, call: { op: 'hello' } }],
    ['a call without a number seq', { ...tag, type: 'call', node: 'n1', seq: '1', call: { op: 'hello' } }],
    ['a call that is not an object', { ...tag, type: 'call', node: 'n1', seq: 1, call: 'hello' }],
    ['a call that is an array', { ...tag, type: 'call', node: 'n1', seq: 1, call: ['hello'] }],
    ['an unknown op', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'dropAll' } }],
    ['addConnection without a record', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'addConnection' } }],
    ['addConnection with a record that is null', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'addConnection', record: null } }],
    [
      'addConnection with an id that is not a string',
      { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'addConnection', record: { ...record, id: 1 } } },
    ],
    [
      'addConnection without its node',
      { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'addConnection', record: { ...record, serverInstanceId: undefined } } },
    ],
    [
      'addConnection without a route',
      { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'addConnection', record: { ...record, route: 7 } } },
    ],
    [
      'addConnection with an address that is not a string',
      { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'addConnection', record: { ...record, address: 7 } } },
    ],
    [
      'addConnection with metadata that is an array',
      { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'addConnection', record: { ...record, metadata: [] } } },
    ],
    ['removeConnection without an id', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'removeConnection' } }],
    ['getConnection with a number id', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'getConnection', id: 1 } }],
    ['addToRoom without a room', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'addToRoom', id: 'n1.1' } }],
    ['removeFromRoom without an id', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'removeFromRoom', room: 'r' } }],
    ['getRoomMembers without a room', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'getRoomMembers' } }],
    ['countFrom without an address', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'countFrom', route: '/ws' } }],
    ['countFrom without a route', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'countFrom', address: '10.0.0.1' } }],
    [
      'updateMetadata with a patch that is not an object',
      { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'updateMetadata', id: 'n1.1', patch: 'a' } },
    ],
    ['updateMetadata without an id', { ...tag, type: 'call', node: 'n1', seq: 1, call: { op: 'updateMetadata', patch: {} } }],
  ])('refuses %s', (_what, message) => {
    expect(decodeWorkerMessage(message)).toBeUndefined();
  });
});

describe('decodePrimaryMessage', () => {
  it.each([
    ['a relayed message', { ...tag, type: 'message', payload: 'x' }],
    ['a relayed message for one node', { ...tag, type: 'message', payload: 'x', to: 'n1' }],
    ['a result', { ...tag, type: 'result', seq: 1, value: null }],
    ['an error', { ...tag, type: 'error', seq: 1, error: 'boom' }],
    ['drain', { ...tag, type: 'drain' }],
  ])('passes %s as it is', (_what, message) => {
    expect(decodePrimaryMessage(message)).toBe(message);
  });

  it.each([
    ['no tag', { type: 'drain' }],
    ['an unknown type', { ...tag, type: 'reboot' }],
    ['a message without a string payload', { ...tag, type: 'message', payload: {} }],
    ['a message for a node that is not a string', { ...tag, type: 'message', payload: 'x', to: 1 }],
    ['a result without a number seq', { ...tag, type: 'result', seq: '1', value: 1 }],
    ['an error without a number seq', { ...tag, type: 'error', error: 'boom' }],
    ['an error without a string error', { ...tag, type: 'error', seq: 1, error: { message: 'boom' } }],
  ])('refuses %s', (_what, message) => {
    expect(decodePrimaryMessage(message)).toBeUndefined();
  });
});
