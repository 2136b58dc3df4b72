/**
 * The registry's Lua scripts: each runs atomically in Redis, so no update is
 * ever a read-modify-write from a client. `ARGV[1]` is always the key prefix;
 * the key names match redis-keys.ts. Keys are built inside the scripts, so
 * the registry needs one Redis (with replicas if you like), not Redis Cluster.
 */
const PRELUDE = `
local p = ARGV[1]
local function connKey(id) return p .. 'conn:' .. id end
local function roomsKey(id) return p .. 'conn:' .. id .. ':rooms' end
local function roomKey(room) return p .. 'room:' .. room end
local function nodeKey(node) return p .. 'node:' .. node end
local function nodeConnsKey(node) return p .. 'node:' .. node .. ':conns' end
local function addrKey(address, route) return p .. 'addr:' .. address .. ' ' .. route end
-- Takes a connection out of the index of its client address, if it was added with one.
local function unindexAddress(id)
  local found = redis.call('HMGET', connKey(id), 'route', 'address')
  if found[1] and found[2] then redis.call('SREM', addrKey(found[2], found[1]), id) end
end
local function removeConn(id)
  local node = redis.call('HGET', connKey(id), 'node')
  for _, room in ipairs(redis.call('SMEMBERS', roomsKey(id))) do redis.call('SREM', roomKey(room), id) end
  unindexAddress(id)
  redis.call('DEL', connKey(id), roomsKey(id))
  redis.call('SREM', p .. 'conns', id)
  if node then redis.call('SREM', nodeConnsKey(node), id) end
end
local function removeNode(node)
  local ids = redis.call('SMEMBERS', nodeConnsKey(node))
  for _, id in ipairs(ids) do removeConn(id) end
  redis.call('DEL', nodeConnsKey(node))
  redis.call('SREM', p .. 'nodes', node)
  return #ids
end
`;

const script = (body: string): string => PRELUDE + body;

/** ARGV: prefix, id, node, connectTime, route, client address ('' for none), then metadata field/value pairs. */
export const ADD_CONNECTION = script(`
local id, node, route, address = ARGV[2], ARGV[3], ARGV[5], ARGV[6]
-- An id added again replaces the old entry, rooms included, as every registry does.
removeConn(id)
redis.call('HSET', connKey(id), 'id', id, 'node', node, 'connectTime', ARGV[4], 'route', route)
if address ~= '' then
  redis.call('HSET', connKey(id), 'address', address)
  redis.call('SADD', addrKey(address, route), id)
end
for i = 7, #ARGV, 2 do redis.call('HSET', connKey(id), ARGV[i], ARGV[i + 1]) end
redis.call('SADD', p .. 'conns', id)
redis.call('SADD', nodeConnsKey(node), id)
return 1
`);

/** ARGV: prefix, id. */
export const REMOVE_CONNECTION = script(`
removeConn(ARGV[2])
return 1
`);

/**
 * ARGV: prefix, id, room. Returns the connection's new version, or 0 for an
 * unknown connection, which is then left out of the room.
 */
export const ADD_TO_ROOM = script(`
local id, room = ARGV[2], ARGV[3]
if redis.call('EXISTS', connKey(id)) == 0 then return 0 end
redis.call('SADD', roomsKey(id), room)
redis.call('SADD', roomKey(room), id)
return redis.call('HINCRBY', connKey(id), 'version', 1)
`);

/** ARGV: prefix, id, room. Returns the connection's new version, or 0 for an unknown connection. */
export const REMOVE_FROM_ROOM = script(`
local id, room = ARGV[2], ARGV[3]
redis.call('SREM', roomsKey(id), room)
redis.call('SREM', roomKey(room), id)
if redis.call('EXISTS', connKey(id)) == 0 then return 0 end
return redis.call('HINCRBY', connKey(id), 'version', 1)
`);

/**
 * ARGV: prefix, id, then field/value pairs; an empty value deletes the field.
 * Adds 1 to the connection's version. Returns {the new version, then the
 * whole hash after the patch}, or nil for an unknown connection.
 */
export const PATCH_METADATA = script(`
local key = connKey(ARGV[2])
if redis.call('EXISTS', key) == 0 then return nil end
for i = 3, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', key, ARGV[i]) else redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
end
local result = redis.call('HGETALL', key)
table.insert(result, 1, redis.call('HINCRBY', key, 'version', 1))
return result
`);

/**
 * The heartbeat. ARGV: prefix, node, ttl in ms, the longest gap in ms since
 * this node's previous beat that still lets it reap. Renews this node's key
 * (its value: Redis' clock in ms), then removes every other node whose key
 * expired, with its connections and room memberships, unless this node's
 * own previous beat is older than that gap by Redis' clock: after Redis
 * stalled (paused, stopped) every key expired at once, and a node that was
 * alive all along beats again within one interval. Returns {1 if this node's
 * key was still there, connections reaped, then the ids of the live nodes}.
 */
export const TICK = script(`
local node = ARGV[2]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local last = tonumber(redis.call('GET', nodeKey(node)))
redis.call('SET', nodeKey(node), now, 'PX', ARGV[3])
redis.call('SADD', p .. 'nodes', node)
local reap = last ~= nil and now - last <= tonumber(ARGV[4])
local result = {last and 1 or 0, 0}
for _, other in ipairs(redis.call('SMEMBERS', p .. 'nodes')) do
  if other == node or redis.call('EXISTS', nodeKey(other)) == 1 then
    table.insert(result, other)
  elseif reap then
    result[2] = result[2] + removeNode(other)
  end
end
return result
`);

/**
 * Writes a node's connections back as the node knows them (after Redis lost
 * them, or this node was reaped while cut off). ARGV: prefix, node, ttl in ms,
 * JSON of [{id, connectTime, route, address ('' for none), rooms: [...], meta: [field, json, ...]}].
 * The node's connections not in the list are removed. Returns {written, removed}.
 */
export const RESYNC_NODE = script(`
local node = ARGV[2]
local conns = cjson.decode(ARGV[4])
local keep = {}
for _, c in ipairs(conns) do
  local id = c.id
  keep[id] = true
  -- A version never goes back: owners ignore metadata older than what they hold.
  local version = math.max(tonumber(redis.call('HGET', connKey(id), 'version') or '0'), c.version)
  unindexAddress(id)
  redis.call('DEL', connKey(id))
  redis.call('HSET', connKey(id), 'id', id, 'node', node, 'connectTime', c.connectTime, 'route', c.route, 'version', version)
  if c.address ~= '' then
    redis.call('HSET', connKey(id), 'address', c.address)
    redis.call('SADD', addrKey(c.address, c.route), id)
  end
  for i = 1, #c.meta, 2 do redis.call('HSET', connKey(id), c.meta[i], c.meta[i + 1]) end
  local want = {}
  for _, room in ipairs(c.rooms) do want[room] = true end
  for _, room in ipairs(redis.call('SMEMBERS', roomsKey(id))) do
    if not want[room] then
      redis.call('SREM', roomKey(room), id)
      redis.call('SREM', roomsKey(id), room)
    end
  end
  for _, room in ipairs(c.rooms) do
    redis.call('SADD', roomsKey(id), room)
    redis.call('SADD', roomKey(room), id)
  end
  redis.call('SADD', p .. 'conns', id)
  redis.call('SADD', nodeConnsKey(node), id)
end
local removed = 0
for _, id in ipairs(redis.call('SMEMBERS', nodeConnsKey(node))) do
  if not keep[id] then
    removeConn(id)
    removed = removed + 1
  end
end
-- Not a beat: the first tick after this write-back does not reap (see TICK).
redis.call('SET', nodeKey(node), '0', 'PX', ARGV[3])
redis.call('SADD', p .. 'nodes', node)
return {#conns, removed}
`);

/** ARGV: prefix, node. Removes the node, its heartbeat and everything it held. Returns the connections removed. */
export const REMOVE_NODE = script(`
local node = ARGV[2]
local removed = removeNode(node)
redis.call('DEL', nodeKey(node))
return removed
`);
