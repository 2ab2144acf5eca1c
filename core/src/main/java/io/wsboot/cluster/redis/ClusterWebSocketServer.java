package io.wsboot.cluster.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.DisconnectedEvent;
import io.lettuce.core.resource.ClientResources;
import io.wsboot.ConnectionInfo;
import io.wsboot.Opcode;
import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketOpenEvent;
import io.wsboot.WebSocketServer;
import io.wsboot.WebSocketStats;
import io.wsboot.cluster.ClusterNode;
import io.wsboot.cluster.WebSocketCluster;
import io.wsboot.cluster.WebSocketClusterException;
import io.wsboot.cluster.redis.BusMessage.MalformedBusMessageException;
import io.wsboot.connection.FrameRules;
import io.wsboot.server.NettyWebSocketServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.util.Assert;

/**
 * A {@link WebSocketServer} that is one node of a cluster sharing a Redis: operations on
 * its own fds go to the local {@link NettyWebSocketServer}, others travel over Redis
 * pub/sub to the node that owns the fd.
 * <p>
 * The {@code boolean} methods of {@link WebSocketServer} cannot wait for another node, so
 * for a remote fd they answer as follows (the {@code *Async} methods of
 * {@link WebSocketCluster} give the real answer):
 * <ul>
 * <li>{@code push} and {@code disconnect}: fire-and-forget. {@code true} means the
 * message was handed to Redis; {@code false} means Redis is unavailable (counted in
 * {@code wsboot.cluster.errors}) or the fd's node is known to be gone. Whether the
 * connection still existed is not known.
 * <li>{@code exists} and {@code isEstablished}: from a snapshot of the other nodes' fds
 * taken at the heartbeats, so up to about two {@code heartbeat-interval}s old (a node
 * publishes that its fds changed at its heartbeat, the others fetch them at theirs). A
 * node's fds leave it at once when the node stops cleanly, within {@code node-timeout}
 * plus one interval when it dies.
 * <li>{@code broadcast}: pushes to the local connections at once and returns their
 * number; the other nodes push to theirs when the message reaches them (each connection
 * of the cluster once). With a filter, the filter runs here on the local fds and on the
 * other nodes' fds of the snapshot, and the remote ones are sent in one message per node.
 * <li>{@code connections}, {@code info}, {@code stats}, timers and {@code defer} are this
 * node's.
 * </ul>
 * A push to a remote fd or a broadcast whose payload is larger than
 * {@code wsboot.cluster.max-message-size} is refused with an
 * {@link IllegalArgumentException} before anything is sent.
 * <p>
 * When Redis is unavailable, local operations work as always; cross-node ones fail at
 * once and are counted; the node keeps beating and, once Redis answers again, enters its
 * registry again and resubscribes. No local connection is closed because of Redis.
 *
 * @since 0.1.0
 */
public class ClusterWebSocketServer implements WebSocketServer, WebSocketCluster, SmartLifecycle,
		SmartInitializingSingleton, SmartApplicationListener {

	private static final Log logger = LogFactory.getLog(ClusterWebSocketServer.class);

	/**
	 * Tags {@code operation} of {@code wsboot.cluster.errors}: cross-node calls
	 * ({@code push}, {@code disconnect}, {@code exists}, {@code broadcast}), the node's
	 * upkeep ({@code heartbeat}, {@code registry}, {@code subscription}) and bus messages
	 * dropped as invalid ({@code malformed}).
	 */
	public static final List<String> ERROR_OPERATIONS = List.of("push", "disconnect", "exists", "broadcast",
			"heartbeat", "registry", "subscription", "malformed");

	/**
	 * Phase of this lifecycle: started after the local server, stopped before it, so the
	 * node leaves the cluster before its connections are closed.
	 */
	public static final int PHASE = NettyWebSocketServer.PHASE + 1;

	private static final int MAX_QUEUED_UPDATES = 100_000;

	private static final int UPDATE_BATCH = 1000;

	private static final long MALFORMED_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final NettyWebSocketServer local;

	private final ClusterSettings settings;

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final ReactiveStringRedisTemplate redis;

	private final @Nullable ClientResources clientResources;

	private final ClusterKeys keys;

	private final Duration requestTimeout;

	private final Map<String, LongAdder> errors = new LinkedHashMap<>();

	private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

	private final AtomicLong requestIds = new AtomicLong();

	private final Registry registry = new Registry();

	private final Object viewMonitor = new Object();

	private volatile Map<Long, NodeView> view = Map.of();

	/** Nodes kept in the view after the registry was lost, until when (nano time). */
	private final Map<Long, Long> keptUntil = new HashMap<>();

	private volatile long maxKnownNumber;

	private volatile long number;

	private byte[] ownChannel = new byte[0];

	private volatile boolean available;

	private volatile boolean running;

	private volatile boolean stopped;

	private volatile boolean resubscribing;

	private final Object subscriptionMonitor = new Object();

	private volatile @Nullable ReactiveSubscription subscription;

	private @Nullable ReactiveRedisConnection subscriptionConnection;

	private @Nullable Disposable receiving;

	private volatile boolean subscribed;

	private @Nullable Scheduler scheduler;

	private @Nullable Disposable heartbeatTask;

	private @Nullable Disposable eventBusListener;

	private final Object heartbeatMonitor = new Object();

	private boolean heartbeatRunning;

	private boolean heartbeatAgain;

	private final AtomicLong opensSeen = new AtomicLong();

	private long lastUnseen;

	private final AtomicLong lastMalformedLog = new AtomicLong(System.nanoTime() - MALFORMED_LOG_INTERVAL_NANOS);

	private final AtomicLong malformedSinceLog = new AtomicLong();

	/**
	 * Create a cluster node.
	 * @param local the server of this node's connections
	 * @param connectionFactory the connection to Redis
	 * @param clientResources the Lettuce resources, whose events tell of lost connections
	 * at once, or {@code null}
	 * @param settings the settings
	 */
	public ClusterWebSocketServer(NettyWebSocketServer local, ReactiveRedisConnectionFactory connectionFactory,
			@Nullable ClientResources clientResources, ClusterSettings settings) {
		Assert.notNull(local, "'local' must not be null");
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		this.local = local;
		this.settings = settings;
		this.connectionFactory = connectionFactory;
		this.redis = new ReactiveStringRedisTemplate(connectionFactory);
		this.clientResources = clientResources;
		this.keys = new ClusterKeys(settings.prefix());
		this.requestTimeout = settings.requestTimeout();
		for (String operation : ERROR_OPERATIONS) {
			this.errors.put(operation, new LongAdder());
		}
	}

	// WebSocketCluster

	@Override
	public String nodeId() {
		return this.settings.nodeId();
	}

	@Override
	public long nodeNumber() {
		return this.number;
	}

	@Override
	public boolean isLocal(long fd) {
		return (fd >>> ClusterSettings.NODE_SHIFT) == this.number;
	}

	@Override
	public boolean isAvailable() {
		return this.available;
	}

	@Override
	public List<ClusterNode> nodes() {
		List<ClusterNode> nodes = new ArrayList<>();
		for (NodeView node : this.view.values()) {
			boolean self = node.number() == this.number;
			nodes.add(new ClusterNode(node.id(), node.number(),
					self ? this.local.stats().connections() : node.connections(), self));
		}
		nodes.sort((a, b) -> Long.compare(a.number(), b.number()));
		return List.copyOf(nodes);
	}

	@Override
	public Map<String, Long> errorCounts() {
		Map<String, Long> counts = new LinkedHashMap<>();
		this.errors.forEach((operation, adder) -> counts.put(operation, adder.sum()));
		return Collections.unmodifiableMap(counts);
	}

	/**
	 * Return the errors counted for one operation.
	 * @param operation one of {@link #ERROR_OPERATIONS}
	 * @return the count
	 */
	public long errorCount(String operation) {
		LongAdder adder = this.errors.get(operation);
		Assert.notNull(adder, () -> "Unknown operation '" + operation + "'");
		return adder.sum();
	}

	/**
	 * Return the server of this node's connections.
	 * @return the local server
	 */
	public NettyWebSocketServer getLocalServer() {
		return this.local;
	}

	@Override
	public Mono<Boolean> pushAsync(long fd, String text) {
		Assert.notNull(text, "'text' must not be null");
		if (isLocal(fd)) {
			return Mono.fromSupplier(() -> this.local.push(fd, text));
		}
		byte[] payload = remotePayload(text.getBytes(StandardCharsets.UTF_8));
		return requestOne(fd, (id) -> BusMessage.push(this.number, id, fd, payload, Opcode.TEXT, true), "push");
	}

	@Override
	public Mono<Boolean> pushAsync(long fd, byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		if (isLocal(fd)) {
			return Mono.fromSupplier(() -> this.local.push(fd, data));
		}
		byte[] payload = remotePayload(data);
		return requestOne(fd, (id) -> BusMessage.push(this.number, id, fd, payload, Opcode.BINARY, true), "push");
	}

	@Override
	public Mono<Boolean> disconnectAsync(long fd, int code, String reason) {
		FrameRules.checkClose(code, reason);
		if (isLocal(fd)) {
			return Mono.fromSupplier(() -> this.local.disconnect(fd, code, reason));
		}
		return requestOne(fd, (id) -> BusMessage.disconnect(this.number, id, fd, code, reason), "disconnect");
	}

	@Override
	public Mono<Boolean> existsAsync(long fd) {
		if (isLocal(fd)) {
			return Mono.fromSupplier(() -> this.local.exists(fd));
		}
		return remoteExists(fd);
	}

	@Override
	public Mono<Boolean> isEstablishedAsync(long fd) {
		if (isLocal(fd)) {
			return Mono.fromSupplier(() -> this.local.isEstablished(fd));
		}
		return remoteExists(fd);
	}

	private Mono<Boolean> remoteExists(long fd) {
		long node = fd >>> ClusterSettings.NODE_SHIFT;
		if (fd <= 0 || node == 0) {
			return Mono.just(false);
		}
		return Mono.defer(() -> {
			if (!this.available) {
				return unavailable("exists");
			}
			return this.redis
				.execute(ClusterKeys.EXISTS, List.of(this.keys.node(node), this.keys.fds(node)),
						List.of(Long.toString(fd)))
				.next()
				.timeout(this.requestTimeout)
				.map((result) -> result == 1L)
				.onErrorMap((ex) -> redisFailed("exists", ex));
		});
	}

	@Override
	public Mono<Integer> broadcastAsync(String text) {
		Assert.notNull(text, "'text' must not be null");
		byte[] payload = remotePayload(text.getBytes(StandardCharsets.UTF_8));
		return Mono.defer(() -> broadcastAsync(this.local.broadcast(text), payload, true));
	}

	@Override
	public Mono<Integer> broadcastAsync(byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		byte[] payload = remotePayload(data);
		return Mono.defer(() -> broadcastAsync(this.local.broadcast(data), payload, false));
	}

	private Mono<Integer> broadcastAsync(int localCount, byte[] payload, boolean text) {
		if (!this.available) {
			return unavailable("broadcast");
		}
		long id = this.requestIds.incrementAndGet();
		Pending request = new Pending();
		this.pending.put(id, request);
		return publish(this.keys.allChannel, BusMessage.broadcast(this.number, id, payload, text))
			.onErrorMap((ex) -> redisFailed("broadcast", ex))
			.flatMap((receivers) -> {
				request.expect(receivers.intValue());
				return request.result().timeout(this.requestTimeout, Mono.fromSupplier(request::partial));
			})
			.map((remote) -> localCount + remote.intValue())
			.doFinally((signal) -> this.pending.remove(id));
	}

	private Mono<Boolean> requestOne(long fd, LongFunction<byte[]> message, String operation) {
		long node = fd >>> ClusterSettings.NODE_SHIFT;
		if (fd <= 0 || node == 0) {
			return Mono.just(false);
		}
		return Mono.defer(() -> {
			if (!this.available) {
				return unavailable(operation);
			}
			if (isKnownGone(node)) {
				return Mono.just(false);
			}
			long id = this.requestIds.incrementAndGet();
			Pending request = new Pending();
			this.pending.put(id, request);
			return publish(this.keys.channel(node), message.apply(id)).onErrorMap((ex) -> redisFailed(operation, ex))
				.flatMap((receivers) -> {
					request.expect(Math.min(1, receivers.intValue()));
					return request.result().timeout(this.requestTimeout, Mono.defer(() -> {
						count(operation);
						return Mono.error(new WebSocketClusterException(
								"Node " + node + " did not answer within " + this.requestTimeout));
					}));
				})
				.map((result) -> result != 0)
				.doFinally((signal) -> this.pending.remove(id));
		});
	}

	private <T> Mono<T> unavailable(String operation) {
		count(operation);
		return Mono.error(new WebSocketClusterException("Redis is unavailable: cross-node " + operation + " refused"));
	}

	// WebSocketServer

	@Override
	public boolean push(long fd, String text) {
		if (isLocal(fd)) {
			return this.local.push(fd, text);
		}
		Assert.notNull(text, "'text' must not be null");
		byte[] payload = remotePayload(text.getBytes(StandardCharsets.UTF_8));
		return send(fd, () -> BusMessage.push(this.number, 0, fd, payload, Opcode.TEXT, true), "push");
	}

	@Override
	public boolean push(long fd, byte[] data) {
		if (isLocal(fd)) {
			return this.local.push(fd, data);
		}
		Assert.notNull(data, "'data' must not be null");
		byte[] payload = remotePayload(data);
		return send(fd, () -> BusMessage.push(this.number, 0, fd, payload, Opcode.BINARY, true), "push");
	}

	@Override
	public boolean push(long fd, byte[] data, Opcode opcode, boolean finish) {
		if (isLocal(fd)) {
			return this.local.push(fd, data, opcode, finish);
		}
		Assert.notNull(data, "'data' must not be null");
		FrameRules.checkPushedFrame(opcode, finish, data.length);
		byte[] payload = remotePayload(data);
		return send(fd, () -> BusMessage.push(this.number, 0, fd, payload, opcode, finish), "push");
	}

	@Override
	public boolean push(long fd, String data, Opcode opcode, boolean finish) {
		Assert.notNull(data, "'data' must not be null");
		return push(fd, data.getBytes(StandardCharsets.UTF_8), opcode, finish);
	}

	@Override
	public boolean exists(long fd) {
		return isLocal(fd) ? this.local.exists(fd) : inSnapshot(fd);
	}

	@Override
	public boolean isEstablished(long fd) {
		return isLocal(fd) ? this.local.isEstablished(fd) : inSnapshot(fd);
	}

	@Override
	public boolean disconnect(long fd, int code, String reason) {
		if (isLocal(fd)) {
			return this.local.disconnect(fd, code, reason);
		}
		FrameRules.checkClose(code, reason);
		return send(fd, () -> BusMessage.disconnect(this.number, 0, fd, code, reason), "disconnect");
	}

	@Override
	public int broadcast(String text) {
		Assert.notNull(text, "'text' must not be null");
		byte[] payload = remotePayload(text.getBytes(StandardCharsets.UTF_8));
		int count = this.local.broadcast(text);
		sendAll(BusMessage.broadcast(this.number, 0, payload, true));
		return count;
	}

	@Override
	public int broadcast(byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		byte[] payload = remotePayload(data);
		int count = this.local.broadcast(data);
		sendAll(BusMessage.broadcast(this.number, 0, payload, false));
		return count;
	}

	@Override
	public int broadcast(String text, LongPredicate filter) {
		Assert.notNull(text, "'text' must not be null");
		Assert.notNull(filter, "'filter' must not be null");
		byte[] payload = remotePayload(text.getBytes(StandardCharsets.UTF_8));
		int count = this.local.broadcast(text, filter);
		for (NodeView node : this.view.values()) {
			long[] fds = node.fds();
			if (node.number() == this.number || fds == null || fds.length == 0) {
				continue;
			}
			long[] selected = Arrays.stream(fds).filter(filter::test).toArray();
			for (int from = 0; from < selected.length; from += BusMessage.MAX_FDS) {
				int to = Math.min(selected.length, from + BusMessage.MAX_FDS);
				byte[] message = BusMessage.pushMany(this.number, selected, from, to, payload, true);
				if (!sendTo(node.number(), message, "broadcast")) {
					break;
				}
			}
		}
		return count;
	}

	@Override
	public List<Long> connections() {
		return this.local.connections();
	}

	@Override
	public Optional<ConnectionInfo> info(long fd) {
		return this.local.info(fd);
	}

	@Override
	public long tick(Duration interval, Runnable task) {
		return this.local.tick(interval, task);
	}

	@Override
	public long after(Duration delay, Runnable task) {
		return this.local.after(delay, task);
	}

	@Override
	public long tick(long fd, Duration interval, Runnable task) {
		return this.local.tick(fd, interval, task);
	}

	@Override
	public long after(long fd, Duration delay, Runnable task) {
		return this.local.after(fd, delay, task);
	}

	@Override
	public boolean clearTimer(long timerId) {
		return this.local.clearTimer(timerId);
	}

	@Override
	public void defer(Runnable task) {
		this.local.defer(task);
	}

	@Override
	public WebSocketStats stats() {
		return this.local.stats();
	}

	private boolean send(long fd, Supplier<byte[]> message, String operation) {
		long node = fd >>> ClusterSettings.NODE_SHIFT;
		if (fd <= 0 || node == 0 || isKnownGone(node)) {
			if (logger.isDebugEnabled()) {
				logger.debug("[fd=" + fd + "] Cross-node " + operation + " dropped: no such node");
			}
			return false;
		}
		return sendTo(node, message.get(), operation);
	}

	private boolean sendTo(long node, byte[] message, String operation) {
		if (!this.available) {
			count(operation);
			return false;
		}
		publish(this.keys.channel(node), message).subscribe((receivers) -> {
			if (receivers == 0 && logger.isDebugEnabled()) {
				logger.debug("Cross-node " + operation + " to node " + node + " reached no subscriber");
			}
		}, (ex) -> redisFailed(operation, ex));
		return true;
	}

	private void sendAll(byte[] message) {
		if (!this.available) {
			count("broadcast");
			return;
		}
		publish(this.keys.allChannel, message).subscribe(null, (ex) -> redisFailed("broadcast", ex));
	}

	private Mono<Long> publish(byte[] channel, byte[] message) {
		return this.redis.execute(
				(connection) -> connection.pubSubCommands().publish(ByteBuffer.wrap(channel), ByteBuffer.wrap(message)))
			.next()
			.timeout(this.requestTimeout);
	}

	private byte[] remotePayload(byte[] payload) {
		Assert.isTrue(payload.length <= this.settings.maxMessageSize(),
				() -> "A message sent to other nodes must be at most " + this.settings.maxMessageSize()
						+ " bytes (wsboot.cluster.max-message-size), not " + payload.length);
		return payload;
	}

	private boolean inSnapshot(long fd) {
		NodeView node = this.view.get(fd >>> ClusterSettings.NODE_SHIFT);
		long[] fds = (node != null) ? node.fds() : null;
		return fds != null && Arrays.binarySearch(fds, fd) >= 0;
	}

	/**
	 * Whether a node is known to be gone: its number was given out before the last
	 * heartbeat and it is not alive. A number above any seen is a node that joined since:
	 * not gone.
	 */
	private boolean isKnownGone(long node) {
		return node <= this.maxKnownNumber && !this.view.containsKey(node);
	}

	// Errors and availability

	private void count(String operation) {
		LongAdder adder = this.errors.get(operation);
		if (adder != null) {
			adder.increment();
		}
	}

	private WebSocketClusterException redisFailed(String operation, Throwable ex) {
		count(operation);
		if (ex instanceof WebSocketClusterException clusterException) {
			return clusterException;
		}
		markUnavailable(operation + " failed: " + ex);
		return new WebSocketClusterException("Cross-node " + operation + " failed: Redis did not answer", ex);
	}

	private void markUnavailable(String reason) {
		if (this.available && !this.stopped) {
			this.available = false;
			logger.warn("Redis is unavailable (" + reason
					+ "): cross-node operations fail until it answers again; local connections go on");
		}
	}

	private void markAvailable() {
		if (!this.available && !this.stopped) {
			this.available = true;
			logger.info("Redis answers again: node " + this.settings.nodeId() + " (number " + this.number
					+ ") is back in the WebSocket cluster");
		}
	}

	// Receiving

	private void onMessage(ReactiveSubscription receivedBy,
			ReactiveSubscription.Message<ByteBuffer, ByteBuffer> message) {
		if (this.subscription != receivedBy) {
			// A subscription being replaced: its successor receives from now on
			return;
		}
		BusMessage bus;
		try {
			bus = BusMessage.decode(message.getMessage(), this.settings.maxMessageSize());
		}
		catch (MalformedBusMessageException ex) {
			malformed(message.getChannel(), ex.getMessage());
			return;
		}
		try {
			handle(bus);
		}
		catch (MalformedBusMessageException ex) {
			malformed(message.getChannel(), ex.getMessage());
		}
		catch (RuntimeException ex) {
			count("malformed");
			logger.error("Cluster message of type " + bus.type + " from node " + bus.origin + " failed", ex);
		}
	}

	private void handle(BusMessage message) {
		switch (message.type) {
			case PUSH -> {
				checkOwn(message.fd);
				boolean queued = this.local.push(message.fd, message.payload, message.opcode, message.finish);
				reply(message, queued ? 1 : 0, "push");
			}
			case PUSH_MANY -> {
				for (long fd : message.fds) {
					checkOwn(fd);
				}
				for (long fd : message.fds) {
					this.local.push(fd, message.payload, message.opcode, true);
				}
			}
			case DISCONNECT -> {
				checkOwn(message.fd);
				boolean closed = this.local.disconnect(message.fd, message.code, message.text());
				reply(message, closed ? 1 : 0, "disconnect");
			}
			case BROADCAST -> {
				if (message.origin == this.number) {
					// The sender pushed to its own connections before publishing
					if (message.requestId != 0) {
						Pending request = this.pending.get(message.requestId);
						if (request != null) {
							request.reply(0);
						}
					}
					return;
				}
				int count = (message.opcode == Opcode.TEXT) ? this.local.broadcast(message.text())
						: this.local.broadcast(message.payload);
				reply(message, count, "broadcast");
			}
			case REPLY -> {
				Pending request = this.pending.get(message.requestId);
				if (request != null) {
					request.reply(message.value);
				}
			}
			case LEAVE -> {
				if (message.origin != this.number) {
					removeNode(message.origin);
				}
			}
			case PROBE -> {
			}
		}
	}

	private void checkOwn(long fd) {
		if (!isLocal(fd)) {
			throw new MalformedBusMessageException("fd " + fd + " of another node");
		}
	}

	private void reply(BusMessage message, long value, String operation) {
		if (message.requestId == 0) {
			return;
		}
		byte[] reply = BusMessage.reply(this.number, message.requestId, value);
		if (message.origin == this.number) {
			Pending request = this.pending.get(message.requestId);
			if (request != null) {
				request.reply(value);
			}
			return;
		}
		sendTo(message.origin, reply, operation);
	}

	private void malformed(ByteBuffer channel, @Nullable String reason) {
		count("malformed");
		long dropped = this.malformedSinceLog.incrementAndGet();
		long now = System.nanoTime();
		long last = this.lastMalformedLog.get();
		if (now - last >= MALFORMED_LOG_INTERVAL_NANOS && this.lastMalformedLog.compareAndSet(last, now)) {
			this.malformedSinceLog.addAndGet(-dropped);
			logger.warn(
					"Malformed cluster message on " + StandardCharsets.UTF_8.decode(channel.duplicate()) + " dropped: "
							+ reason + ((dropped > 1) ? " (" + dropped + " dropped since the last warning)" : ""));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Malformed cluster message dropped: " + reason);
		}
	}

	// Subscription

	private Mono<Void> subscribe() {
		return Mono.defer(() -> {
			ReactiveRedisConnection connection = this.connectionFactory.getReactiveConnection();
			synchronized (this.subscriptionMonitor) {
				this.subscriptionConnection = connection;
			}
			return connection.pubSubCommands().createSubscription().flatMap((created) -> {
				Disposable receiver = created.receive()
					.subscribe((message) -> onMessage(created, message), (ex) -> subscriptionEnded(created, ex),
							() -> subscriptionEnded(created, null));
				synchronized (this.subscriptionMonitor) {
					this.subscription = created;
					this.receiving = receiver;
				}
				return created.subscribe(ByteBuffer.wrap(this.ownChannel), ByteBuffer.wrap(this.keys.allChannel));
			}).timeout(this.requestTimeout).doOnSuccess((done) -> this.subscribed = true);
		});
	}

	private void subscriptionEnded(ReactiveSubscription ended, @Nullable Throwable ex) {
		synchronized (this.subscriptionMonitor) {
			if (this.subscription != ended) {
				return;
			}
			this.subscribed = false;
		}
		if (!this.stopped) {
			count("subscription");
			logger.warn("Subscription to the cluster channels ended" + ((ex != null) ? ": " + ex : "")
					+ "; resubscribing at the next heartbeat");
			requestHeartbeat();
		}
	}

	private Mono<Void> resubscribe() {
		return Mono.defer(() -> {
			this.resubscribing = true;
			this.subscribed = false;
			logger.info("Node " + nodeId() + " is not subscribed to the cluster channels: resubscribing");
			return unsubscribe().then(subscribe())
				.doOnError((ex) -> count("subscription"))
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
		synchronized (this.subscriptionMonitor) {
			receiver = this.receiving;
			connection = this.subscriptionConnection;
			this.subscription = null;
			this.receiving = null;
			this.subscriptionConnection = null;
		}
		if (receiver != null) {
			receiver.dispose();
		}
		if (connection == null) {
			return Mono.empty();
		}
		return connection.closeLater().timeout(this.requestTimeout).onErrorResume((ex) -> Mono.empty());
	}

	// Lifecycle

	/**
	 * Join the cluster: take a node number from Redis and give the local server the fd
	 * base {@code number << 40}, before it accepts any connection. Fails when Redis does
	 * not answer within the node timeout.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		if (this.number != 0) {
			return;
		}
		Duration timeout = this.settings.nodeTimeout();
		Long joined;
		try {
			joined = this.redis
				.execute(ClusterKeys.JOIN, List.of(this.keys.seq, this.keys.nodes),
						List.of(this.keys.nodePrefix, ClusterKeys.entry(0, 0, nodeId()),
								Long.toString(timeout.toMillis()), nodeId()))
				.next()
				.timeout(timeout)
				.block(timeout.plusSeconds(1));
		}
		catch (RuntimeException ex) {
			throw new WebSocketClusterException("Node " + nodeId() + " could not join the WebSocket cluster: Redis "
					+ "did not answer within " + timeout + " (check spring.data.redis.*): "
					+ NestedExceptionUtils.getMostSpecificCause(ex).getMessage(), ex);
		}
		Assert.state(joined != null && joined > 0, "Redis gave no node number");
		if (joined > ClusterSettings.MAX_NODE_NUMBER) {
			throw new WebSocketClusterException("Node number " + joined + " is above " + ClusterSettings.MAX_NODE_NUMBER
					+ ": reset the key " + this.keys.seq + " when no node runs");
		}
		this.number = joined;
		this.ownChannel = this.keys.channel(joined);
		this.local.setFdBase(joined << ClusterSettings.NODE_SHIFT);
		this.maxKnownNumber = joined;
		this.view = Map.of(joined, new NodeView(joined, nodeId(), 0, 0, null, -1));
		this.available = true;
		logger.info("Node " + nodeId() + " joined the WebSocket cluster as number " + joined + " (fds from "
				+ (joined << ClusterSettings.NODE_SHIFT) + ")");
	}

	@Override
	public void start() {
		afterSingletonsInstantiated();
		Scheduler scheduler = Schedulers.newSingle("wsboot-cluster", true);
		this.scheduler = scheduler;
		this.stopped = false;
		this.running = true;
		try {
			subscribe().block(this.requestTimeout.plusSeconds(1));
		}
		catch (RuntimeException ex) {
			count("subscription");
			markUnavailable("subscription failed: " + ex);
		}
		ClientResources resources = this.clientResources;
		if (resources != null) {
			this.eventBusListener = resources.eventBus().get().subscribe(this::onRedisEvent, (ex) -> {
			});
		}
		heartbeat().onErrorResume((ex) -> Mono.empty()).block(this.requestTimeout.multipliedBy(3));
		long interval = this.settings.heartbeatInterval().toMillis();
		this.heartbeatTask = scheduler.schedulePeriodically(this::runHeartbeat, interval, interval,
				TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		this.running = false;
		this.stopped = true;
		Disposable task = this.heartbeatTask;
		if (task != null) {
			task.dispose();
		}
		Disposable events = this.eventBusListener;
		if (events != null) {
			events.dispose();
		}
		if (this.number != 0) {
			Duration wait = Duration.ofSeconds(2);
			try {
				Mono.when(publish(this.keys.allChannel, BusMessage.leave(this.number)),
						this.redis
							.execute(ClusterKeys.LEAVE,
									List.of(this.keys.node(this.number), this.keys.fds(this.number), this.keys.nodes),
									List.of(Long.toString(this.number)))
							.next())
					.timeout(wait)
					.block(wait.plusSeconds(1));
			}
			catch (RuntimeException ex) {
				logger.info("Node " + nodeId() + " could not leave the cluster cleanly (" + ex
						+ "): its entry expires within " + this.settings.nodeTimeout());
			}
		}
		try {
			unsubscribe().block(Duration.ofSeconds(2));
		}
		catch (RuntimeException ex) {
			// Closed anyway with the connection factory
		}
		for (Pending request : this.pending.values()) {
			request.fail(new WebSocketClusterException("Node " + nodeId() + " is stopping"));
		}
		Scheduler scheduler = this.scheduler;
		if (scheduler != null) {
			scheduler.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void onRedisEvent(Event event) {
		if (this.stopped) {
			return;
		}
		if (event instanceof DisconnectedEvent && !this.resubscribing) {
			markUnavailable("connection to " + ((DisconnectedEvent) event).remoteAddress() + " lost");
			requestHeartbeat();
		}
		else if (event instanceof ConnectionActivatedEvent) {
			requestHeartbeat();
		}
	}

	// Registry events

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return WebSocketOpenEvent.class.isAssignableFrom(eventType)
				|| WebSocketCloseEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event.getSource() != this.local || this.stopped) {
			return;
		}
		if (event instanceof WebSocketOpenEvent open) {
			this.opensSeen.incrementAndGet();
			this.registry.opened(open.getFd());
		}
		else if (event instanceof WebSocketCloseEvent close) {
			this.registry.closed(close.getFd());
		}
	}

	// Heartbeat

	private void requestHeartbeat() {
		Scheduler scheduler = this.scheduler;
		if (scheduler != null && !this.stopped) {
			try {
				scheduler.schedule(this::runHeartbeat);
			}
			catch (RuntimeException ex) {
				// Disposed: stopping
			}
		}
	}

	private void runHeartbeat() {
		synchronized (this.heartbeatMonitor) {
			if (this.heartbeatRunning) {
				this.heartbeatAgain = true;
				return;
			}
			this.heartbeatRunning = true;
		}
		heartbeat().subscribe(null, (ex) -> heartbeatDone(), this::heartbeatDone);
	}

	private void heartbeatDone() {
		boolean again;
		synchronized (this.heartbeatMonitor) {
			this.heartbeatRunning = false;
			again = this.heartbeatAgain;
			this.heartbeatAgain = false;
		}
		if (again) {
			requestHeartbeat();
		}
	}

	/**
	 * Refresh this node's entry, read the live nodes, check the subscription, fetch the
	 * changed fd sets, then bring the registry up to date.
	 */
	private Mono<Void> heartbeat() {
		return Mono.defer(() -> {
			if (this.stopped) {
				return Mono.empty();
			}
			long ttl = this.settings.nodeTimeout().toMillis();
			String entry = ClusterKeys.entry(this.local.stats().connections(), this.registry.version.get(), nodeId());
			return this.redis.execute(ClusterKeys.HEARTBEAT,
					List.of(this.keys.node(this.number), this.keys.fds(this.number), this.keys.nodes, this.keys.seq),
					List.of(entry, Long.toString(ttl), Long.toString(this.number), nodeId(), this.keys.nodePrefix,
							this.keys.fdsPrefix))
				.next()
				.timeout(this.requestTimeout)
				.doOnNext(this::applyView)
				.then(publish(this.ownChannel, BusMessage.probe(this.number)))
				.flatMap((receivers) -> (receivers > 0 && this.subscribed) ? Mono.<Void>empty() : resubscribe())
				.then(Mono.defer(this::fetchChangedFds))
				.doOnSuccess((done) -> {
					markAvailable();
					reconcileIfNeeded();
					this.registry.kick();
				})
				.doOnError((ex) -> {
					count("heartbeat");
					markUnavailable("heartbeat failed: " + ex);
					if (logger.isDebugEnabled()) {
						logger.debug("Heartbeat failed", ex);
					}
				});
		});
	}

	private void applyView(List<?> result) {
		if (result.isEmpty()) {
			return;
		}
		boolean lost = "0".equals(String.valueOf(result.get(0)));
		if (lost && !this.registry.resyncNeeded) {
			logger.info("Node " + nodeId() + " was missing from the cluster registry (expired, or Redis restarted): "
					+ "entering it again");
			this.registry.resyncNeeded = true;
		}
		synchronized (this.viewMonitor) {
			Map<Long, NodeView> previous = this.view;
			Map<Long, NodeView> next = new ConcurrentHashMap<>();
			long max = this.maxKnownNumber;
			for (int i = 1; i + 1 < result.size(); i += 2) {
				try {
					long node = Long.parseLong(String.valueOf(result.get(i)));
					String[] parts = String.valueOf(result.get(i + 1)).split("\\|", 3);
					long connections = Long.parseLong(parts[0]);
					long version = Long.parseLong(parts[1]);
					String id = parts[2];
					NodeView old = previous.get(node);
					next.put(node, (old != null) ? old.update(id, connections, version)
							: new NodeView(node, id, connections, version, null, -1));
					max = Math.max(max, node);
				}
				catch (RuntimeException ex) {
					count("malformed");
					if (logger.isDebugEnabled()) {
						logger.debug("Invalid cluster registry entry ignored: " + result.get(i + 1));
					}
				}
			}
			next.putIfAbsent(this.number, new NodeView(this.number, nodeId(), 0, 0, null, -1));
			keepNodesOfALostRegistry(previous, next, lost);
			this.view = Map.copyOf(next);
			this.maxKnownNumber = max;
		}
	}

	/**
	 * When the registry lost this node's entry (a Redis restarted without persistence),
	 * it lost the others' too: keep the nodes seen before for up to a node timeout, until
	 * they enter it again, rather than take them for gone.
	 */
	private void keepNodesOfALostRegistry(Map<Long, NodeView> previous, Map<Long, NodeView> next, boolean lost) {
		long now = System.nanoTime();
		if (lost) {
			long until = now + this.settings.nodeTimeout().toNanos();
			for (Long node : previous.keySet()) {
				if (!next.containsKey(node)) {
					this.keptUntil.putIfAbsent(node, until);
				}
			}
		}
		this.keptUntil.entrySet().removeIf((kept) -> {
			NodeView before = previous.get(kept.getKey());
			if (next.containsKey(kept.getKey()) || before == null || now - kept.getValue() >= 0) {
				return true;
			}
			next.put(kept.getKey(), before);
			return false;
		});
	}

	private void removeNode(long node) {
		synchronized (this.viewMonitor) {
			if (this.view.containsKey(node)) {
				Map<Long, NodeView> next = new HashMap<>(this.view);
				next.remove(node);
				this.keptUntil.remove(node);
				this.view = Map.copyOf(next);
				this.maxKnownNumber = Math.max(this.maxKnownNumber, node);
			}
		}
	}

	private Mono<Void> fetchChangedFds() {
		List<NodeView> changed = this.view.values()
			.stream()
			.filter((node) -> node.number() != this.number && node.fdsVersion() != node.version())
			.toList();
		if (changed.isEmpty()) {
			return Mono.empty();
		}
		return Flux.fromIterable(changed)
			.flatMap((node) -> this.redis.opsForSet()
				.members(this.keys.fds(node.number()))
				.collectList()
				.doOnNext((members) -> storeFds(node.number(), node.version(), members)))
			.timeout(this.requestTimeout)
			.then();
	}

	private void storeFds(long node, long version, List<String> members) {
		long[] fds = new long[members.size()];
		int count = 0;
		for (String member : members) {
			try {
				fds[count] = Long.parseLong(member);
				count++;
			}
			catch (NumberFormatException ex) {
				// Not ours: ignored
			}
		}
		long[] sorted = Arrays.copyOf(fds, count);
		Arrays.sort(sorted);
		synchronized (this.viewMonitor) {
			NodeView current = this.view.get(node);
			if (current != null) {
				Map<Long, NodeView> next = new HashMap<>(this.view);
				next.put(node, current.withFds(sorted, version));
				this.view = Map.copyOf(next);
			}
		}
	}

	/**
	 * Connections accepted by a custom handshake publish no open event: when the server
	 * accepted more connections than open events were seen, compare the registry with the
	 * server's connections.
	 */
	private void reconcileIfNeeded() {
		long unseen = this.local.stats().accepted() - this.opensSeen.get();
		if (unseen != this.lastUnseen) {
			this.lastUnseen = unseen;
			this.registry.reconcile();
		}
	}

	/**
	 * A node as the last heartbeat saw it, with its fds as last fetched.
	 *
	 * @param number its number
	 * @param id its id
	 * @param connections its connections at its last heartbeat
	 * @param version the version of its fd set at its last heartbeat
	 * @param fds its fds, sorted, or {@code null} before the first fetch
	 * @param fdsVersion the version those fds were fetched at
	 */
	record NodeView(long number, String id, long connections, long version, long @Nullable [] fds, long fdsVersion) {

		NodeView update(String id, long connections, long version) {
			return new NodeView(this.number, id, connections, version, this.fds, this.fdsVersion);
		}

		NodeView withFds(long[] fds, long fdsVersion) {
			return new NodeView(this.number, this.id, this.connections, this.version, fds, fdsVersion);
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

	/**
	 * This node's fd set in Redis, written by one writer at a time: updates from the open
	 * and close events in batches, and a full rewrite when the set may have been lost.
	 */
	private final class Registry {

		private final Queue<String> updates = new ConcurrentLinkedQueue<>();

		private final AtomicInteger queued = new AtomicInteger();

		private final Set<Long> mirror = ConcurrentHashMap.newKeySet();

		private final AtomicBoolean writing = new AtomicBoolean();

		final AtomicLong version = new AtomicLong();

		volatile boolean resyncNeeded;

		void opened(long fd) {
			this.mirror.add(fd);
			enqueue("+" + fd);
		}

		void closed(long fd) {
			this.mirror.remove(fd);
			enqueue("-" + fd);
		}

		void reconcile() {
			for (Long fd : ClusterWebSocketServer.this.local.connections()) {
				if (this.mirror.add(fd)) {
					enqueue("+" + fd);
				}
			}
			for (Long fd : this.mirror) {
				if (!ClusterWebSocketServer.this.local.exists(fd)) {
					this.mirror.remove(fd);
					enqueue("-" + fd);
				}
			}
		}

		private void enqueue(String update) {
			if (this.queued.incrementAndGet() > MAX_QUEUED_UPDATES) {
				// Redis is away for long: the rewrite after it returns covers these
				this.resyncNeeded = true;
				drain();
				return;
			}
			this.updates.add(update);
			kick();
		}

		private void drain() {
			while (this.updates.poll() != null) {
				this.queued.decrementAndGet();
			}
		}

		void kick() {
			if (!ClusterWebSocketServer.this.available || ClusterWebSocketServer.this.stopped) {
				return;
			}
			if (this.writing.compareAndSet(false, true)) {
				next();
			}
		}

		private void next() {
			if (ClusterWebSocketServer.this.stopped) {
				this.writing.set(false);
				return;
			}
			Mono<?> work;
			if (this.resyncNeeded) {
				this.resyncNeeded = false;
				work = rewrite();
			}
			else {
				List<String> batch = new ArrayList<>();
				String update;
				while (batch.size() < UPDATE_BATCH && (update = this.updates.poll()) != null) {
					this.queued.decrementAndGet();
					// An fd closed meanwhile has its removal queued after this: skip the
					// add
					if (update.charAt(0) != '+'
							|| ClusterWebSocketServer.this.local.exists(Long.parseLong(update.substring(1)))) {
						batch.add(update);
					}
				}
				if (batch.isEmpty()) {
					this.writing.set(false);
					if (!this.updates.isEmpty() || this.resyncNeeded) {
						kick();
					}
					return;
				}
				work = update(fdsKey(), batch);
			}
			work.timeout(ClusterWebSocketServer.this.requestTimeout).subscribe(null, (ex) -> {
				this.resyncNeeded = true;
				this.writing.set(false);
				redisFailed("registry", ex);
			}, () -> {
				this.version.incrementAndGet();
				next();
			});
		}

		private String fdsKey() {
			return ClusterWebSocketServer.this.keys.fds(ClusterWebSocketServer.this.number);
		}

		private Mono<Long> update(String key, List<String> batch) {
			List<String> args = new ArrayList<>(batch.size() + 1);
			args.add(Long.toString(ClusterWebSocketServer.this.settings.nodeTimeout().toMillis()));
			args.addAll(batch);
			return ClusterWebSocketServer.this.redis.execute(ClusterKeys.UPDATE, List.of(key), args).next();
		}

		/**
		 * Write the server's connections aside, then put them in place of the set.
		 */
		private Mono<Long> rewrite() {
			drain();
			List<Long> fds = ClusterWebSocketServer.this.local.connections();
			this.mirror.clear();
			this.mirror.addAll(fds);
			String key = fdsKey();
			String aside = key + ":rewrite";
			ReactiveStringRedisTemplate redis = ClusterWebSocketServer.this.redis;
			Mono<Long> work = redis.delete(aside);
			for (int from = 0; from < fds.size(); from += UPDATE_BATCH) {
				List<String> chunk = fds.subList(from, Math.min(fds.size(), from + UPDATE_BATCH))
					.stream()
					.map((fd) -> "+" + fd)
					.toList();
				work = work.then(update(aside, chunk));
			}
			String ttl = Long.toString(ClusterWebSocketServer.this.settings.nodeTimeout().toMillis());
			return work.then(redis.execute(ClusterKeys.REPLACE, List.of(aside, key), List.of(ttl)).next());
		}

	}

}
