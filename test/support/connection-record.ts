import type { ConnectionRecord } from '../../src/backplanes/connection-info';

/** A registry record for `id` (`<node>.<n>`), owned by the node the id names. */
export function connectionRecord(id: string, metadata: Record<string, unknown> = {}): ConnectionRecord {
  return { id, serverInstanceId: id.split('.')[0], connectTime: '2026-12-03T00:00:00.000Z', route: '/ws', metadata };
}
