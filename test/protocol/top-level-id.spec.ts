import { topLevelId } from '../../src/protocol/top-level-id';

describe('topLevelId', () => {
  it.each([
    ['a string id', '{"event":"x","id":"r1"}', 'r1'],
    ['a number id', '{"id":42,"event":"x"}', 42],
    ['a negative, fractional, exponent number', '{"id": -1.5e3}', -1500],
    ['spaces around the colon', '{ "id" \n:\t "spaced" }', 'spaced'],
    ['an escaped string', '{"id":"a\\"b\\u0041"}', 'a"bA'],
    ['the last of two ids, as JSON.parse', '{"id":1,"id":2}', 2],
    ['an id after deep nesting', `{"message":${'['.repeat(50)}${']'.repeat(50)},"id":"late"}`, 'late'],
    ['an id before deep nesting', `{"id":"early","message":${'{"a":'.repeat(50)}1${'}'.repeat(50)}}`, 'early'],
  ])('reads %s', (_what, text, id) => {
    expect(topLevelId(text)).toEqual(id);
  });

  it.each([
    ['no id', '{"event":"x"}'],
    ['an id nested deeper', '{"message":{"id":"inner"}}'],
    ['"id" as a value, not a key', '{"event":"id","x":1}'],
    ['an id key inside a string', '{"event":"{\\"id\\":1}"}'],
    ['a null id', '{"id":null}'],
    ['an object id', '{"id":{"n":1}}'],
    ['a string that never ends', '{"id":"open'],
    ['a key that never ends', '{"i'],
    ['nothing', ''],
  ])('finds none with %s', (_what, text) => {
    expect(topLevelId(text)).toBeUndefined();
  });

  it('finds none when a later id is null, as JSON.parse would', () => {
    expect(topLevelId('{"id":1,"id":null}')).toBeUndefined();
  });

  it('agrees with JSON.parse on generated frames', () => {
    // A small deterministic generator: ids of both kinds, at the top or nested, among other keys.
    let seed = 7;
    const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const value = (depth: number): unknown => {
      switch (next(depth > 3 ? 4 : 6)) {
        case 0:
          return next(1000) - 500;
        case 1:
          return `s"${next(100)}\\`;
        case 2:
          return null;
        case 3:
          return true;
        case 4:
          return Array.from({ length: next(3) }, () => value(depth + 1));
        default:
          return Object.fromEntries(Array.from({ length: next(4) }, () => [['id', 'event', 'a'][next(3)], value(depth + 1)]));
      }
    };
    for (let n = 0; n < 2000; n++) {
      const frame = Object.fromEntries(Array.from({ length: next(5) }, () => [['id', 'event', 'message'][next(3)], value(1)]));
      const text = JSON.stringify(frame);
      const id = (JSON.parse(text) as { id?: unknown }).id;
      expect([text, topLevelId(text)]).toEqual([text, typeof id === 'string' || typeof id === 'number' ? id : undefined]);
    }
  });
});
