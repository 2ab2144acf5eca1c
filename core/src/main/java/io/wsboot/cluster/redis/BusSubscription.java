package io.wsboot.cluster.redis;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.connection.ReactiveSubscription.Message;

/**
 * This node's subscription to its own channel and the broadcast channel, on a Redis
 * connection of its own: subscribed when the node starts, checked at each heartbeat with
 * a probe message, replaced when it ended or missed the probe, closed when the node
 * stops. Only the current subscription's messages are handed on, so none is handled
 * twice.
 */
final class BusSubscription {

	private static final Log logger = LogFactory.getLog(ClusterWebSocketServer.class);

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final ClusterKeys keys;

	private final BusPublisher publisher;

	private final Membership membership;

	private final ClusterErrors errors;

	private final Duration timeout;

	private final Consumer<Message<ByteBuffer, ByteBuffer>> receiver;

	private final Runnable onEnded;

	private final Object monitor = new Object();

	private volatile @Nullable ReactiveSubscription subscription;

	private @Nullable ReactiveRedisConnection connection;

	private @Nullable Disposable receiving;

	private volatile boolean subscribed;

	private volatile boolean resubscribing;

	private volatile boolean closed;

	/**
	 * Create the subscription of a node.
	 * @param connectionFactory the connections to Redis
	 * @param keys the cluster's keys and channels
	 * @param publisher the publisher of the probe
	 * @param membership the node's number
	 * @param errors the error counts
	 * @param timeout how long to wait for Redis
	 * @param receiver what to do with each message received
	 * @param onEnded what to do when the subscription ended while the node runs
	 */
	BusSubscription(ReactiveRedisConnectionFactory connectionFactory, ClusterKeys keys, BusPublisher publisher,
			Membership membership, ClusterErrors errors, Duration timeout,
			Consumer<Message<ByteBuffer, ByteBuffer>> receiver, Runnable onEnded) {
		this.connectionFactory = connectionFactory;
		this.keys = keys;
		this.publisher = publisher;
		this.membership = membership;
		this.errors = errors;
		this.timeout = timeout;
		this.receiver = receiver;
		this.onEnded = onEnded;
	}

	/**
	 * Subscribe, waiting for Redis up to the timeout; a failure is counted, and the next
	 * heartbeat tries again.
	 */
	void open() {
		this.closed = false;
		try {
			subscribe().block(this.timeout.plusSeconds(1));
		}
		catch (RuntimeException ex) {
			this.errors.increment("subscription");
			this.errors.markUnavailable("subscription failed: " + ex);
		}
	}

	/**
	 * Whether the subscription is being replaced: a lost connection is then expected.
	 * @return whether it is
	 */
	boolean isResubscribing() {
		return this.resubscribing;
	}

	/**
	 * Publish a probe to this node's channel, and subscribe again when nobody received it
	 * or the subscription ended.
	 * @return completion
	 */
	Mono<Void> check() {
		return this.publisher.toNode(this.membership.number(), BusMessage.probe(this.membership.number()))
			.flatMap((receivers) -> (receivers > 0 && this.subscribed) ? Mono.<Void>empty() : resubscribe());
	}

	/**
	 * Take the end of the subscription from now on as expected: the node is stopping.
	 */
	void closing() {
		this.closed = true;
	}

	/**
	 * Close the subscription, waiting a little for its connection to close.
	 */
	void close() {
		closing();
		try {
			unsubscribe().block(Duration.ofSeconds(2));
		}
		catch (RuntimeException ex) {
			// Closed anyway with the connection factory
		}
	}

	private Mono<Void> subscribe() {
		return Mono.defer(() -> {
			ReactiveRedisConnection connection = this.connectionFactory.getReactiveConnection();
			synchronized (this.monitor) {
				this.connection = connection;
			}
			return connection.pubSubCommands().createSubscription().flatMap((created) -> {
				Disposable receiver = created.receive()
					.subscribe((message) -> received(created, message), (ex) -> ended(created, ex),
							() -> ended(created, null));
				synchronized (this.monitor) {
					this.subscription = created;
					this.receiving = receiver;
				}
				return created.subscribe(ByteBuffer.wrap(this.keys.channel(this.membership.number())),
						ByteBuffer.wrap(this.keys.allChannel));
			}).timeout(this.timeout).doOnSuccess((done) -> this.subscribed = true);
		});
	}

	private void received(ReactiveSubscription receivedBy, Message<ByteBuffer, ByteBuffer> message) {
		if (this.subscription != receivedBy) {
			// A subscription being replaced: its successor receives from now on
			return;
		}
		this.receiver.accept(message);
	}

	private void ended(ReactiveSubscription ended, @Nullable Throwable ex) {
		synchronized (this.monitor) {
			if (this.subscription != ended) {
				return;
			}
			this.subscribed = false;
		}
		if (!this.closed) {
			this.errors.increment("subscription");
			logger.warn("Subscription to the cluster channels ended" + ((ex != null) ? ": " + ex : "")
					+ "; resubscribing at the next heartbeat");
			this.onEnded.run();
		}
	}

	private Mono<Void> resubscribe() {
		return Mono.defer(() -> {
			this.resubscribing = true;
			this.subscribed = false;
			logger
				.info("Node " + this.membership.nodeId() + " is not subscribed to the cluster channels: resubscribing");
			return unsubscribe().then(subscribe())
				.doOnError((ex) -> this.errors.increment("subscription"))
				.doFinally((signal) -> this.resubscribing = false);
		});
	}

	/**
	 * Stop receiving, then close the subscription's connection: Redis drops a closed
	 * connection's subscriptions, so it can never deliver twice, even when Redis is away
	 * and would not answer an unsubscribe.
	 */
	private Mono<Void> unsubscribe() {
		Disposable receiver;
		ReactiveRedisConnection connection;
		synchronized (this.monitor) {
			receiver = this.receiving;
			connection = this.connection;
			this.subscription = null;
			this.receiving = null;
			this.connection = null;
		}
		if (receiver != null) {
			receiver.dispose();
		}
		if (connection == null) {
			return Mono.empty();
		}
		return connection.closeLater().timeout(this.timeout).onErrorResume((ex) -> Mono.empty());
	}

}
