package io.wsboot.cluster.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

import io.wsboot.cluster.WebSocketClusterException;
import io.wsboot.cluster.redis.Membership.NodeView;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.util.Assert;

/**
 * Operations on other nodes' connections: fire-and-forget messages, and requests whose
 * answers are awaited up to the request timeout.
 */
final class RemoteCalls {

	private static final Log logger = LogFactory.getLog(ClusterWebSocketServer.class);

	private final ReactiveStringRedisTemplate redis;

	private final ClusterKeys keys;

	private final BusPublisher publisher;

	private final Membership membership;

	private final ClusterErrors errors;

	private final Duration requestTimeout;

	private final int maxMessageSize;

	private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

	private final AtomicLong requestIds = new AtomicLong();

	RemoteCalls(ReactiveStringRedisTemplate redis, ClusterKeys keys, BusPublisher publisher, Membership membership,
			ClusterErrors errors, ClusterSettings settings) {
		this.redis = redis;
		this.keys = keys;
		this.publisher = publisher;
		this.membership = membership;
		this.errors = errors;
		this.requestTimeout = settings.requestTimeout();
		this.maxMessageSize = settings.maxMessageSize();
	}

	/**
	 * Check that a payload may be sent to other nodes.
	 * @param payload the payload
	 * @return the payload
	 * @throws IllegalArgumentException when it is larger than the cluster's limit
	 */
	byte[] checkSize(byte[] payload) {
		Assert.isTrue(payload.length <= this.maxMessageSize, () -> "A message sent to other nodes must be at most "
				+ this.maxMessageSize + " bytes (wsboot.cluster.max-message-size), not " + payload.length);
		return payload;
	}

	// Fire-and-forget

	/**
	 * Send a message about an fd to its node, without waiting for an answer.
	 * @param fd the fd of another node
	 * @param message the message, built only when it is sent
	 * @param operation the operation, for the error counts
	 * @return whether the message was handed to Redis
	 */
	boolean send(long fd, Supplier<byte[]> message, String operation) {
		long node = Membership.nodeOf(fd);
		if (fd <= 0 || node == 0 || this.membership.isKnownGone(node)) {
			if (logger.isDebugEnabled()) {
				logger.debug("[fd=" + fd + "] Cross-node " + operation + " dropped: no such node");
			}
			return false;
		}
		return sendTo(node, message.get(), operation);
	}

	/**
	 * Send a message to a node, without waiting for an answer.
	 * @param node the node's number
	 * @param message the message
	 * @param operation the operation, for the error counts
	 * @return whether the message was handed to Redis
	 */
	boolean sendTo(long node, byte[] message, String operation) {
		if (!this.errors.isAvailable()) {
			this.errors.increment(operation);
			return false;
		}
		this.publisher.toNode(node, message).subscribe((receivers) -> {
			if (receivers == 0 && logger.isDebugEnabled()) {
				logger.debug("Cross-node " + operation + " to node " + node + " reached no subscriber");
			}
		}, (ex) -> this.errors.redisFailed(operation, ex));
		return true;
	}

	/**
	 * Send a broadcast to every node, without waiting for an answer.
	 * @param message the message
	 */
	void sendAll(byte[] message) {
		if (!this.errors.isAvailable()) {
			this.errors.increment("broadcast");
			return;
		}
		this.publisher.toAll(message).subscribe(null, (ex) -> this.errors.redisFailed("broadcast", ex));
	}

	/**
	 * Push to the fds of other nodes that a filter selects among the snapshot of their
	 * fds, in one message per node (or a few for many fds).
	 * @param filter the filter
	 * @param payload the payload
	 * @param text whether it is text
	 */
	void pushMany(LongPredicate filter, byte[] payload, boolean text) {
		long number = this.membership.number();
		for (NodeView node : this.membership.others()) {
			long[] fds = node.fds();
			if (fds == null || fds.length == 0) {
				continue;
			}
			long[] selected = Arrays.stream(fds).filter(filter::test).toArray();
			for (int from = 0; from < selected.length; from += BusMessage.MAX_FDS) {
				int to = Math.min(selected.length, from + BusMessage.MAX_FDS);
				if (!sendTo(node.number(), BusMessage.pushMany(number, selected, from, to, payload, text),
						"broadcast")) {
					break;
				}
			}
		}
	}

	// Requests

	/**
	 * Ask an fd's node to do something with it and answer whether it did.
	 * @param fd the fd of another node
	 * @param message the message for a request id
	 * @param operation the operation, for the error counts
	 * @return the answer, {@code false} at once for an fd of no node
	 */
	Mono<Boolean> request(long fd, LongFunction<byte[]> message, String operation) {
		long node = Membership.nodeOf(fd);
		if (fd <= 0 || node == 0) {
			return Mono.just(false);
		}
		return Mono.defer(() -> {
			if (!this.errors.isAvailable()) {
				return this.errors.unavailable(operation);
			}
			if (this.membership.isKnownGone(node)) {
				return Mono.just(false);
			}
			long id = this.requestIds.incrementAndGet();
			Pending request = new Pending();
			this.pending.put(id, request);
			return this.publisher.toNode(node, message.apply(id))
				.onErrorMap((ex) -> this.errors.redisFailed(operation, ex))
				.flatMap((receivers) -> {
					request.expect(Math.min(1, receivers.intValue()));
					return request.result().timeout(this.requestTimeout, Mono.defer(() -> {
						this.errors.increment(operation);
						return Mono.error(new WebSocketClusterException(
								"Node " + node + " did not answer within " + this.requestTimeout));
					}));
				})
				.map((result) -> result != 0)
				.doFinally((signal) -> this.pending.remove(id));
		});
	}

	/**
	 * Publish a broadcast to every node and add up the connections they pushed to.
	 * @param localCount the connections of this node pushed to
	 * @param message the message for a request id
	 * @return the connections pushed to on this node and the nodes that answered in time
	 */
	Mono<Integer> broadcast(int localCount, LongFunction<byte[]> message) {
		if (!this.errors.isAvailable()) {
			return this.errors.unavailable("broadcast");
		}
		long id = this.requestIds.incrementAndGet();
		Pending request = new Pending();
		this.pending.put(id, request);
		return this.publisher.toAll(message.apply(id))
			.onErrorMap((ex) -> this.errors.redisFailed("broadcast", ex))
			.flatMap((receivers) -> {
				request.expect(receivers.intValue());
				return request.result().timeout(this.requestTimeout, Mono.fromSupplier(request::partial));
			})
			.map((remote) -> localCount + remote.intValue())
			.doFinally((signal) -> this.pending.remove(id));
	}

	/**
	 * Ask Redis whether a node is alive and lists an fd.
	 * @param fd the fd of another node
	 * @return the answer
	 */
	Mono<Boolean> exists(long fd) {
		long node = Membership.nodeOf(fd);
		if (fd <= 0 || node == 0) {
			return Mono.just(false);
		}
		return Mono.defer(() -> {
			if (!this.errors.isAvailable()) {
				return this.errors.unavailable("exists");
			}
			return this.redis
				.execute(ClusterKeys.EXISTS, List.of(this.keys.node(node), this.keys.fds(node)),
						List.of(Long.toString(fd)))
				.next()
				.timeout(this.requestTimeout)
				.map((result) -> result == 1L)
				.onErrorMap((ex) -> this.errors.redisFailed("exists", ex));
		});
	}

	/**
	 * Take an answer to a request of this node.
	 * @param requestId the request
	 * @param value the answer
	 */
	void answered(long requestId, long value) {
		Pending request = this.pending.get(requestId);
		if (request != null) {
			request.reply(value);
		}
	}

	/**
	 * Fail every request still awaiting answers.
	 * @param ex the failure
	 */
	void failAll(Throwable ex) {
		for (Pending request : this.pending.values()) {
			request.fail(ex);
		}
	}

	/**
	 * An answer awaited from one node or several.
	 */
	private static final class Pending {

		private final Sinks.One<Long> sink = Sinks.one();

		private int expected = -1;

		private int received;

		private long sum;

		synchronized void expect(int count) {
			this.expected = count;
			check();
		}

		synchronized void reply(long value) {
			this.received++;
			this.sum += value;
			check();
		}

		synchronized long partial() {
			return this.sum;
		}

		void fail(Throwable ex) {
			this.sink.tryEmitError(ex);
		}

		Mono<Long> result() {
			return this.sink.asMono();
		}

		private void check() {
			if (this.expected >= 0 && this.received >= this.expected) {
				this.sink.tryEmitValue(this.sum);
			}
		}

	}

}
