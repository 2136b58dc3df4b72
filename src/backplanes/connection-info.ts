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

/**
 * What a node writes to the registry when a connection opens. `address`,
 * the client's address, is kept only to count connections per address
 * across nodes (`ConnectionRegistry.countFrom`); the registry never lists it.
 */
export type ConnectionRecord = Omit<ConnectionInfo, 'rooms'> & { readonly address?: string };

/**
 * A connection's metadata after a change, and the connection's version: the
 * registry adds 1 to it with every change to the connection's rooms or
 * metadata. Changes made on two nodes can reach the connection's owner in
 * either order; the owner keeps the one with the higher version, which is
 * the registry's latest.
 */
export interface MetadataUpdate {
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly version: number;
}

/** A connection of this node, with the highest version of it the node has seen (0 before any change), and its client's address. */
export interface LocalConnection extends ConnectionInfo {
  readonly version: number;
  readonly address?: string;
}

/** The connection as the registry lists it, without the version or the address. */
export function withoutVersion({ version: _, address: _address, ...info }: LocalConnection): ConnectionInfo {
  return info;
}

/**
 * Applies a metadata patch the way every backplane must: a shallow merge in
 * which a key set to `null` or `undefined` is removed (JSON, which crosses
 * IPC, HTTP and Redis, cannot carry `undefined`), and `__proto__`,
 * `constructor` and `prototype` are never set.
 */
export function mergeMetadata(
  metadata: Readonly<Record<string, unknown>>,
  patch: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const merged: Record<string, unknown> = { ...metadata };
  for (const [key, value] of Object.entries(patch)) {
    // RealtimeService refuses these keys; a patch from another node that still holds one must not set a prototype.
    if (!isSafeMetadataKey(key)) continue;
    if (value === undefined || value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** False for the keys no metadata object may hold (`__proto__`, `constructor`, `prototype`): every registry drops them. */
export function isSafeMetadataKey(key: string): boolean {
  return key !== '__proto__' && key !== 'constructor' && key !== 'prototype';
}
