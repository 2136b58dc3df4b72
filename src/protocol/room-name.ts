/**
 * Room names: letters and digits of any script, the marks that belong to
 * them (the vowel signs of Hindi or Thai, a decomposed `é`), and
 * `_ - . : @ / #`. A mark never comes first, where it would join whatever
 * is written before the name; control, format and bidi characters never
 * match, so a name cannot hide or reorder text in a log or a page.
 */
const ROOM_PATTERN = /^[\p{L}\p{N}_\-.:@/#][\p{L}\p{M}\p{N}_\-.:@/#]*$/u;

/** Why a room name is refused, or undefined when it is acceptable. */
export function checkRoomName(room: unknown, maxLength: number): string | undefined {
  if (typeof room !== 'string' || room.length === 0) return 'room must be a non-empty string';
  if (room.length > maxLength) return `room name is longer than ${maxLength} characters`;
  if (!ROOM_PATTERN.test(room)) return 'room name may hold only letters (with their marks), digits and _ - . : @ / #';
  return undefined;
}
