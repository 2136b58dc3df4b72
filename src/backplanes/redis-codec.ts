import { isSafeMetadataKey, type ConnectionInfo, type ConnectionRecord, type LocalConnection } from './connection-info';
import { RedisKeys } from './redis-keys';

const META = 'm:';

/** Metadata as hash field/value pairs: each value JSON; an undefined value as '' (the scripts delete it). */
export function metadataFields(metadata: Readonly<Record<string, unknown>>): string[] {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(metadata)) {
    // Never stored, so never read back as a prototype: the same keys mergeMetadata drops.
    if (!isSafeMetadataKey(key)) continue;
    fields.push(RedisKeys.metaField(key), value === undefined || value === null ? '' : (JSON.stringify(value) ?? ''));
  }
  return fields;
}

/** The arguments of ADD_CONNECTION after the prefix. */
export function recordArgs(record: ConnectionRecord): string[] {
  return [
    record.id,
    record.serverInstanceId,
    record.connectTime,
    record.route,
    record.address ?? '',
    ...dropEmpty(metadataFields(record.metadata)),
  ];
}

/** One connection as RESYNC_NODE takes it. */
export function resyncEntry(info: LocalConnection): {
  id: string;
  connectTime: string;
  route: string;
  address: string;
  rooms: string[];
  meta: string[];
  version: number;
} {
  return {
    id: info.id,
    connectTime: info.connectTime,
    route: info.route,
    address: info.address ?? '',
    rooms: [...info.rooms],
    meta: dropEmpty(metadataFields(info.metadata)),
    version: info.version,
  };
}

/** Reads a connection hash back; null for an empty (missing) one. */
export function decodeConnection(hash: Record<string, string>, rooms: readonly string[]): ConnectionInfo | null {
  if (!hash.id) return null;
  return {
    id: hash.id,
    serverInstanceId: hash.node ?? '',
    connectTime: hash.connectTime ?? '',
    route: hash.route ?? '',
    rooms: [...rooms],
    metadata: decodeMetadata(hash),
  };
}

/** The metadata fields of a connection hash. A value that is not JSON (written by hand) is kept as the string it is. */
export function decodeMetadata(hash: Record<string, string>): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  for (const [field, raw] of Object.entries(hash)) {
    if (!field.startsWith(META)) continue;
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // keep the raw string
    }
    Object.defineProperty(metadata, field.slice(META.length), { value, enumerable: true, writable: true, configurable: true });
  }
  return metadata;
}

/** A flat [field, value, …] reply as an object. */
export function pairsToHash(pairs: readonly unknown[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    Object.defineProperty(hash, String(pairs[i]), { value: String(pairs[i + 1]), enumerable: true, writable: true, configurable: true });
  }
  return hash;
}

function dropEmpty(pairs: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i + 1] !== '') out.push(pairs[i], pairs[i + 1]);
  return out;
}
