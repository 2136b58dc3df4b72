import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';

/** Which rooms keep history: names, patterns, or a predicate. */
export type HistoryRoomMatcher = readonly (string | RegExp)[] | ((room: string) => boolean);

/**
 * Room history of a gateway (`@Gateway(path, { history })`): every
 * publication to a listed room gets an offset, is kept, and a client that
 * rejoins `since` a position it saw gets what it missed (see the README's
 * "Nothing lost on reconnect").
 */
export interface HistoryOptions {
  /** The rooms that keep history, e.g. `['chat', /^game:/]` or `(room) => room.startsWith('doc:')`. */
  readonly rooms: HistoryRoomMatcher;
  /** Most publications kept per room. Default 1 000. */
  readonly size?: number;
  /** How long each publication is kept, in ms. Default 300 000 (5 minutes). */
  readonly ttl?: number;
}

/** The defaults of `HistoryOptions`. */
export const HISTORY_DEFAULTS = { size: 1000, ttl: 300_000 } as const;

/** A gateway's history option, checked and with its defaults: which rooms, and how much each keeps. */
export interface HistoryRule {
  readonly matches: (room: string) => boolean;
  readonly size: number;
  readonly ttl: number;
}

/** Checks `@Gateway(path, { history })` at boot; throws `SB_INVALID_HISTORY` saying what to fix. */
export function resolveHistory(path: string, options: HistoryOptions | undefined): HistoryRule | undefined {
  if (options === undefined) return undefined;
  const fail = (what: string): never => {
    throw new SwitchboardBootError(BootErrorCode.INVALID_HISTORY, `${path}: history ${what}`);
  };
  const { size, ttl } = { ...HISTORY_DEFAULTS, ...options };
  if (!Number.isSafeInteger(size) || size < 1) fail(`size must be a whole number above 0, got ${String(size)}`);
  if (!Number.isSafeInteger(ttl) || ttl < 1) fail(`ttl must be a whole number of ms above 0, got ${String(ttl)}`);
  const { rooms } = options;
  if (typeof rooms === 'function') return { matches: (room) => rooms(room) === true, size, ttl };
  if (!Array.isArray(rooms) || rooms.some((r) => typeof r !== 'string' && !(r instanceof RegExp))) {
    return fail('rooms must be a list of room names and regular expressions, or a function (room) => boolean');
  }
  const names = new Set(rooms.filter((r): r is string => typeof r === 'string'));
  const patterns = rooms.filter((r): r is RegExp => r instanceof RegExp);
  // A global or sticky pattern keeps state between test() calls: a copy without those flags answers the same every time.
  const stateless = patterns.map((p) => new RegExp(p.source, p.flags.replace(/[gy]/g, '')));
  return { matches: (room) => names.has(room) || stateless.some((p) => p.test(room)), size, ttl };
}
