package io.wsboot.cluster.redis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.wsboot.cluster.WebSocketClusterException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

/**
 * The failures of a node's use of Redis, counted by operation, and whether Redis is
 * available: not from a failure until a heartbeat succeeds again.
 */
final class ClusterErrors {

	private static final Log logger = LogFactory.getLog(ClusterWebSocketServer.class);

	/**
	 * The operations counted, in the order {@link #counts()} lists them.
	 */
	static final List<String> OPERATIONS = List.of("push", "disconnect", "exists", "broadcast", "heartbeat", "registry",
			"subscription", "malformed");

	private final Map<String, LongAdder> counts = new LinkedHashMap<>();

	private volatile boolean available;

	private volatile boolean closed;

	ClusterErrors() {
		for (String operation : OPERATIONS) {
			this.counts.put(operation, new LongAdder());
		}
	}

	/**
	 * Count a failure.
	 * @param operation one of {@link #OPERATIONS}
	 */
	void increment(String operation) {
		LongAdder adder = this.counts.get(operation);
		if (adder != null) {
			adder.increment();
		}
	}

	/**
	 * Return the failures counted for one operation.
	 * @param operation one of {@link #OPERATIONS}
	 * @return the count
	 */
	long count(String operation) {
		LongAdder adder = this.counts.get(operation);
		Assert.notNull(adder, () -> "Unknown operation '" + operation + "'");
		return adder.sum();
	}

	/**
	 * Return every count.
	 * @return an immutable snapshot, in the order of {@link #OPERATIONS}
	 */
	Map<String, Long> counts() {
		Map<String, Long> counts = new LinkedHashMap<>();
		this.counts.forEach((operation, adder) -> counts.put(operation, adder.sum()));
		return Collections.unmodifiableMap(counts);
	}

	/**
	 * Count a failure to use Redis and take it as unavailable.
	 * @param operation the operation that failed
	 * @param ex the failure
	 * @return the exception to give the caller
	 */
	WebSocketClusterException redisFailed(String operation, Throwable ex) {
		increment(operation);
		if (ex instanceof WebSocketClusterException clusterException) {
			return clusterException;
		}
		markUnavailable(operation + " failed: " + ex);
		return new WebSocketClusterException("Cross-node " + operation + " failed: Redis did not answer", ex);
	}

	/**
	 * Count a cross-node operation refused because Redis is unavailable.
	 * @param <T> the type of the operation's result
	 * @param operation the operation
	 * @return a {@link Mono} that fails with a {@link WebSocketClusterException}
	 */
	<T> Mono<T> unavailable(String operation) {
		increment(operation);
		return Mono.error(new WebSocketClusterException("Redis is unavailable: cross-node " + operation + " refused"));
	}

	boolean isAvailable() {
		return this.available;
	}

	/**
	 * Take Redis as unavailable, and say so once.
	 * @param reason why
	 */
	void markUnavailable(String reason) {
		if (this.available && !this.closed) {
			this.available = false;
			logger.warn("Redis is unavailable (" + reason
					+ "): cross-node operations fail until it answers again; local connections go on");
		}
	}

	/**
	 * Take Redis as available again.
	 * @return whether it was unavailable before
	 */
	boolean markAvailable() {
		if (!this.available && !this.closed) {
			this.available = true;
			return true;
		}
		return false;
	}

	/**
	 * Take Redis as available: it has just answered the join.
	 */
	void joined() {
		this.available = true;
	}

	/**
	 * Change availability from now on: the node is starting.
	 */
	void open() {
		this.closed = false;
	}

	/**
	 * Stop changing availability: the node is stopping.
	 */
	void close() {
		this.closed = true;
	}

}
