/**
 * Lua scripts of the Redis presence (redis-presence.ts), atomic in Redis so that exactly one
 * instance sees a user's first lease appear and their last one go. A session's leases are a
 * sorted set: member `userId|instanceId`, score the lease's expiry in Redis' own clock (no
 * skew between instances). A set lists the sessions with leases, for the sweepers.
 */

const NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)";

/** True when `ARGV[2]` (a user's `userId|` prefix) has a live lease other than ARGV[1]. */
const OTHER_LIVE = `
local function other_live(key, member, prefix, now)
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, '(' .. now, '+inf')) do
    if m ~= member and string.sub(m, 1, #prefix) == prefix then return true end
  end
  return false
end`;

/**
 * Takes or renews a lease. KEYS: leases, sessions. ARGV: member, `userId|`, ttl ms, sessionId.
 * Returns 1 when the lease is new and the user had no other live lease (they came online).
 */
export const ACQUIRE = `${OTHER_LIVE}
${NOW}
local added = redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('SADD', KEYS[2], ARGV[4])
if added == 0 or other_live(KEYS[1], ARGV[1], ARGV[2], now) then return 0 end
return 1`;

/**
 * Gives a lease up. KEYS: leases. ARGV: member, `userId|`.
 * Returns 1 when this call removed it and the user has no live lease left (they went offline).
 */
export const RELEASE = `${OTHER_LIVE}
${NOW}
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 or other_live(KEYS[1], ARGV[1], ARGV[2], now) then return 0 end
return 1`;

/**
 * Removes a session's expired leases. KEYS: leases, sessions. ARGV: sessionId.
 * Returns the users whose expired lease this call removed and who have no live one left.
 */
export const SWEEP = `${NOW}
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
if #live == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
if #expired == 0 then return {} end
redis.call('ZREM', KEYS[1], unpack(expired))
local online = {}
for _, m in ipairs(live) do online[string.match(m, '^(.*)|')] = true end
local gone = {}
for _, m in ipairs(expired) do
  local user = string.match(m, '^(.*)|')
  if not online[user] then
    online[user] = true
    table.insert(gone, user)
  end
end
return gone`;

/** The members of a session's live leases. KEYS: leases. */
export const LIVE = `${NOW}
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')`;
