package io.wsboot.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

import io.lettuce.core.resource.ClientResources;
import io.wsboot.ConnectionInfo;
import io.wsboot.Opcode;
import io.wsboot.WebSocketServer;
import io.wsboot.WebSocketStats;
import io.wsboot.cluster.ClusterNode;
import io.wsboot.cluster.WebSocketCluster;
import io.wsboot.cluster.WebSocketClusterException;
import io.wsboot.connection.FrameRules;
import io.wsboot.server.ConnectionLifecycleListener;
import io.wsboot.server.NettyWebSocketServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
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
 * <p>
 * This class routes; the node's parts do the rest: the remote calls (requests and their
 * answers), the bus subscription and what the node does with each bus message, the
 * heartbeat with the view of the nodes it keeps, the registry of this node's fds (told of
 * every connection by the local server's {@link ConnectionLifecycleListener} callback)
 * and the error counts.
 *
 * @since 0.1.0
 */
public class ClusterWebSocketServer
		implements WebSocketServer, WebSocketCluster, SmartLifecycle, SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(ClusterWebSocketServer.class);

	/**
	 * Tags {@code operation} of {@code wsboot.cluster.errors}: cross-node calls
	 * ({@code push}, {@code disconnect}, {@code exists}, {@code broadcast}), the node's
	 * upkeep ({@code heartbeat}, {@code registry}, {@code subscription}) and bus messages
	 * dropped as invalid ({@code malformed}).
	 */
	public static final List<String> ERROR_OPERATIONS = ClusterErrors.OPERATIONS;

	/**
	 * Phase of this lifecycle: started after the local server, stopped before it, so the
	 * node leaves the cluster before its connections are closed.
	 */
	public static final int PHASE = NettyWebSocketServer.PHASE + 1;

	private final NettyWebSocketServer local;

	private final ClusterSettings settings;

	private final ClusterErrors errors = new ClusterErrors();

	private final Membership membership;

	private final RemoteCalls calls;

	private final BusSubscription subscription;

	private final FdRegistry registry;

	private final Heartbeat heartbeat;

	private volatile boolean running;

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
		ReactiveStringRedisTemplate redis = new ReactiveStringRedisTemplate(connectionFactory);
		ClusterKeys keys = new ClusterKeys(settings.prefix());
		BusPublisher publisher = new BusPublisher(redis, keys, settings.requestTimeout());
		this.membership = new Membership(settings, this.errors);
		this.calls = new RemoteCalls(redis, keys, publisher, this.membership, this.errors, settings);
		BusHandler handler = new BusHandler(local, this.membership, this.calls, this.errors, settings.maxMessageSize());
		this.subscription = new BusSubscription(connectionFactory, keys, publisher, this.membership, this.errors,
				settings.requestTimeout(), handler::receive, this::subscriptionEnded);
		this.registry = new FdRegistry(local, redis, keys, this.membership, this.errors, settings);
		this.heartbeat = new Heartbeat(local, redis, keys, settings, clientResources, publisher, this.membership,
				this.subscription, this.registry, this.errors);
	}

	// WebSocketCluster

	@Override
	public String nodeId() {
		return this.settings.nodeId();
	}

	@Override
	public long nodeNumber() {
		return this.membership.number();
	}

	@Override
	public boolean isLocal(long fd) {
		return this.membership.isLocal(fd);
	}

	@Override
	public boolean isAvailable() {
		return this.errors.isAvailable();
	}

	@Override
	public List<ClusterNode> nodes() {
		return this.membership.nodes(this.local.stats().connections());
	}

	@Override
	public Map<String, Long> errorCounts() {
		return this.errors.counts();
	}

	/**
	 * Return the errors counted for one operation.
	 * @param operation one of {@link #ERROR_OPERATIONS}
	 * @return the count
	 */
	public long errorCount(String operation) {
		return this.errors.count(operation);
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
		byte[] payload = this.calls.checkSize(text.getBytes(StandardCharsets.UTF_8));
		return this.calls.request(fd, (id) -> BusMessage.push(nodeNumber(), id, fd, payload, Opcode.TEXT, true),
				"push");
	}

	@Override
	public Mono<Boolean> pushAsync(long fd, byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		if (isLocal(fd)) {
			return Mono.fromSupplier(() -> this.local.push(fd, data));
		}
		byte[] payload = this.calls.checkSize(data);
		return this.calls.request(fd, (id) -> BusMessage.push(nodeNumber(), id, fd, payload, Opcode.BINARY, true),
				"push");
	}

	@Override
	public Mono<Boolean> disconnectAsync(long fd, int code, String reason) {
		FrameRules.checkClose(code, reason);
		if (isLocal(fd)) {
			return Mono.fromSupplier(() -> this.local.disconnect(fd, code, reason));
		}
		return this.calls.request(fd, (id) -> BusMessage.disconnect(nodeNumber(), id, fd, code, reason), "disconnect");
	}

	@Override
	public Mono<Boolean> existsAsync(long fd) {
		return isLocal(fd) ? Mono.fromSupplier(() -> this.local.exists(fd)) : this.calls.exists(fd);
	}

	@Override
	public Mono<Boolean> isEstablishedAsync(long fd) {
		return isLocal(fd) ? Mono.fromSupplier(() -> this.local.isEstablished(fd)) : this.calls.exists(fd);
	}

	@Override
	public Mono<Integer> broadcastAsync(String text) {
		Assert.notNull(text, "'text' must not be null");
		byte[] payload = this.calls.checkSize(text.getBytes(StandardCharsets.UTF_8));
		return Mono.defer(() -> this.calls.broadcast(this.local.broadcast(text),
				(id) -> BusMessage.broadcast(nodeNumber(), id, payload, true)));
	}

	@Override
	public Mono<Integer> broadcastAsync(byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		byte[] payload = this.calls.checkSize(data);
		return Mono.defer(() -> this.calls.broadcast(this.local.broadcast(data),
				(id) -> BusMessage.broadcast(nodeNumber(), id, payload, false)));
	}

	// WebSocketServer

	@Override
	public boolean push(long fd, String text) {
		if (isLocal(fd)) {
			return this.local.push(fd, text);
		}
		Assert.notNull(text, "'text' must not be null");
		byte[] payload = this.calls.checkSize(text.getBytes(StandardCharsets.UTF_8));
		return this.calls.send(fd, () -> BusMessage.push(nodeNumber(), 0, fd, payload, Opcode.TEXT, true), "push");
	}

	@Override
	public boolean push(long fd, byte[] data) {
		if (isLocal(fd)) {
			return this.local.push(fd, data);
		}
		Assert.notNull(data, "'data' must not be null");
		byte[] payload = this.calls.checkSize(data);
		return this.calls.send(fd, () -> BusMessage.push(nodeNumber(), 0, fd, payload, Opcode.BINARY, true), "push");
	}

	@Override
	public boolean push(long fd, byte[] data, Opcode opcode, boolean finish) {
		if (isLocal(fd)) {
			return this.local.push(fd, data, opcode, finish);
		}
		Assert.notNull(data, "'data' must not be null");
		FrameRules.checkPushedFrame(opcode, finish, data.length);
		byte[] payload = this.calls.checkSize(data);
		return this.calls.send(fd, () -> BusMessage.push(nodeNumber(), 0, fd, payload, opcode, finish), "push");
	}

	@Override
	public boolean push(long fd, String data, Opcode opcode, boolean finish) {
		Assert.notNull(data, "'data' must not be null");
		return push(fd, data.getBytes(StandardCharsets.UTF_8), opcode, finish);
	}

	@Override
	public boolean exists(long fd) {
		return isLocal(fd) ? this.local.exists(fd) : this.membership.inSnapshot(fd);
	}

	@Override
	public boolean isEstablished(long fd) {
		return isLocal(fd) ? this.local.isEstablished(fd) : this.membership.inSnapshot(fd);
	}

	@Override
	public boolean disconnect(long fd, int code, String reason) {
		if (isLocal(fd)) {
			return this.local.disconnect(fd, code, reason);
		}
		FrameRules.checkClose(code, reason);
		return this.calls.send(fd, () -> BusMessage.disconnect(nodeNumber(), 0, fd, code, reason), "disconnect");
	}

	@Override
	public int broadcast(String text) {
		Assert.notNull(text, "'text' must not be null");
		byte[] payload = this.calls.checkSize(text.getBytes(StandardCharsets.UTF_8));
		int count = this.local.broadcast(text);
		this.calls.sendAll(BusMessage.broadcast(nodeNumber(), 0, payload, true));
		return count;
	}

	@Override
	public int broadcast(byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		byte[] payload = this.calls.checkSize(data);
		int count = this.local.broadcast(data);
		this.calls.sendAll(BusMessage.broadcast(nodeNumber(), 0, payload, false));
		return count;
	}

	@Override
	public int broadcast(String text, LongPredicate filter) {
		Assert.notNull(text, "'text' must not be null");
		Assert.notNull(filter, "'filter' must not be null");
		byte[] payload = this.calls.checkSize(text.getBytes(StandardCharsets.UTF_8));
		int count = this.local.broadcast(text, filter);
		this.calls.pushMany(filter, payload, true);
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

	// Lifecycle

	/**
	 * Join the cluster: take a node number from Redis and give the local server the fd
	 * base {@code number << 40}, before it accepts any connection, and have the registry
	 * of this node's fds told of its connections. Fails when Redis does not answer within
	 * the node timeout.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		if (this.membership.number() != 0) {
			return;
		}
		long joined = this.heartbeat.join();
		this.local.setFdBase(joined << ClusterSettings.NODE_SHIFT);
		this.local.addConnectionLifecycleListener(this.registry);
		logger.info("Node " + nodeId() + " joined the WebSocket cluster as number " + joined + " (fds from "
				+ (joined << ClusterSettings.NODE_SHIFT) + ")");
	}

	/**
	 * Start the node: write its fd set in full (connections registered before are in it),
	 * subscribe to its channels and start beating.
	 */
	@Override
	public void start() {
		afterSingletonsInstantiated();
		this.errors.open();
		this.running = true;
		this.registry.start();
		this.subscription.open();
		this.heartbeat.start();
	}

	/**
	 * Stop the node: leave the cluster, close the subscription and fail the requests that
	 * await answers. The local server's connections stay open.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.errors.close();
		this.registry.stop();
		this.subscription.closing();
		this.heartbeat.stop();
		this.heartbeat.leave();
		this.subscription.close();
		this.calls.failAll(new WebSocketClusterException("Node " + nodeId() + " is stopping"));
		this.heartbeat.dispose();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void subscriptionEnded() {
		this.heartbeat.request();
	}

}
