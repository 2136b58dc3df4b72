import type { ConnectionInfo, MetadataUpdate } from '../backplanes/connection-info';
import type { PreparedFrame } from './prepared-frame';
import type { WsConnection } from './ws-connection';

/** The room limits of a connection's route. */
export interface RoomLimits {
  readonly maxRoomNameLength: number;
  readonly maxRoomsPerConnection: number;
}

/**
 * A connection as delivery sees it: the public `WsConnection` plus what the
 * local hub, membership and handler replies need. The gateway's
 * `ClientConnection` implements it; nothing in services knows the server
 * that accepted the socket.
 */
export interface HubConnection extends WsConnection {
  /** Its route's room limits: server-side joins keep to them as client joins do. */
  readonly limits: RoomLimits;
  /** The rooms this node has the connection in; the hub keeps it in step with its room index. */
  readonly rooms: Set<string>;
  /** Writes an encoded frame; false when the socket is not open or the slow-client policy refused it. */
  write(bytes: Buffer, binary: boolean): boolean;
  /** Writes a frame prepared once for many receivers; allocates nothing and never throws. */
  writeFrame(frame: PreparedFrame): boolean;
  /**
   * Whether a join or leave of `room` that the registry counted as `version`
   * is newer than the last one applied here (and records it when it is).
   * Version 0 (uncounted) is never newer.
   */
  acceptRoomChange(room: string, version: number): boolean;
  /** Takes a metadata update unless a newer one is already here. */
  updateMetadata(update: MetadataUpdate): void;
  /** The highest version of this connection seen here: what a backplane writes back after losing its state. */
  readonly version: number;
  /** This connection as the registry lists it. */
  describe(serverInstanceId: string): ConnectionInfo;
}
