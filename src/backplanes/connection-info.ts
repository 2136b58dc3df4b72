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

/**
 * A connection's metadata after a change, and how many changes the registry
 * has made to it. Changes made on two nodes can reach the connection's owner
 * in either order; the owner keeps the one with the higher version, which is
 * the registry's latest.
 */
export interface MetadataUpdate {
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly version: number;
}

/** A connection of this node, with the version of its metadata (0 until the first change). */
export interface LocalConnection extends ConnectionInfo {
  readonly metadataVersion: number;
}

/** The connection as the registry lists it, without the version. */
export function withoutVersion({ metadataVersion: _, ...info }: LocalConnection): ConnectionInfo {
  return info;
}

/** A registry entry's metadata and its version, as the in-process registries keep them. */
export interface VersionedMetadata {
  metadata: Readonly<Record<string, unknown>>;
  metadataVersion: number;
}

/** Applies `patch` to an in-process registry entry (`mergeMetadata`) and counts the change. */
export function patchEntry(entry: VersionedMetadata, patch: Readonly<Record<string, unknown>>): MetadataUpdate {
  entry.metadata = mergeMetadata(entry.metadata, patch);
  entry.metadataVersion += 1;
  return { metadata: entry.metadata, version: entry.metadataVersion };
}

/**
 * Applies a metadata patch the way every backplane must: a shallow merge in
 * which a key set to `null` or `undefined` is removed (JSON, which crosses
 * IPC, HTTP and Redis, cannot carry `undefined`).
 */
export function mergeMetadata(
  metadata: Readonly<Record<string, unknown>>,
  patch: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const merged: Record<string, unknown> = { ...metadata };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
