import { checkRoomName } from '../../src/protocol/room-name';

describe('room names', () => {
  it.each([
    ['Latin', 'lobby'],
    ['Hindi, with its vowel signs and virama', 'हिन्दी'],
    ['Thai, with its tone mark', 'ห้อง'],
    ['a decomposed é (e + U+0301)', 'cafe\u0301'],
    ['a precomposed é', 'caf\u00e9'],
    ['Arabic', 'غرفة'],
    ['Japanese', 'チャット'],
    ['digits of another script', 'room-٣'],
    ['the punctuation allowed', 'game:1/a_b-c.d@e#f'],
  ])('accepts %s', (_what, room) => {
    expect(checkRoomName(room, 64)).toBeUndefined();
  });

  it.each([
    ['a leading combining mark', '\u0301cafe'],
    ['a zero-width joiner (format)', 'a\u200db'],
    ['a right-to-left override (bidi)', 'abc\u202edef'],
    ['a bidi isolate', '\u2067abc'],
    ['a control character', 'a\u0007b'],
    ['a space', 'two words'],
    ['an emoji', 'chat💬'],
  ])('refuses %s', (_what, room) => {
    expect(checkRoomName(room, 64)).toBe('room name may hold only letters (with their marks), digits and _ - . : @ / #');
  });

  it('refuses an empty name, a non-string and a name over the limit', () => {
    expect(checkRoomName('', 64)).toBe('room must be a non-empty string');
    expect(checkRoomName(7, 64)).toBe('room must be a non-empty string');
    expect(checkRoomName('x'.repeat(65), 64)).toBe('room name is longer than 64 characters');
    expect(checkRoomName('x'.repeat(64), 64)).toBeUndefined();
  });
});
