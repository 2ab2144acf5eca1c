package io.wsboot.netty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongPredicate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.FastThreadLocal;
import io.wsboot.ConnectionInfo;
import io.wsboot.Frame;
import io.wsboot.Opcode;
import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketOpenEvent;
import io.wsboot.WebSocketServer;
import io.wsboot.WebSocketStats;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * {@link WebSocketServer} on Reactor Netty: the registry of established connections, fds,
 * timers, counters, and the publication of the WebSocket events.
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

	private static final long SHUTDOWN_WAIT_MILLIS = 5000;

	private static final int MAX_CONTROL_PAYLOAD = 125;

	/** The handshake or connection whose callback runs on this thread, for defer. */
	private static final FastThreadLocal<@Nullable Object> context = new FastThreadLocal<>();

	private final ApplicationEventPublisher publisher;

	private final @Nullable Executor worker;

	private final Scheduler timerScheduler;

	final int maxMessageSize;

	final boolean deliverPingFrames;

	final boolean deliverPongFrames;

	final boolean deliverCloseFrames;

	private final AtomicLong fds = new AtomicLong();

	private final AtomicLong timerIds = new AtomicLong();

	private final Map<Long, WebSocketConnection> connections = new ConcurrentHashMap<>();

	private final Map<Long, Disposable> timers = new ConcurrentHashMap<>();

	private final LongAdder accepted = new LongAdder();

	private final LongAdder closed = new LongAdder();

	private final LongAdder rejectedHandshakes = new LongAdder();

	private final LongAdder messagesReceived = new LongAdder();

	private final LongAdder messagesSent = new LongAdder();

	private final LongAdder bytesReceived = new LongAdder();

	private final LongAdder bytesSent = new LongAdder();

	private final LongAdder pushDropped = new LongAdder();

	private final Object shutdownMonitor = new Object();

	private volatile boolean running;

	private volatile Instant startTime = Instant.now();

	/**
	 * Create a server.
	 * @param publisher where events are published
	 * @param settings the server's settings
	 */
	public NettyWebSocketServer(ApplicationEventPublisher publisher, Settings settings) {
		Assert.notNull(publisher, "'publisher' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		this.publisher = publisher;
		this.worker = settings.worker;
		this.timerScheduler = Schedulers.parallel();
		this.maxMessageSize = settings.maxMessageSize;
		this.deliverPingFrames = settings.deliverPingFrames;
		this.deliverPongFrames = settings.deliverPongFrames;
		this.deliverCloseFrames = settings.deliverCloseFrames;
	}

	// Push and disconnect

	@Override
	public boolean push(long fd, String text) {
		Assert.notNull(text, "'text' must not be null");
		WebSocketConnection connection = openConnection(fd);
		if (connection == null) {
			return false;
		}
		ByteBuf payload = ByteBufUtil.writeUtf8(connection.channel.alloc(), text);
		return sent(connection, new TextWebSocketFrame(payload), payload.readableBytes());
	}

	@Override
	public boolean push(long fd, byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		WebSocketConnection connection = openConnection(fd);
		if (connection == null) {
			return false;
		}
		return sent(connection, new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)), data.length);
	}

	@Override
	public boolean push(long fd, String data, Opcode opcode, boolean finish) {
		Assert.notNull(data, "'data' must not be null");
		return push(fd, data.getBytes(StandardCharsets.UTF_8), opcode, finish);
	}

	@Override
	public boolean push(long fd, byte[] data, Opcode opcode, boolean finish) {
		Assert.notNull(data, "'data' must not be null");
		Assert.notNull(opcode, "'opcode' must not be null");
		Assert.isTrue(opcode != Opcode.CLOSE, "'opcode' must not be CLOSE: use disconnect(fd, code, reason)");
		if (opcode.isControl()) {
			Assert.isTrue(finish, "Control frames must not be fragmented (RFC 6455 5.5)");
			Assert.isTrue(data.length <= MAX_CONTROL_PAYLOAD,
					"Control frames carry at most 125 bytes (RFC 6455 5.5), not " + data.length);
		}
		WebSocketConnection connection = openConnection(fd);
		if (connection == null) {
			return false;
		}
		ByteBuf payload = Unpooled.wrappedBuffer(data);
		WebSocketFrame frame = switch (opcode) {
			case TEXT -> new TextWebSocketFrame(finish, 0, payload);
			case BINARY -> new BinaryWebSocketFrame(finish, 0, payload);
			case CONTINUATION -> new ContinuationWebSocketFrame(finish, 0, payload);
			case PING -> new PingWebSocketFrame(payload);
			case PONG -> new PongWebSocketFrame(payload);
			case CLOSE -> throw new IllegalStateException();
		};
		return sent(connection, frame, data.length);
	}

	private @Nullable WebSocketConnection openConnection(long fd) {
		WebSocketConnection connection = this.connections.get(fd);
		if (connection == null || !connection.isOpen()) {
			this.pushDropped.increment();
			if (logger.isDebugEnabled()) {
				logger.debug("[fd=" + fd + "] Push dropped: "
						+ ((connection != null) ? "connection is closing" : "no such connection"));
			}
			return null;
		}
		return connection;
	}

	private boolean sent(WebSocketConnection connection, WebSocketFrame frame, int length) {
		if (connection.write(frame, length)) {
			this.messagesSent.increment();
			this.bytesSent.add(length);
			return true;
		}
		this.pushDropped.increment();
		return false;
	}

	@Override
	public boolean exists(long fd) {
		WebSocketConnection connection = this.connections.get(fd);
		return connection != null && connection.state != WebSocketConnection.CLOSED;
	}

	@Override
	public boolean isEstablished(long fd) {
		WebSocketConnection connection = this.connections.get(fd);
		return connection != null && connection.isOpen();
	}

	@Override
	public boolean disconnect(long fd, int code, String reason) {
		Assert.isTrue(isSendableCloseCode(code),
				() -> "'code' must be 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 7.4), not " + code);
		Assert.notNull(reason, "'reason' must not be null");
		Assert.isTrue(reason.getBytes(StandardCharsets.UTF_8).length <= MAX_CONTROL_PAYLOAD - 2,
				"'reason' must be at most 123 bytes of UTF-8 (RFC 6455 5.5)");
		WebSocketConnection connection = this.connections.get(fd);
		if (connection == null || !connection.isOpen()) {
			return false;
		}
		close(connection, code, reason);
		return true;
	}

	static boolean isSendableCloseCode(int code) {
		return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
	}

	/**
	 * Start the server side of the close handshake.
	 */
	void close(WebSocketConnection connection, int code, String reason) {
		if (connection.state != WebSocketConnection.OPEN) {
			return;
		}
		connection.closedByServer = true;
		connection.state = WebSocketConnection.CLOSING;
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + connection.fd + "] Closing with " + code + " " + reason);
		}
		connection.outbound.sendClose(code, reason).subscribe(null, (ex) -> connection.channel.close());
	}

	// Broadcast and queries

	@Override
	public int broadcast(String text) {
		return broadcast(text, (fd) -> true);
	}

	@Override
	public int broadcast(String text, LongPredicate filter) {
		Assert.notNull(text, "'text' must not be null");
		Assert.notNull(filter, "'filter' must not be null");
		return broadcast(ByteBufUtil.writeUtf8(ByteBufAllocator.DEFAULT, text), true, filter);
	}

	@Override
	public int broadcast(byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		return broadcast(Unpooled.copiedBuffer(data), false, (fd) -> true);
	}

	private int broadcast(ByteBuf payload, boolean text, LongPredicate filter) {
		int count = 0;
		int length = payload.readableBytes();
		try {
			for (WebSocketConnection connection : this.connections.values()) {
				if (connection.isOpen() && filter.test(connection.fd)) {
					ByteBuf shared = payload.retainedDuplicate();
					WebSocketFrame frame = text ? new TextWebSocketFrame(shared) : new BinaryWebSocketFrame(shared);
					if (sent(connection, frame, length)) {
						count++;
					}
				}
			}
		}
		finally {
			payload.release();
		}
		return count;
	}

	@Override
	public List<Long> connections() {
		List<Long> fds = new ArrayList<>(this.connections.size());
		for (WebSocketConnection connection : this.connections.values()) {
			if (connection.isOpen()) {
				fds.add(connection.fd);
			}
		}
		fds.sort(null);
		return List.copyOf(fds);
	}

	@Override
	public Optional<ConnectionInfo> info(long fd) {
		WebSocketConnection connection = this.connections.get(fd);
		return (connection != null) ? Optional.of(connection.info()) : Optional.empty();
	}

	@Override
	public WebSocketStats stats() {
		return new WebSocketStats(this.connections.size(), this.accepted.sum(), this.closed.sum(),
				this.rejectedHandshakes.sum(), this.timers.size(), this.messagesReceived.sum(), this.messagesSent.sum(),
				this.bytesReceived.sum(), this.bytesSent.sum(), this.pushDropped.sum(), this.startTime);
	}

	// Timers and defer

	@Override
	public long tick(Duration interval, Runnable task) {
		long millis = checkInterval(interval, task);
		long id = this.timerIds.incrementAndGet();
		Runnable run = timerTask(id, task, false);
		this.timers.put(id, this.timerScheduler.schedulePeriodically(run, millis, millis, TimeUnit.MILLISECONDS));
		return id;
	}

	@Override
	public long after(Duration delay, Runnable task) {
		long millis = checkDelay(delay, task);
		long id = this.timerIds.incrementAndGet();
		Runnable run = timerTask(id, task, true);
		Disposable disposable = this.timerScheduler.schedule(run, millis, TimeUnit.MILLISECONDS);
		// A zero delay may have run it already
		if (!disposable.isDisposed()) {
			this.timers.put(id, disposable);
		}
		return id;
	}

	private Runnable timerTask(long id, Runnable task, boolean once) {
		Runnable guarded = () -> {
			try {
				task.run();
			}
			catch (Throwable ex) {
				logger.error("Timer " + id + " failed", ex);
			}
		};
		Executor worker = this.worker;
		return () -> {
			if (once) {
				this.timers.remove(id);
			}
			if (worker != null) {
				worker.execute(guarded);
			}
			else {
				guarded.run();
			}
		};
	}

	@Override
	public long tick(long fd, Duration interval, Runnable task) {
		long millis = checkInterval(interval, task);
		WebSocketConnection connection = this.connections.get(fd);
		if (connection == null || !connection.isOpen()) {
			return -1;
		}
		long id = this.timerIds.incrementAndGet();
		ScheduledFuture<?> future = connection.channel.eventLoop()
			.scheduleAtFixedRate(() -> connection.execute(task), millis, millis, TimeUnit.MILLISECONDS);
		return boundTimer(connection, id, future);
	}

	@Override
	public long after(long fd, Duration delay, Runnable task) {
		long millis = checkDelay(delay, task);
		WebSocketConnection connection = this.connections.get(fd);
		if (connection == null || !connection.isOpen()) {
			return -1;
		}
		long id = this.timerIds.incrementAndGet();
		ScheduledFuture<?> future = connection.channel.eventLoop().schedule(() -> {
			this.timers.remove(id);
			connection.timers.remove(id);
			connection.execute(task);
		}, millis, TimeUnit.MILLISECONDS);
		return boundTimer(connection, id, future);
	}

	private long boundTimer(WebSocketConnection connection, long id, ScheduledFuture<?> future) {
		this.timers.put(id, () -> future.cancel(false));
		connection.timers.add(id);
		if (connection.state == WebSocketConnection.CLOSED) {
			// Closed meanwhile: the close already cancelled the others
			clearTimer(id);
		}
		return id;
	}

	private static long checkInterval(Duration interval, Runnable task) {
		Assert.notNull(interval, "'interval' must not be null");
		Assert.notNull(task, "'task' must not be null");
		long millis = interval.toMillis();
		Assert.isTrue(millis >= 1, "'interval' must be at least 1 ms");
		return millis;
	}

	private static long checkDelay(Duration delay, Runnable task) {
		Assert.notNull(delay, "'delay' must not be null");
		Assert.notNull(task, "'task' must not be null");
		Assert.isTrue(!delay.isNegative(), "'delay' must not be negative");
		return delay.toMillis();
	}

	@Override
	public boolean clearTimer(long timerId) {
		Disposable timer = this.timers.remove(timerId);
		if (timer == null) {
			return false;
		}
		timer.dispose();
		return true;
	}

	@Override
	public void defer(Runnable task) {
		Assert.notNull(task, "'task' must not be null");
		Object current = context.get();
		if (current instanceof HandshakeContext handshake) {
			handshake.defer(task);
		}
		else if (current instanceof WebSocketConnection connection) {
			connection.executeLater(task);
		}
		else {
			Executor worker = this.worker;
			Runnable guarded = () -> {
				try {
					task.run();
				}
				catch (Throwable ex) {
					logger.error("Deferred task failed", ex);
				}
			};
			if (worker != null) {
				worker.execute(guarded);
			}
			else {
				this.timerScheduler.schedule(guarded);
			}
		}
	}

	static @Nullable Object enterContext(Object value) {
		Object previous = context.get();
		context.set(value);
		return previous;
	}

	static void exitContext(@Nullable Object previous) {
		if (previous == null) {
			context.remove();
		}
		else {
			context.set(previous);
		}
	}

	// Connection lifecycle, called by the handshake handler

	long nextFd() {
		return this.fds.incrementAndGet();
	}

	void handshakeRejected() {
		this.rejectedHandshakes.increment();
	}

	/**
	 * Register a connection whose 101 response was written and return the publisher that
	 * lives as long as it does. Runs on the connection's event loop.
	 */
	Publisher<Void> established(WebsocketInbound inbound, WebsocketOutbound outbound, DefaultHandshakeRequest request,
			@Nullable String subprotocol, HandshakeContext handshake, boolean publishOpen) {
		Connection[] holder = new Connection[1];
		inbound.withConnection((connection) -> holder[0] = connection);
		Connection nettyConnection = holder[0];
		WebSocketConnection connection = new WebSocketConnection(this, request.getFd(), nettyConnection.channel(),
				outbound, request, subprotocol, this.worker);
		this.connections.put(connection.fd, connection);
		this.accepted.increment();
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + connection.fd + "] Connection established on " + connection.path
					+ ((subprotocol != null) ? " with subprotocol " + subprotocol : ""));
		}
		if (publishOpen) {
			connection.execute(() -> publish(connection, new WebSocketOpenEvent(this, request)));
		}
		for (Runnable task : handshake.established()) {
			connection.execute(task);
		}
		inbound.receiveCloseStatus().subscribe(connection::onCloseStatus);
		nettyConnection.onDispose(() -> closed(connection));
		if (!this.running) {
			close(connection, GOING_AWAY, "Server shutting down");
		}
		return inbound.receiveFrames().doOnNext(connection::onFrame).onErrorResume((ex) -> {
			if (logger.isDebugEnabled()) {
				logger.debug("[fd=" + connection.fd + "] Inbound failed: " + ex);
			}
			return Mono.empty();
		}).then();
	}

	private void closed(WebSocketConnection connection) {
		if (connection.state == WebSocketConnection.CLOSED) {
			return;
		}
		connection.state = WebSocketConnection.CLOSED;
		this.connections.remove(connection.fd);
		for (Long id : connection.timers) {
			clearTimer(id);
		}
		connection.timers.clear();
		connection.releaseFragments();
		this.closed.increment();
		WebSocketCloseStatus status = connection.closeStatus;
		int code = (status != null) ? status.code() : WebSocketCloseEvent.ABNORMAL_CLOSURE;
		String reason = (status != null && status.reasonText() != null) ? status.reasonText() : "";
		ClosedBy closedBy = connection.closedByServer ? ClosedBy.SERVER : ClosedBy.CLIENT;
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + connection.fd + "] Connection closed by " + closedBy + " with " + code);
		}
		connection.execute(() -> {
			try {
				publish(connection, new WebSocketCloseEvent(this, connection.fd, code, reason, closedBy));
			}
			finally {
				synchronized (this.shutdownMonitor) {
					this.shutdownMonitor.notifyAll();
				}
			}
		});
	}

	void messageReceived(int length) {
		this.messagesReceived.increment();
		this.bytesReceived.add(length);
	}

	void publishMessage(WebSocketConnection connection, Frame frame) {
		connection.execute(() -> publish(connection, new WebSocketMessageEvent(this, frame)));
	}

	private void publish(WebSocketConnection connection, ApplicationEvent event) {
		try {
			this.publisher.publishEvent(event);
		}
		catch (Throwable ex) {
			logger.error("[fd=" + connection.fd + "] Listener of " + event.getClass().getSimpleName() + " failed", ex);
		}
	}

	// Lifecycle

	@Override
	public void start() {
		this.startTime = Instant.now();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		List<WebSocketConnection> open = new ArrayList<>(this.connections.values());
		if (!open.isEmpty()) {
			logger.info("Closing " + open.size() + " WebSocket connection(s) with 1001");
			for (WebSocketConnection connection : open) {
				close(connection, GOING_AWAY, "Server shutting down");
			}
			awaitConnectionsClosed();
		}
		for (Long id : new ArrayList<>(this.timers.keySet())) {
			clearTimer(id);
		}
	}

	private void awaitConnectionsClosed() {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_WAIT_MILLIS);
		synchronized (this.shutdownMonitor) {
			while (!this.connections.isEmpty()) {
				long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (left <= 0) {
					logger.info(this.connections.size() + " WebSocket connection(s) did not close in time");
					return;
				}
				try {
					this.shutdownMonitor.wait(Math.min(left, 100));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
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

	/**
	 * Settings of a {@link NettyWebSocketServer}.
	 *
	 * @param maxMessageSize largest reassembled message, in bytes
	 * @param deliverPingFrames whether ping frames are published as message events
	 * @param deliverPongFrames whether pong frames are published as message events
	 * @param deliverCloseFrames whether the client's close frame is published as a
	 * message event
	 * @param worker where listeners run, or {@code null} for the event loop
	 */
	public record Settings(int maxMessageSize, boolean deliverPingFrames, boolean deliverPongFrames,
			boolean deliverCloseFrames, @Nullable Executor worker) {

		static Settings defaults() {
			return new Settings(1024 * 1024, false, false, false, null);
		}

	}

}
