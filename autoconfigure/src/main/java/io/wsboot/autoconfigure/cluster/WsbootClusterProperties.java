package io.wsboot.autoconfigure.cluster;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the wsboot cluster: several nodes sharing connections
 * through Redis ({@code spring.data.redis.*}).
 *
 * @since 0.1.0
 */
@ConfigurationProperties("wsboot.cluster")
public class WsbootClusterProperties {

	/**
	 * Whether this node joins a cluster of wsboot nodes sharing a Redis.
	 */
	private boolean enabled;

	/**
	 * Id of this node, shown in the cluster's stats. Generated at startup when not set.
	 */
	private @Nullable String nodeId;

	/**
	 * How long a node that stopped beating stays in the registry; after it, its fds no
	 * longer exist for the other nodes.
	 */
	private Duration nodeTimeout = Duration.ofSeconds(10);

	/**
	 * How often this node refreshes its registry entry and takes a snapshot of the other
	 * nodes. Shorter than node-timeout; a third of it when not set.
	 */
	private @Nullable Duration heartbeatInterval;

	/**
	 * How long a cross-node call waits for Redis and for the other node's answer.
	 */
	private Duration requestTimeout = Duration.ofSeconds(5);

	/**
	 * Largest payload of a message sent to another node (a push to a remote fd, a
	 * broadcast); larger ones are refused, and larger ones received are dropped.
	 */
	private DataSize maxMessageSize = DataSize.ofMegabytes(1);

	/**
	 * Prefix of the Redis keys and pub/sub channels of the cluster. Clusters that share a
	 * Redis need different prefixes.
	 */
	private String channelPrefix = "wsboot";

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getNodeId() {
		return this.nodeId;
	}

	public void setNodeId(@Nullable String nodeId) {
		this.nodeId = nodeId;
	}

	public Duration getNodeTimeout() {
		return this.nodeTimeout;
	}

	public void setNodeTimeout(Duration nodeTimeout) {
		this.nodeTimeout = nodeTimeout;
	}

	public @Nullable Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(@Nullable Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public String getChannelPrefix() {
		return this.channelPrefix;
	}

	public void setChannelPrefix(String channelPrefix) {
		this.channelPrefix = channelPrefix;
	}

}
