package io.wsboot.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Redis keys, channels and Lua scripts of a cluster. Under a prefix {@code p}:
 * <ul>
 * <li>{@code p:seq} — counter that gives each joining node its number;
 * <li>{@code p:nodes} — hash of node number to node id, pruned of nodes whose entry
 * expired;
 * <li>{@code p:node:<number>} — a node's entry, {@code <connections>|<version>|<id>},
 * expiring after the node timeout unless the node's heartbeat refreshes it;
 * <li>{@code p:fds:<number>} — set of a node's established fds, same expiry;
 * <li>channels {@code p:bus:<number>} (messages for one node) and {@code p:bus:all}
 * (broadcasts and departures).
 * </ul>
 * The scripts touch keys they compute from a prefix: they need a standalone Redis (or a
 * Sentinel-managed one), not a Redis Cluster.
 */
final class ClusterKeys {

	/** Give a node a number not held by a live or registered node; enter it. */
	static final RedisScript<Long> JOIN = RedisScript.of("""
			local n = redis.call('INCR', KEYS[1])
			while redis.call('EXISTS', ARGV[1] .. n) == 1 or redis.call('HEXISTS', KEYS[2], tostring(n)) == 1 do
			  n = redis.call('INCR', KEYS[1])
			end
			redis.call('SET', ARGV[1] .. n, ARGV[2], 'PX', ARGV[3])
			redis.call('HSET', KEYS[2], tostring(n), ARGV[4])
			return n
			""", Long.class);

	/**
	 * Refresh a node's entry, keep the counter above its number (a Redis restarted
	 * without persistence), prune expired nodes, and return whether the entry still
	 * existed followed by number and entry of every live node.
	 */
	@SuppressWarnings("rawtypes")
	static final RedisScript<List> HEARTBEAT = RedisScript.of("""
			local existed = redis.call('EXISTS', KEYS[1])
			redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
			redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
			redis.call('PEXPIRE', KEYS[2], ARGV[2])
			local seq = tonumber(redis.call('GET', KEYS[4]) or '0')
			if seq < tonumber(ARGV[3]) then redis.call('SET', KEYS[4], ARGV[3]) end
			local result = { tostring(existed) }
			local all = redis.call('HGETALL', KEYS[3])
			for i = 1, #all, 2 do
			  local value = redis.call('GET', ARGV[5] .. all[i])
			  if value then
			    table.insert(result, all[i])
			    table.insert(result, value)
			  else
			    redis.call('HDEL', KEYS[3], all[i])
			    redis.call('DEL', ARGV[6] .. all[i])
			  end
			end
			return result
			""", List.class);

	/** Whether a node is alive and lists an fd. */
	static final RedisScript<Long> EXISTS = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('SISMEMBER', KEYS[2], ARGV[1]) end
			return 0
			""", Long.class);

	/** Apply {@code +fd} and {@code -fd} operations in order and refresh the expiry. */
	static final RedisScript<Long> UPDATE = RedisScript.of("""
			for i = 2, #ARGV do
			  local op = ARGV[i]
			  if string.sub(op, 1, 1) == '+' then
			    redis.call('SADD', KEYS[1], string.sub(op, 2))
			  else
			    redis.call('SREM', KEYS[1], string.sub(op, 2))
			  end
			end
			if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
			return 1
			""", Long.class);

	/** Put a set written aside in place of a node's fds (or empty them). */
	static final RedisScript<Long> REPLACE = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 1 then
			  redis.call('RENAME', KEYS[1], KEYS[2])
			  redis.call('PEXPIRE', KEYS[2], ARGV[1])
			else
			  redis.call('DEL', KEYS[2])
			end
			return 1
			""", Long.class);

	/** Remove a node from the registry. */
	static final RedisScript<Long> LEAVE = RedisScript.of("""
			redis.call('DEL', KEYS[1], KEYS[2])
			redis.call('HDEL', KEYS[3], ARGV[1])
			return 1
			""", Long.class);

	final String seq;

	final String nodes;

	final String nodePrefix;

	final String fdsPrefix;

	final String channelPrefix;

	final byte[] allChannel;

	ClusterKeys(String prefix) {
		this.seq = prefix + ":seq";
		this.nodes = prefix + ":nodes";
		this.nodePrefix = prefix + ":node:";
		this.fdsPrefix = prefix + ":fds:";
		this.channelPrefix = prefix + ":bus:";
		this.allChannel = (this.channelPrefix + "all").getBytes(StandardCharsets.UTF_8);
	}

	String node(long number) {
		return this.nodePrefix + number;
	}

	String fds(long number) {
		return this.fdsPrefix + number;
	}

	byte[] channel(long number) {
		return (this.channelPrefix + number).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Return a node's entry value.
	 * @param connections its established connections
	 * @param version the version of its fd set
	 * @param id its id
	 * @return the value
	 */
	static String entry(long connections, long version, String id) {
		return connections + "|" + version + "|" + id;
	}

}
