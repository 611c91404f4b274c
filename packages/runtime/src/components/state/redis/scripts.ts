/**
 * @module components/state/redis/scripts
 * The Lua scripts of state.redis. The hash layout (`data`, `version`, `first-write`) and the rule
 * that a key carrying the `first-write` marker refuses ETag-less writes follow daprd
 * (components-contrib state/redis/redis.go, setDefaultQuery), so both can share one Redis.
 */

/** Reads one key: [data, version, pttl], or nil when the key does not exist. Plain strings (pre-ETag data) read without a version. */
export const GET_SCRIPT = `
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind == 'none' then return nil end
if kind == 'string' then return {redis.call('GET', KEYS[1]), false, redis.call('PTTL', KEYS[1])} end
if kind ~= 'hash' then return redis.error_reply('WRONGTYPE key ' .. KEYS[1] .. ' holds a ' .. kind .. ', not a state hash') end
local v = redis.call('HMGET', KEYS[1], 'data', 'version')
return {v[1], v[2], redis.call('PTTL', KEYS[1])}
`;

/**
 * Applies N operations in order, all or nothing. KEYS[i] is operation i's key; ARGV holds five
 * values per operation: kind (set|del), etag ('' = none), first-write (1|0), data, ttl seconds
 * (> 0: EXPIRE, otherwise PERSIST). Pass 1 checks every TTL (Redis does not undo the writes of a
 * script that fails half-way, so an EXPIRE it would refuse must be caught here) and replays the
 * operations on a copy of each key's state (exists, version, first-write marker), stopping at the
 * first conflict; pass 2 writes, with nothing left that can fail.
 */
export const WRITE_SCRIPT = `
local seen = {}
local function current(key)
  local s = seen[key]
  if s then return s end
  s = { exists = false, version = 0, marked = false }
  if redis.call('TYPE', key)['ok'] == 'hash' then
    local v = redis.call('HMGET', key, 'version', 'first-write')
    local n = tonumber(v[1])
    if n then
      s.exists = true
      s.version = n
      s.marked = v[2] ~= false
    end
  end
  seen[key] = s
  return s
end
for i = 1, #KEYS do
  local base = (i - 1) * 5
  local kind, etag, fw = ARGV[base + 1], ARGV[base + 2], ARGV[base + 3]
  local s = current(KEYS[i])
  if kind == 'set' then
    local ttl = tonumber(ARGV[base + 5])
    if not ttl or ttl ~= math.floor(ttl) or ttl < -1 or ttl > 2147483647 then return redis.error_reply('BADTTL ' .. i) end
  end
  if etag ~= '' then
    if not s.exists or s.version ~= tonumber(etag) then return redis.error_reply('ETAGMISMATCH ' .. i) end
  elseif kind == 'set' and s.exists and (fw == '1' or s.marked) then
    return redis.error_reply('ETAGMISMATCH ' .. i)
  end
  if kind == 'set' then
    if s.exists then s.version = s.version + 1 else s.version = 1; s.marked = false end
    s.exists = true
    s.marked = s.marked or fw == '1'
  else
    s.exists = false
    s.version = 0
    s.marked = false
  end
end
local last = 0
for i = 1, #KEYS do
  local base = (i - 1) * 5
  local key = KEYS[i]
  if ARGV[base + 1] == 'del' then
    redis.call('DEL', key)
  else
    local version = false
    if redis.call('TYPE', key)['ok'] == 'hash' then version = tonumber(redis.call('HGET', key, 'version')) end
    if not version then redis.call('DEL', key) end
    redis.call('HSET', key, 'data', ARGV[base + 4])
    if ARGV[base + 3] == '1' then redis.call('HSET', key, 'first-write', 0) end
    last = redis.call('HINCRBY', key, 'version', 1)
    local ttl = tonumber(ARGV[base + 5])
    if ttl > 0 then redis.call('EXPIRE', key, ttl) else redis.call('PERSIST', key) end
  end
end
return last
`;
