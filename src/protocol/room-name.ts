/** Room names: letters, digits and `_ - . : @ / #`, from 1 to `maxLength` characters. */
const ROOM_PATTERN = /^[\p{L}\p{N}_\-.:@/#]+$/u;

/** Why a room name is refused, or undefined when it is acceptable. */
export function checkRoomName(room: unknown, maxLength: number): string | undefined {
  if (typeof room !== 'string' || room.length === 0) return 'room must be a non-empty string';
  if (room.length > maxLength) return `room name is longer than ${maxLength} characters`;
  if (!ROOM_PATTERN.test(room)) return 'room name may hold only letters, digits and _ - . : @ / #';
  return undefined;
}
