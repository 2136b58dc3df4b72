/** A connection as the cluster-wide registry knows it. */
export interface ConnectionInfo {
  readonly id: string;
  /** The node (process) that holds the socket. */
  readonly serverInstanceId: string;
  /** When the connection opened, as an ISO 8601 string. */
  readonly connectTime: string;
  /** The gateway route it connected to (the pattern, e.g. `/ws/chat/:roomId`). */
  readonly route: string;
  readonly rooms: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** What a node writes to the registry when a connection opens. */
export type ConnectionRecord = Omit<ConnectionInfo, 'rooms'>;
