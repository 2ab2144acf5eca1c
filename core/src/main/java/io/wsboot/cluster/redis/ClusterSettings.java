package io.wsboot.cluster.redis;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * Settings of a {@link ClusterWebSocketServer}.
 *
 * @param nodeId the id of this node
 * @param nodeTimeout how long a node that stopped its heartbeat stays in the registry
 * @param heartbeatInterval how often a node refreshes its registry entry, shorter than
 * the node timeout
 * @param requestTimeout how long a cross-node call waits for Redis and for the other
 * node's answer
 * @param maxMessageSize largest payload sent between nodes, in bytes
 * @param prefix prefix of the Redis keys and channels
 * @since 0.1.0
 */
public record ClusterSettings(String nodeId, Duration nodeTimeout, Duration heartbeatInterval, Duration requestTimeout,
		int maxMessageSize, String prefix) {

	/**
	 * Highest node number: fds are {@code number << 40} plus a local count and stay
	 * positive longs.
	 */
	public static final long MAX_NODE_NUMBER = (1L << 23) - 1;

	/**
	 * Bits of an fd below the node number.
	 */
	public static final int NODE_SHIFT = 40;

	public ClusterSettings {
		Assert.hasText(nodeId, "'nodeId' must not be empty");
		Assert.isTrue(nodeId.length() <= 200, "'nodeId' must be at most 200 characters");
		Assert.notNull(nodeTimeout, "'nodeTimeout' must not be null");
		Assert.notNull(heartbeatInterval, "'heartbeatInterval' must not be null");
		Assert.notNull(requestTimeout, "'requestTimeout' must not be null");
		Assert.isTrue(heartbeatInterval.toMillis() >= 10, "'heartbeatInterval' must be at least 10 ms");
		Assert.isTrue(heartbeatInterval.compareTo(nodeTimeout) < 0, () -> "'heartbeatInterval' (" + heartbeatInterval
				+ ") must be shorter than 'nodeTimeout' (" + nodeTimeout + ")");
		Assert.isTrue(requestTimeout.toMillis() >= 1, "'requestTimeout' must be at least 1 ms");
		Assert.isTrue(maxMessageSize > 0 && maxMessageSize <= 256 * 1024 * 1024,
				"'maxMessageSize' must be between 1 byte and 256MB");
		Assert.hasText(prefix, "'prefix' must not be empty");
		Assert.isTrue(prefix.chars().noneMatch(Character::isWhitespace), "'prefix' must not contain whitespace");
	}

}
