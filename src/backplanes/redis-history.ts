import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { HISTORY_POSITION_TTL_MS } from './room-histories';
import { createEpoch } from './room-history';
import type { HistoryLimits, HistoryRead, StoredPublication } from './room-stream';

/** How long a room's epoch and top offset outlive its last publication, at least: a client back after a quiet day still learns nothing was lost. */
const META_TTL_MS = HISTORY_POSITION_TTL_MS;

// Both scripts build the key names from the prefix (see redis-keys.ts):
//   <p>hist:<room>       stream: one entry per kept publication, id "<offset>-1", fields t (ms, Redis' clock) and p (payload)
//   <p>hist-meta:<room>  hash:   epoch, top (offset of the latest publication), n:<node> (the latest sequence number appended from a node)
// A missing hash is a lost history (Redis restarted without persistence, or the room was idle past the meta TTL): a new epoch starts.
const PRELUDE = `
local p = ARGV[1]
local meta = p .. 'hist-meta:' .. ARGV[2]
local stream = p .. 'hist:' .. ARGV[2]
local function epochOf(newEpoch, metaTtl)
  local epoch = redis.call('HGET', meta, 'epoch')
  if epoch then return epoch end
  redis.call('DEL', stream)
  redis.call('HSET', meta, 'epoch', newEpoch, 'top', 0)
  redis.call('PEXPIRE', meta, metaTtl)
  return newEpoch
end
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * ARGV: prefix, room, payload, size, ttl, new epoch, node, sequence number, meta ttl, channel.
 * Numbers, keeps and publishes in one atomic step, so the history's order is
 * the delivery order; a copy (a publish resent after a reconnect) is
 * recognised by its sender's sequence number and neither kept nor published again.
 */
const APPEND = `${PRELUDE}
local epoch = epochOf(ARGV[6], ARGV[9])
local seenField = 'n:' .. ARGV[7]
local seen = tonumber(redis.call('HGET', meta, seenField) or '0')
if tonumber(ARGV[8]) <= seen then return 0 end
redis.call('HSET', meta, seenField, ARGV[8])
local top = redis.call('HINCRBY', meta, 'top', 1)
redis.call('XADD', stream, 'MAXLEN', ARGV[4], string.format('%d-1', top), 't', now(), 'p', ARGV[3])
redis.call('PEXPIRE', stream, ARGV[5])
redis.call('PEXPIRE', meta, ARGV[9])
redis.call('PUBLISH', ARGV[10], string.format('%d', top) .. ' ' .. epoch .. ' ' .. ARGV[3])
return top
`;

/** ARGV: prefix, room, after ('' for the position only), ttl, new epoch, meta ttl. Returns epoch, top, then offset/payload pairs kept after `after`. */
const READ = `${PRELUDE}
local epoch = epochOf(ARGV[5], ARGV[6])
local top = tonumber(redis.call('HGET', meta, 'top'))
local out = { epoch, string.format('%d', top) }
if ARGV[3] == '' or tonumber(ARGV[3]) >= top then return out end
local oldest = now() - tonumber(ARGV[4])
for _, entry in ipairs(redis.call('XRANGE', stream, string.format('%d-1', tonumber(ARGV[3]) + 1), '+')) do
  local fields = entry[2]
  if tonumber(fields[2]) >= oldest then
    out[#out + 1] = string.match(entry[1], '^(%d+)')
    out[#out + 1] = fields[4]
  end
end
return out
`;

/** A Lua script run by its hash, sent whole only when Redis does not know it yet (a restart, a SCRIPT FLUSH). */
class Script {
  private readonly sha: string;
  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(client: Redis, args: (string | number | Buffer)[]): Promise<unknown> {
    try {
      // callBuffer: payloads are binary, and a string reply would decode them as UTF-8.
      return await client.callBuffer('EVALSHA', this.sha, 0, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return client.callBuffer('EVAL', this.lua, 0, ...args);
    }
  }
}

const appendScript = new Script(APPEND);
const readScript = new Script(READ);

/** A numbered publication as it comes on the history channel: `<offset> <epoch> <payload>`. */
export interface HistoryMessage {
  readonly offset: number;
  readonly epoch: string;
  readonly payload: Buffer;
}

/** Reads a message of the history channel; undefined for anything else. */
export function parseHistoryMessage(message: Buffer): HistoryMessage | undefined {
  const first = message.indexOf(0x20);
  const second = first < 0 ? -1 : message.indexOf(0x20, first + 1);
  if (second < 0) return undefined;
  const offset = Number(message.toString('latin1', 0, first));
  if (!Number.isSafeInteger(offset) || offset < 1) return undefined;
  return { offset, epoch: message.toString('latin1', first + 1, second), payload: message.subarray(second + 1) };
}

/**
 * Room history in Redis: each room a stream trimmed to `size` and expired
 * after `ttl` of quiet, beside a hash with its epoch and top offset. One
 * script numbers, keeps and publishes each publication (on `channel`, which
 * every node listens to) atomically; one reads a room back.
 */
export class RedisHistory {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly channel: string,
  ) {}

  /** Numbers, keeps and publishes one publication; resolves with its offset, or 0 for a copy already appended. */
  async append(room: string, payload: Buffer, { size, ttl }: HistoryLimits, node: string, seq: number): Promise<number> {
    const args = [this.prefix, room, payload, size, ttl, createEpoch(), node, seq, Math.max(ttl, META_TTL_MS), this.channel];
    return Number(await appendScript.run(this.client, args));
  }

  /** The room's position and the publications kept after `after` (none without it). */
  async read(room: string, after: number | undefined, { ttl }: HistoryLimits): Promise<HistoryRead> {
    const args = [this.prefix, room, after === undefined ? '' : after, ttl, createEpoch(), Math.max(ttl, META_TTL_MS)];
    const [epoch, top, ...rest] = (await readScript.run(this.client, args)) as Buffer[];
    const publications: StoredPublication[] = [];
    for (let i = 0; i + 1 < rest.length; i += 2) publications.push({ offset: Number(rest[i].toString()), payload: rest[i + 1] });
    return { epoch: epoch.toString(), offset: Number(top.toString()), publications };
  }
}
