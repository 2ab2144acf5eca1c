package io.wsboot.cluster;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

/**
 * The cluster-wide side of a wsboot server that runs as one of several nodes sharing a
 * Redis ({@code wsboot.cluster.enabled=true}): the answers that a node can only give
 * after asking another one, as {@link Mono}s.
 * <p>
 * An fd names its node: {@code fd >> 40} is the number Redis gave the node when it
 * joined, so any node routes an operation on any fd. Operations on a local fd run at
 * once, as on a single node. Operations on another node's fd travel over Redis pub/sub.
 * <p>
 * The {@link Mono}s are lazy: nothing is sent before subscription. They complete on a
 * thread of the Redis client, or on the caller's thread for a local fd; do not block in
 * their callbacks. When Redis is unavailable a cross-node {@link Mono} fails at once with
 * a {@link WebSocketClusterException}, and the failure is counted in
 * {@code wsboot.cluster.errors}. When the other node does not answer within
 * {@code wsboot.cluster.request-timeout}, the {@link Mono} fails with a
 * {@link WebSocketClusterException} too: the operation may still have happened.
 * <p>
 * Ordering: the messages one thread sends to one remote fd arrive in the order they were
 * sent while Redis stays up. Messages sent while Redis is unavailable, or that were in
 * flight when it went away or when the target node died, are lost, not retried.
 *
 * @since 0.1.0
 * @see io.wsboot.WebSocketServer
 */
public interface WebSocketCluster {

	/**
	 * Return the id of this node ({@code wsboot.cluster.node-id}, or the one generated at
	 * startup).
	 * @return the node id
	 */
	String nodeId();

	/**
	 * Return the number Redis gave this node when it joined, the part of its fds above
	 * bit 40.
	 * @return the node number, at least 1
	 */
	long nodeNumber();

	/**
	 * Whether an fd belongs to a connection of this node.
	 * @param fd the connection
	 * @return whether {@code fd >> 40} is this node's number
	 */
	boolean isLocal(long fd);

	/**
	 * Push a text message to a connection on any node and tell whether its node queued
	 * it.
	 * @param fd the connection
	 * @param text the message
	 * @return {@code true} when the connection's node queued the message, {@code false}
	 * when the connection is unknown, closing, or its node is gone; an error when Redis
	 * is unavailable or no answer came within the request timeout
	 */
	Mono<Boolean> pushAsync(long fd, String text);

	/**
	 * Push a binary message to a connection on any node and tell whether its node queued
	 * it.
	 * @param fd the connection
	 * @param data the message, not copied: do not change it afterwards
	 * @return as {@link #pushAsync(long, String)}
	 */
	Mono<Boolean> pushAsync(long fd, byte[] data);

	/**
	 * Close a connection on any node with a close frame (RFC 6455 §5.5.1).
	 * @param fd the connection
	 * @param code the close code: 1000, 1001, 1003, 1007–1011 or 3000–4999 (RFC 6455
	 * §7.4)
	 * @param reason the reason, at most 123 bytes of UTF-8
	 * @return {@code true} when the connection's node queued the close frame,
	 * {@code false} when the connection is unknown or no longer established; an error as
	 * for {@link #pushAsync(long, String)}
	 * @throws IllegalArgumentException for a code a server may not send or a reason too
	 * long, before subscription
	 */
	Mono<Boolean> disconnectAsync(long fd, int code, String reason);

	/**
	 * Whether a connection exists on any node, asked of Redis now: its node is alive
	 * (heartbeat within {@code wsboot.cluster.node-timeout}) and lists the fd among its
	 * established connections.
	 * @param fd the connection
	 * @return whether it exists; an error when Redis is unavailable
	 */
	Mono<Boolean> existsAsync(long fd);

	/**
	 * Whether a connection on any node is established. For a remote fd this is the same
	 * question as {@link #existsAsync(long)}: a node lists only its established
	 * connections.
	 * @param fd the connection
	 * @return whether it is established; an error when Redis is unavailable
	 */
	Mono<Boolean> isEstablishedAsync(long fd);

	/**
	 * Push a text message to every established connection of every node, once each, and
	 * count them.
	 * @param text the message
	 * @return the number of connections it was queued to, on this node and on the nodes
	 * that answered within the request timeout (a node that did not answer in time may
	 * still have pushed it); an error when Redis is unavailable, after the local
	 * connections were pushed to
	 */
	Mono<Integer> broadcastAsync(String text);

	/**
	 * Push a binary message to every established connection of every node, once each, and
	 * count them.
	 * @param data the message, not copied: do not change it afterwards
	 * @return as {@link #broadcastAsync(String)}
	 */
	Mono<Integer> broadcastAsync(byte[] data);

	/**
	 * Return the nodes alive at the last heartbeat, this one included, in ascending
	 * number order.
	 * @return an immutable snapshot
	 */
	List<ClusterNode> nodes();

	/**
	 * Whether Redis answered the last time this node used it. While it does not,
	 * operations on local fds go on and cross-node ones fail fast.
	 * @return whether Redis is available
	 */
	boolean isAvailable();

	/**
	 * Return the failures of cross-node operations that this node counted since it
	 * started, by operation: the cross-node calls ({@code push}, {@code disconnect},
	 * {@code exists}, {@code broadcast}), the node's upkeep ({@code heartbeat},
	 * {@code registry}, {@code subscription}) and messages from other nodes dropped as
	 * invalid ({@code malformed}). The same counts as the meter
	 * {@code wsboot.cluster.errors}.
	 * @return an immutable snapshot, in that order
	 */
	Map<String, Long> errorCounts();

}
