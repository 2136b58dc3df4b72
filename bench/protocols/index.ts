import { nestWsProtocol } from './nest-ws.protocol';
import type { BenchProtocol, ProtocolId } from './protocol';
import { rawWsProtocol } from './raw-ws.protocol';
import { socketIoProtocol } from './socketio.protocol';
import { switchboardProtocol } from './switchboard.protocol';

export type { BenchProtocol, ProtocolId } from './protocol';

const PROTOCOLS: Record<ProtocolId, BenchProtocol> = {
  'raw-ws': rawWsProtocol,
  socketio: socketIoProtocol,
  'nest-ws': nestWsProtocol,
  switchboard: switchboardProtocol,
};

/** The protocol module of a server kind. */
export function protocolOf(id: ProtocolId): BenchProtocol {
  return PROTOCOLS[id];
}
