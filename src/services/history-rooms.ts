import { Injectable } from '@nestjs/common';
import type { HistoryLimits } from '../backplanes/room-stream';

/** A rule for rooms that keep history: which, and how much each keeps. */
export interface HistoryRoomRule extends HistoryLimits {
  readonly matches: (room: string) => boolean;
}

/** Answers kept per room name before the cache is cleared: enough for the live rooms, bounded for a flood of names. */
const CACHE_LIMIT = 10_000;

/**
 * Which rooms keep history and how much, from every gateway's `history`
 * option, filled in once at boot. Rooms are shared by every route, so the
 * first rule that matches a room decides for it, whoever publishes.
 */
@Injectable()
export class HistoryRooms {
  private readonly rules: HistoryRoomRule[] = [];
  private readonly cache = new Map<string, HistoryLimits | null>();

  /** Adds a gateway's rule; called at boot. */
  add(rule: HistoryRoomRule): void {
    this.rules.push(rule);
    this.cache.clear();
  }

  /** True when some gateway keeps history. */
  get any(): boolean {
    return this.rules.length > 0;
  }

  /** How much `room` keeps, or undefined for a room without history. Called per publication, so answers are cached. */
  limitsOf(room: string): HistoryLimits | undefined {
    if (this.rules.length === 0) return undefined;
    let limits = this.cache.get(room);
    if (limits === undefined) {
      const rule = this.rules.find((r) => r.matches(room));
      limits = rule ? { size: rule.size, ttl: rule.ttl } : null;
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(room, limits);
    }
    return limits ?? undefined;
  }
}
