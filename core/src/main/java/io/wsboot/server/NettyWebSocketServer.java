package io.wsboot.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongPredicate;

import io.micrometer.observation.ObservationRegistry;
import io.wsboot.ConnectionInfo;
import io.wsboot.HandshakeRequest;
import io.wsboot.Opcode;
import io.wsboot.WebSocketServer;
import io.wsboot.WebSocketStats;
import io.wsboot.connection.CallbackContext;
import io.wsboot.connection.FrameRules;
import io.wsboot.connection.PipelineInitializer;
import io.wsboot.connection.WebSocketConnection;
import io.wsboot.event.WebSocketEventPublisher;
import io.wsboot.metrics.WebSocketCounters;
import io.wsboot.observation.MessageObservationConvention;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.util.Assert;

/**
 * {@link WebSocketServer} on Reactor Netty: a facade over the {@link ConnectionRegistry
 * registry} of connections, the {@link Broadcaster}, the {@link TimerService}, the
 * {@link CallbackContext} of {@code defer}, the {@link ConnectionLifecycle life of the
 * connections} (with their {@link io.wsboot.connection.PipelineInitializer pipeline}) and
 * the {@link WebSocketEventPublisher}. It takes the connections the handshake upgraded
 * ({@link #established}) and closes them all with 1001 when it stops.
 *
 * @since 0.1.0
 */
public class NettyWebSocketServer implements WebSocketServer, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(NettyWebSocketServer.class);

	/**
	 * Phase of this lifecycle: stopped before the web server, so that connections are
	 * sent 1001 at the start of a (graceful) shutdown.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private final WebSocketServerSettings settings;

	private final Scheduler timerScheduler = Schedulers.parallel();

	private final WebSocketCounters counters = new WebSocketCounters();

	private final ConnectionRegistry registry;

	private final Broadcaster broadcaster;

	private final TimerService timers;

	private final WebSocketEventPublisher events;

	private final ConnectionLifecycle lifecycle;

	private volatile Instant startTime = Instant.now();

	/**
	 * Create a server.
	 * @param publisher where events are published
	 * @param settings the server's settings
	 */
	public NettyWebSocketServer(ApplicationEventPublisher publisher, WebSocketServerSettings settings) {
		Assert.notNull(publisher, "'publisher' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		this.settings = settings;
		this.registry = new ConnectionRegistry(settings.maxConnections());
		this.broadcaster = new Broadcaster(this.registry);
		this.timers = new TimerService(this.timerScheduler, settings.worker());
		this.events = new WebSocketEventPublisher(this, publisher);
		this.lifecycle = new ConnectionLifecycle(settings, this.registry, this.timers, this.counters, this.events);
	}

	// Push and disconnect

	@Override
	public boolean push(long fd, String text) {
		Assert.notNull(text, "'text' must not be null");
		WebSocketConnection connection = openConnection(fd);
		return connection != null && connection.writer().text(text);
	}

	@Override
	public boolean push(long fd, byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		WebSocketConnection connection = openConnection(fd);
		return connection != null && connection.writer().binary(data);
	}

	@Override
	public boolean push(long fd, String data, Opcode opcode, boolean finish) {
		Assert.notNull(data, "'data' must not be null");
		return push(fd, data.getBytes(StandardCharsets.UTF_8), opcode, finish);
	}

	@Override
	public boolean push(long fd, byte[] data, Opcode opcode, boolean finish) {
		Assert.notNull(data, "'data' must not be null");
		FrameRules.checkPushedFrame(opcode, finish, data.length);
		WebSocketConnection connection = openConnection(fd);
		return connection != null && connection.writer().frame(data, opcode, finish);
	}

	private @Nullable WebSocketConnection openConnection(long fd) {
		WebSocketConnection connection = this.registry.get(fd);
		if (connection == null || !connection.isOpen()) {
			this.counters.dropped();
			if (logger.isDebugEnabled()) {
				logger.debug("[fd=" + fd + "] Push dropped: "
						+ ((connection != null) ? "connection is closing" : "no such connection"));
			}
			return null;
		}
		return connection;
	}

	@Override
	public boolean exists(long fd) {
		WebSocketConnection connection = this.registry.get(fd);
		return connection != null && !connection.isClosed();
	}

	@Override
	public boolean isEstablished(long fd) {
		return this.registry.getOpen(fd) != null;
	}

	@Override
	public boolean disconnect(long fd, int code, String reason) {
		FrameRules.checkClose(code, reason);
		WebSocketConnection connection = this.registry.get(fd);
		return connection != null && connection.close(code, reason);
	}

	// Broadcast and queries

	@Override
	public int broadcast(String text) {
		Assert.notNull(text, "'text' must not be null");
		return this.broadcaster.text(text, (fd) -> true);
	}

	@Override
	public int broadcast(String text, LongPredicate filter) {
		Assert.notNull(text, "'text' must not be null");
		Assert.notNull(filter, "'filter' must not be null");
		return this.broadcaster.text(text, filter);
	}

	@Override
	public int broadcast(byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		return this.broadcaster.binary(data, (fd) -> true);
	}

	@Override
	public List<Long> connections() {
		return this.registry.openFds();
	}

	@Override
	public Optional<ConnectionInfo> info(long fd) {
		WebSocketConnection connection = this.registry.get(fd);
		return (connection != null) ? Optional.of(connection.info()) : Optional.empty();
	}

	@Override
	public WebSocketStats stats() {
		WebSocketCounters counters = this.counters;
		return new WebSocketStats(this.registry.size(), counters.acceptedConnections(), counters.closedConnections(),
				counters.rejectedHandshakes(), this.timers.size(), counters.textReceived() + counters.binaryReceived(),
				counters.textSent() + counters.binarySent(), counters.bytesReceived(), counters.bytesSent(),
				counters.pushDropped(), this.startTime);
	}

	// Timers and defer

	@Override
	public long tick(Duration interval, Runnable task) {
		return this.timers.tick(interval, task);
	}

	@Override
	public long after(Duration delay, Runnable task) {
		return this.timers.after(delay, task);
	}

	@Override
	public long tick(long fd, Duration interval, Runnable task) {
		return this.timers.tick(this.registry.get(fd), interval, task);
	}

	@Override
	public long after(long fd, Duration delay, Runnable task) {
		return this.timers.after(this.registry.get(fd), delay, task);
	}

	@Override
	public boolean clearTimer(long timerId) {
		return this.timers.clear(timerId);
	}

	@Override
	public void defer(Runnable task) {
		Assert.notNull(task, "'task' must not be null");
		CallbackContext.Target current = CallbackContext.current();
		if (current != null) {
			current.defer(task);
			return;
		}
		Runnable guarded = () -> {
			try {
				task.run();
			}
			catch (Throwable ex) {
				logger.error("Deferred task failed", ex);
			}
		};
		Executor worker = this.settings.worker();
		if (worker != null) {
			worker.execute(guarded);
		}
		else {
			this.timerScheduler.schedule(guarded);
		}
	}

	// The engine's parts, for the handshake, the cluster, metrics and health

	/**
	 * Return the server's settings.
	 * @return the settings
	 */
	public WebSocketServerSettings getSettings() {
		return this.settings;
	}

	/**
	 * Return the registry of connections, where the handshake takes fds and slots.
	 * @return the registry
	 */
	public ConnectionRegistry getRegistry() {
		return this.registry;
	}

	/**
	 * Return the server's counters.
	 * @return the counters
	 */
	public WebSocketCounters getCounters() {
		return this.counters;
	}

	/**
	 * Set the value the fds of this server start above, so that the fds of several
	 * servers (the nodes of a cluster) never meet. Call before the server starts.
	 * @param fdBase the base, {@code 0} by default
	 */
	public void setFdBase(long fdBase) {
		this.registry.setFdBase(fdBase);
	}

	/**
	 * Add a listener told of every connection that enters and leaves the registry.
	 * @param listener the listener
	 */
	public void addConnectionLifecycleListener(ConnectionLifecycleListener listener) {
		this.registry.addListener(listener);
	}

	/**
	 * Publish events straight through the context's multicaster, with their type resolved
	 * once rather than for every event. Only for a context without a parent: the
	 * multicaster does not pass events on to a parent context's listeners.
	 * @param multicaster the multicaster of the application context
	 */
	public void setMulticaster(ApplicationEventMulticaster multicaster) {
		this.events.setMulticaster(multicaster);
	}

	/**
	 * Observe the handling of messages.
	 * @param registry where observations go
	 * @param convention a convention of the application's, or {@code null} for the
	 * default
	 */
	public void setObservation(ObservationRegistry registry, @Nullable MessageObservationConvention convention) {
		this.events.setObservation(registry, convention);
	}

	// Connection lifecycle, called by the handshake

	/**
	 * Register a connection whose 101 response was written and return the publisher that
	 * lives as long as it does. Runs on the connection's event loop.
	 * @param inbound the connection's inbound
	 * @param outbound the connection's outbound
	 * @param request its handshake request
	 * @param attributes the attributes the handshake left
	 * @param subprotocol the subprotocol agreed, or {@code null}
	 * @param deferred the tasks deferred during the handshake, run once it is registered
	 * @param publishOpen whether to publish its open event
	 * @return what completes when the connection ends
	 */
	public Publisher<Void> established(WebsocketInbound inbound, WebsocketOutbound outbound, HandshakeRequest request,
			Map<String, Object> attributes, @Nullable String subprotocol, List<Runnable> deferred,
			boolean publishOpen) {
		return this.lifecycle.established(inbound, outbound, request, attributes, subprotocol, deferred, publishOpen);
	}

	// Lifecycle

	@Override
	public void start() {
		this.lifecycle.start();
		this.startTime = Instant.now();
	}

	@Override
	public void stop() {
		this.lifecycle.shutdown();
		this.timers.clearAll();
	}

	@Override
	public boolean isRunning() {
		return this.lifecycle.isAccepting();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
