/** How many left rooms a connection keeps the version of (see `acceptRoom`). */
const REMEMBERED_LEFT_ROOMS = 256;

/**
 * The registry versions a connection's owner has applied. The registry adds
 * 1 to a connection's version with every change to its rooms or metadata;
 * changes made on two nodes can reach the owner in either order, and the
 * owner keeps the one with the higher version, which is the registry's
 * latest. Per room for joins and leaves, one for the metadata.
 */
export class ConnectionVersions {
  /** Per room, the version of the last join or leave of it applied; made on the first. */
  private rooms?: Map<string, number>;
  private metadata = 0;
  private highestSeen = 0;

  /** The highest version applied: what a backplane writes back after losing its state. */
  get highest(): number {
    return this.highestSeen;
  }

  /**
   * Whether a join or leave of `room` counted as `version` is newer than the
   * last one applied; if so, it is recorded as applied. `current` is the
   * rooms the connection is in, so versions of rooms it left can be
   * forgotten once there are many.
   */
  acceptRoom(room: string, version: number, current: ReadonlySet<string>): boolean {
    if (version <= (this.rooms?.get(room) ?? 0)) return false;
    const versions = (this.rooms ??= new Map<string, number>());
    versions.set(room, version);
    this.highestSeen = Math.max(this.highestSeen, version);
    // Left rooms are remembered only to refuse a late, older join; a client
    // cycling through many room names must not grow this without bound.
    if (versions.size > current.size + REMEMBERED_LEFT_ROOMS) {
      for (const known of versions.keys()) if (known !== room && !current.has(known)) versions.delete(known);
    }
    return true;
  }

  /** Whether a metadata update counted as `version` is newer than the one applied; if so, it is recorded. */
  acceptMetadata(version: number): boolean {
    if (version <= this.metadata) return false;
    this.metadata = version;
    this.highestSeen = Math.max(this.highestSeen, version);
    return true;
  }
}
