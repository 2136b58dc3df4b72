import { ConnectionVersions } from '../../src/services/connection-versions';

/** The owner's side of the registry's version rules: the change the registry counted later wins, whatever order they arrive in. */
describe('ConnectionVersions', () => {
  it('applies a room change only when its version is newer than the last one for that room', () => {
    const versions = new ConnectionVersions();
    const rooms = new Set<string>();
    expect(versions.acceptRoom('a', 2, rooms)).toBe(true);
    // The join counted as 1 arrives after the leave counted as 2: too late.
    expect(versions.acceptRoom('a', 1, rooms)).toBe(false);
    expect(versions.acceptRoom('a', 2, rooms)).toBe(false);
    // Rooms are counted apart: an older version for another room still applies.
    expect(versions.acceptRoom('b', 1, rooms)).toBe(true);
    expect(versions.highest).toBe(2);
  });

  it('applies a metadata update only when newer, and never counts version 0', () => {
    const versions = new ConnectionVersions();
    expect(versions.acceptMetadata(0)).toBe(false);
    expect(versions.acceptRoom('a', 0, new Set())).toBe(false);
    expect(versions.acceptMetadata(3)).toBe(true);
    expect(versions.acceptMetadata(3)).toBe(false);
    expect(versions.acceptMetadata(2)).toBe(false);
    expect(versions.highest).toBe(3);
    expect(versions.acceptRoom('a', 5, new Set())).toBe(true);
    expect(versions.highest).toBe(5);
  });

  it('forgets the versions of left rooms past 256 of them, and keeps those of rooms the connection is in', () => {
    const versions = new ConnectionVersions();
    const rooms = new Set(['kept']);
    let version = 0;
    expect(versions.acceptRoom('kept', ++version, rooms)).toBe(true);
    for (let n = 0; n < 300; n++) expect(versions.acceptRoom(`left-${n}`, ++version, rooms)).toBe(true);
    // A late join of a forgotten room applies again (it is not known to be older)...
    expect(versions.acceptRoom('left-0', 1, rooms)).toBe(true);
    // ...while the room the connection is in still refuses an older change.
    expect(versions.acceptRoom('kept', 1, rooms)).toBe(false);
  });
});
