package io.wsboot.netty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongPredicate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.wsboot.ConnectionInfo;
import io.wsboot.Frame;
import io.wsboot.Opcode;
import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketOpenEvent;
import io.wsboot.WebSocketServer;
import io.wsboot.WebSocketStats;
import io.wsboot.connection.FrameRules;
import io.wsboot.server.ConnectionLifecycleListener;
import io.wsboot.observation.DefaultMessageObservationConvention;
import io.wsboot.observation.MessageObservationContext;
import io.wsboot.observation.MessageObservationConvention;
import io.wsboot.observation.WsbootObservationDocumentation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.core.ResolvableType;
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

	/**
	 * How long the server waits for the client's close frame after sending its own.
	 */
	static final long CLOSE_TIMEOUT_MILLIS = 5000;

	private static final ResolvableType MESSAGE_EVENT_TYPE = ResolvableType.forClass(WebSocketMessageEvent.class);

	private static final String IDLE_STATE = "wsboot.idleState";

	private static final String FLUSH_CONSOLIDATION = "wsboot.flushConsolidation";

	/** The handshake or connection whose callback runs on this thread, for defer. */
	private static final FastThreadLocal<@Nullable Object> context = new FastThreadLocal<>();

	private final ApplicationEventPublisher publisher;

	private @Nullable ApplicationEventMulticaster multicaster;

	private final @Nullable Executor worker;

	private final Scheduler timerScheduler;

	final int maxMessageSize;

	private final int maxFramePayloadLength;

	private final boolean compression;

	private final long idleTimeoutMillis;

	private final long pingIntervalMillis;

	private final int maxConnections;

	private final int sendBufferSize;

	final boolean closeOnSendBufferOverflow;

	/** Connections open or being upgraded, when there is a limit. */
	private final AtomicInteger slots = new AtomicInteger();

	final boolean deliverPingFrames;

	final boolean deliverPongFrames;

	final boolean deliverCloseFrames;

	private final AtomicLong fds = new AtomicLong();

	private volatile long fdBase;

	private final AtomicLong timerIds = new AtomicLong();

	private final Map<Long, WebSocketConnection> connections = new ConcurrentHashMap<>();

	private final Map<Long, TimerHandle> timers = new ConcurrentHashMap<>();

	private final WebSocketCounters counters = new WebSocketCounters();

	private final List<ConnectionLifecycleListener> lifecycleListeners = new CopyOnWriteArrayList<>();

	private static final MessageObservationConvention DEFAULT_MESSAGE_CONVENTION = new DefaultMessageObservationConvention();

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable MessageObservationConvention messageConvention;

	private final Object shutdownMonitor = new Object();

	private volatile boolean running;

	private volatile boolean stopping;

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
		this.worker = settings.worker();
		this.timerScheduler = Schedulers.parallel();
		this.maxMessageSize = settings.maxMessageSize();
		this.maxFramePayloadLength = settings.maxFrameSize();
		this.compression = settings.compression();
		this.idleTimeoutMillis = settings.idleTimeout().toMillis();
		this.pingIntervalMillis = settings.pingInterval().toMillis();
		this.maxConnections = settings.maxConnections();
		this.sendBufferSize = settings.sendBufferSize();
		this.closeOnSendBufferOverflow = settings.closeOnSendBufferOverflow();
		this.deliverPingFrames = settings.deliverPingFrames();
		this.deliverPongFrames = settings.deliverPongFrames();
		this.deliverCloseFrames = settings.deliverCloseFrames();
	}

	// Push and disconnect

	@Override
	public boolean push(long fd, String text) {
		Assert.notNull(text, "'text' must not be null");
		WebSocketConnection connection = openConnection(fd);
		if (connection == null) {
			return false;
		}
		if (connection.encodesFrames()) {
			ByteBuf frame = OutboundFrames.text(connection.channel.alloc(), text);
			return sentEncoded(connection, frame, OutboundFrames.payloadLength(frame), this.counters.textSent);
		}
		ByteBuf payload = OutboundFrames.utf8(connection.channel.alloc(), text);
		return sent(connection, new TextWebSocketFrame(payload), payload.readableBytes(), this.counters.textSent);
	}

	@Override
	public boolean push(long fd, byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		WebSocketConnection connection = openConnection(fd);
		if (connection == null) {
			return false;
		}
		if (connection.encodesFrames()) {
			return sentEncoded(connection, OutboundFrames.binary(connection.channel.alloc(), data), data.length,
					this.counters.binarySent);
		}
		return sent(connection, new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)), data.length,
				this.counters.binarySent);
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
		LongAdder messages = switch (opcode) {
			case TEXT -> this.counters.textSent;
			case BINARY -> this.counters.binarySent;
			default -> null;
		};
		return sent(connection, frame, data.length, messages);
	}

	private @Nullable WebSocketConnection openConnection(long fd) {
		WebSocketConnection connection = this.connections.get(fd);
		if (connection == null || !connection.isOpen()) {
			this.counters.pushDropped.increment();
			if (logger.isDebugEnabled()) {
				logger.debug("[fd=" + fd + "] Push dropped: "
						+ ((connection != null) ? "connection is closing" : "no such connection"));
			}
			return null;
		}
		return connection;
	}

	private boolean sent(WebSocketConnection connection, WebSocketFrame frame, int length,
			@Nullable LongAdder messages) {
		return counted(connection.write(frame, length), length, messages);
	}

	private boolean sentEncoded(WebSocketConnection connection, ByteBuf frame, int length, LongAdder messages) {
		return counted(connection.writeEncoded(frame, length), length, messages);
	}

	private boolean counted(boolean written, int length, @Nullable LongAdder messages) {
		if (written) {
			if (messages != null) {
				messages.increment();
			}
			this.counters.bytesSent.add(length);
			return true;
		}
		this.counters.pushDropped.increment();
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
		FrameRules.checkClose(code, reason);
		WebSocketConnection connection = this.connections.get(fd);
		if (connection == null || !connection.startClosing()) {
			return false;
		}
		sendClose(connection, code, reason);
		return true;
	}

	/**
	 * Start the server side of the close handshake.
	 */
	void close(WebSocketConnection connection, int code, String reason) {
		if (!connection.startClosing()) {
			return;
		}
		sendClose(connection, code, reason);
	}

	private void sendClose(WebSocketConnection connection, int code, String reason) {
		connection.closedByServer = true;
		connection.closeStatus = new WebSocketCloseStatus(code, reason, false);
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + connection.fd + "] Closing with " + code + " " + reason);
		}
		InboundFrameHandler handshake = connection.inboundHandler;
		if (handshake == null) {
			connection.outbound.sendClose(code, reason).subscribe(null, (ex) -> connection.channel.close());
			return;
		}
		handshake.closeSent = true;
		Channel channel = connection.channel;
		// The deadline runs from now: a client that does not read never lets the close
		// frame out
		channel.eventLoop().schedule(() -> channel.close(), CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
		channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener((future) -> {
			if (!future.isSuccess()) {
				channel.close();
			}
		});
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
		ByteBuf frame = OutboundFrames.text(ByteBufAllocator.DEFAULT, text);
		return broadcast(frame, OutboundFrames.payloadLength(frame), true, filter);
	}

	@Override
	public int broadcast(byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		return broadcast(OutboundFrames.binary(ByteBufAllocator.DEFAULT, data), data.length, false, (fd) -> true);
	}

	/**
	 * Send one encoded frame to every connection that the filter selects: right away to
	 * the connections of the calling event loop, in one task per event loop to the
	 * others.
	 */
	private int broadcast(ByteBuf frame, int length, boolean text, LongPredicate filter) {
		Broadcast broadcast = new Broadcast(frame, length, text);
		int count = 0;
		@Nullable Map<EventLoop, List<WebSocketConnection>> later = null;
		try {
			for (WebSocketConnection connection : this.connections.values()) {
				if (connection.broadcastable && connection.isOpen() && filter.test(connection.fd)) {
					EventLoop loop = connection.channel.eventLoop();
					if (loop.inEventLoop()) {
						if (broadcast.sendTo(connection)) {
							count++;
						}
					}
					else {
						if (later == null) {
							later = new HashMap<>();
						}
						later.computeIfAbsent(loop, (key) -> new ArrayList<>()).add(connection);
						// Its event loop writes it if it is still open and writable then
						if (connection.channel.isWritable()) {
							count++;
						}
					}
				}
			}
			if (later != null) {
				later.forEach((loop, targets) -> {
					frame.retain();
					try {
						loop.execute(() -> broadcast.sendTo(targets));
					}
					catch (RejectedExecutionException ex) {
						// The event loop is shutting down, and its connections with it
						frame.release();
					}
				});
			}
		}
		finally {
			frame.release();
		}
		return count;
	}

	/**
	 * One frame on its way to many connections: each gets a duplicate of it, or a frame
	 * object for Netty's encoder where an extension transforms frames.
	 */
	private final class Broadcast {

		private final ByteBuf frame;

		private final int length;

		private final boolean text;

		private final LongAdder messages;

		Broadcast(ByteBuf frame, int length, boolean text) {
			this.frame = frame;
			this.length = length;
			this.text = text;
			this.messages = text ? NettyWebSocketServer.this.counters.textSent
					: NettyWebSocketServer.this.counters.binarySent;
		}

		boolean sendTo(WebSocketConnection connection) {
			if (connection.encodesFrames()) {
				return sentEncoded(connection, this.frame.retainedDuplicate(), this.length, this.messages);
			}
			ByteBuf payload = this.frame.retainedSlice(this.frame.readableBytes() - this.length, this.length);
			WebSocketFrame frame = this.text ? new TextWebSocketFrame(payload) : new BinaryWebSocketFrame(payload);
			return sent(connection, frame, this.length, this.messages);
		}

		/**
		 * Send to connections of the current event loop, then release the reference taken
		 * for them.
		 */
		void sendTo(List<WebSocketConnection> connections) {
			try {
				for (WebSocketConnection connection : connections) {
					if (connection.isOpen()) {
						sendTo(connection);
					}
				}
			}
			finally {
				this.frame.release();
			}
		}

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
		return new WebSocketStats(this.connections.size(), this.counters.accepted.sum(), this.counters.closed.sum(),
				this.counters.rejectedHandshakes.sum(), this.timers.size(),
				this.counters.textReceived() + this.counters.binaryReceived(),
				this.counters.textSent() + this.counters.binarySent(), this.counters.bytesReceived(),
				this.counters.bytesSent(), this.counters.pushDropped(), this.startTime);
	}

	// Timers and defer

	@Override
	public long tick(Duration interval, Runnable task) {
		long millis = checkInterval(interval, task);
		TimerHandle timer = register(null);
		Runnable run = globalTimerTask(timer, task, false);
		timer.scheduled(this.timerScheduler.schedulePeriodically(run, millis, millis, TimeUnit.MILLISECONDS));
		return timer.id;
	}

	@Override
	public long after(Duration delay, Runnable task) {
		long millis = checkDelay(delay, task);
		TimerHandle timer = register(null);
		Runnable run = globalTimerTask(timer, task, true);
		timer.scheduled(this.timerScheduler.schedule(run, millis, TimeUnit.MILLISECONDS));
		return timer.id;
	}

	private TimerHandle register(@Nullable WebSocketConnection connection) {
		TimerHandle timer = new TimerHandle(this.timerIds.incrementAndGet(), connection);
		this.timers.put(timer.id, timer);
		if (connection != null) {
			connection.timers.add(timer.id);
		}
		return timer;
	}

	private void unregister(TimerHandle timer) {
		this.timers.remove(timer.id);
		if (timer.connection != null) {
			timer.connection.timers.remove(timer.id);
		}
	}

	private Runnable globalTimerTask(TimerHandle timer, Runnable task, boolean once) {
		Runnable guarded = () -> {
			try {
				task.run();
			}
			catch (Throwable ex) {
				logger.error("Timer " + timer.id + " failed", ex);
			}
		};
		Executor worker = this.worker;
		return () -> {
			if (timer.isDisposed()) {
				return;
			}
			if (once) {
				unregister(timer);
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
		TimerHandle timer = register(connection);
		Runnable run = () -> {
			if (!timer.isDisposed()) {
				connection.execute(task);
			}
		};
		timer.scheduled(connection.channel.eventLoop().scheduleAtFixedRate(run, millis, millis, TimeUnit.MILLISECONDS));
		cancelIfClosed(connection, timer);
		return timer.id;
	}

	@Override
	public long after(long fd, Duration delay, Runnable task) {
		long millis = checkDelay(delay, task);
		WebSocketConnection connection = this.connections.get(fd);
		if (connection == null || !connection.isOpen()) {
			return -1;
		}
		TimerHandle timer = register(connection);
		Runnable run = () -> {
			if (!timer.isDisposed()) {
				unregister(timer);
				connection.execute(task);
			}
		};
		timer.scheduled(connection.channel.eventLoop().schedule(run, millis, TimeUnit.MILLISECONDS));
		cancelIfClosed(connection, timer);
		return timer.id;
	}

	private void cancelIfClosed(WebSocketConnection connection, TimerHandle timer) {
		if (connection.state == WebSocketConnection.CLOSED) {
			// Closed meanwhile: the close may have missed this one
			clearTimer(timer.id);
		}
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
		TimerHandle timer = this.timers.get(timerId);
		if (timer == null) {
			return false;
		}
		unregister(timer);
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
		context.set(previous);
	}

	// Connection lifecycle, called by the handshake handler

	long nextFd() {
		return this.fdBase + this.fds.incrementAndGet();
	}

	/**
	 * Set the value the fds of this server start above, so that the fds of several
	 * servers (the nodes of a cluster) never meet. Call before the server starts.
	 * @param fdBase the base, {@code 0} by default
	 */
	public void setFdBase(long fdBase) {
		Assert.isTrue(fdBase >= 0, "'fdBase' must not be negative");
		Assert.state(this.fds.get() == 0, "Fds were already allocated");
		this.fdBase = fdBase;
	}

	/**
	 * Add a listener told of every connection that enters and leaves the registry.
	 * @param listener the listener
	 */
	public void addConnectionLifecycleListener(ConnectionLifecycleListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.lifecycleListeners.add(listener);
	}

	private void notifyLifecycle(long fd, boolean opened) {
		for (ConnectionLifecycleListener listener : this.lifecycleListeners) {
			try {
				if (opened) {
					listener.connectionOpened(fd);
				}
				else {
					listener.connectionClosed(fd);
				}
			}
			catch (Throwable ex) {
				logger.error("[fd=" + fd + "] Connection lifecycle listener failed", ex);
			}
		}
	}

	void handshakeRejected(int status) {
		this.counters.rejectedHandshakes.increment();
		this.counters.handshake(status);
	}

	/**
	 * Return the server's counters.
	 * @return the counters
	 */
	public WebSocketCounters getCounters() {
		return this.counters;
	}

	/**
	 * Take a place for a connection below {@code wsboot.max-connections}.
	 * @return whether there was one
	 */
	boolean tryReserveSlot() {
		if (this.maxConnections < 0) {
			return true;
		}
		while (true) {
			int taken = this.slots.get();
			if (taken >= this.maxConnections) {
				return false;
			}
			if (this.slots.compareAndSet(taken, taken + 1)) {
				return true;
			}
		}
	}

	void releaseSlot() {
		if (this.maxConnections >= 0) {
			this.slots.decrementAndGet();
		}
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
		Channel channel = nettyConnection.channel();
		WebSocketConnection connection;
		try {
			connection = new WebSocketConnection(this, request.getFd(), channel, outbound, request, subprotocol,
					this.worker);
			connection.inboundHandler = configurePipeline(channel.pipeline(), connection);
		}
		catch (Throwable ex) {
			releaseSlot();
			logger.error("[fd=" + request.getFd() + "] Connection could not be set up: closing with 1011", ex);
			return outbound.sendClose(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "Internal error");
		}
		this.connections.put(connection.fd, connection);
		notifyLifecycle(connection.fd, true);
		this.counters.accepted.increment();
		this.counters.handshake(101);
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + connection.fd + "] Connection established on " + connection.path
					+ ((subprotocol != null) ? " with subprotocol " + subprotocol : ""));
		}
		InboundSubscriber subscriber = new InboundSubscriber(connection, this.worker != null);
		connection.setInbound(subscriber);
		inbound.receiveCloseStatus().subscribe(connection::onCloseStatus);
		nettyConnection.onDispose(() -> closed(connection));
		if (publishOpen) {
			connection.execute(() -> publish(connection, new WebSocketOpenEvent(this, request)));
		}
		for (Runnable task : handshake.established()) {
			connection.execute(task);
		}
		connection.execute(() -> connection.broadcastable = true);
		if (!this.running) {
			close(connection, GOING_AWAY, "Server shutting down");
		}
		inbound.receiveFrames().subscribe(subscriber);
		return subscriber.done().asMono();
	}

	/**
	 * Put wsboot's frame decoder (close-frame rules) in place of Netty's, and wsboot's
	 * frame handler before Reactor Netty's: it checks that text is UTF-8 (RFC 6455 §8.1)
	 * after any decompression and hands data frames to the connection.
	 */
	private @Nullable InboundFrameHandler configurePipeline(ChannelPipeline pipeline, WebSocketConnection connection) {
		// Reserved bits are allowed only where permessage-deflate was negotiated
		boolean deflate = pipeline.get(WebSocketExtensionDecoder.class) != null;
		if (pipeline.get(WsbootFrameDecoder.NAME) != null) {
			pipeline.replace(WsbootFrameDecoder.NAME, WsbootFrameDecoder.NAME,
					new WsbootFrameDecoder(WsbootFrameDecoder.config(this.maxFramePayloadLength, deflate)));
			if (deflate) {
				pipeline.addAfter(WsbootFrameDecoder.NAME, ExtensionRsvValidator.NAME, new ExtensionRsvValidator());
			}
		}
		if (pipeline.get(NettyPipeline.ReactiveBridge) == null) {
			return null;
		}
		// Frames that no extension transforms are encoded by OutboundFrames and written
		// below Netty's encoder
		if (pipeline.get(WebSocketExtensionEncoder.class) == null) {
			connection.setEncoder(pipeline.context(WebSocketFrameEncoder.class));
		}
		// Pushes made while a read is handled (echo, pipelined requests) are flushed
		// once at the end of the read rather than one by one
		pipeline.addFirst(FLUSH_CONSOLIDATION,
				new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false));
		if (this.idleTimeoutMillis > 0) {
			pipeline.addBefore(NettyPipeline.ReactiveBridge, IDLE_STATE,
					new IdleStateHandler(this.idleTimeoutMillis, 0, 0, TimeUnit.MILLISECONDS));
		}
		pipeline.channel()
			.config()
			.setWriteBufferWaterMark(new WriteBufferWaterMark(this.sendBufferSize / 2, this.sendBufferSize));
		if (this.pingIntervalMillis > 0) {
			connection.startPings(this.pingIntervalMillis);
		}
		// Listeners on the event loop need no backpressure: data frames go straight to
		// the connection rather than through Reactor Netty's inbound flux
		InboundFrameHandler handler = new InboundFrameHandler(connection, this.worker == null);
		pipeline.addBefore(NettyPipeline.ReactiveBridge, InboundFrameHandler.NAME, handler);
		return handler;
	}

	private void closed(WebSocketConnection connection) {
		if (!connection.markClosed()) {
			return;
		}
		this.connections.remove(connection.fd);
		notifyLifecycle(connection.fd, false);
		releaseSlot();
		connection.cancelPings();
		for (Long id : connection.timers) {
			clearTimer(id);
		}
		connection.timers.clear();
		connection.releaseFragments();
		this.counters.closed.increment();
		// Queued, never inline: a close caused by a listener is published after it
		// returns, and a decoder that refused a frame has told its close code by then
		connection.executeLater(() -> {
			try {
				WebSocketCloseStatus status = connection.closeStatus;
				int code = (status != null) ? status.code() : WebSocketCloseEvent.ABNORMAL_CLOSURE;
				String reason = (status != null && status.reasonText() != null) ? status.reasonText() : "";
				ClosedBy closedBy = connection.closedByServer ? ClosedBy.SERVER : ClosedBy.CLIENT;
				this.counters.close(code);
				if (logger.isDebugEnabled()) {
					logger.debug("[fd=" + connection.fd + "] Connection closed by " + closedBy + " with " + code);
				}
				publish(connection, new WebSocketCloseEvent(this, connection.fd, code, reason, closedBy));
			}
			finally {
				if (this.stopping) {
					synchronized (this.shutdownMonitor) {
						this.shutdownMonitor.notifyAll();
					}
				}
			}
		});
	}

	void messageReceived(boolean text, int length) {
		(text ? this.counters.textReceived : this.counters.binaryReceived).increment();
		this.counters.bytesReceived.add(length);
	}

	/**
	 * Observe the handling of messages.
	 * @param registry where observations go
	 * @param convention a convention of the application's, or {@code null} for the
	 * default
	 */
	public void setObservation(ObservationRegistry registry, @Nullable MessageObservationConvention convention) {
		this.observationRegistry = registry;
		this.messageConvention = convention;
	}

	void publishMessage(WebSocketConnection connection, Frame frame) {
		if (connection.runsInline()) {
			// The common case, on the event loop: no task to allocate per message
			Object previous = enterContext(connection);
			try {
				dispatchMessage(connection, frame);
			}
			finally {
				exitContext(previous);
			}
		}
		else {
			connection.executeLater(() -> dispatchMessage(connection, frame));
		}
	}

	private void dispatchMessage(WebSocketConnection connection, Frame frame) {
		try {
			if (this.observationRegistry.isNoop()) {
				publish(connection, new WebSocketMessageEvent(this, frame));
			}
			else {
				publishObserved(connection, frame);
			}
		}
		finally {
			connection.handled();
		}
	}

	/**
	 * Publish events straight through the context's multicaster, with their type resolved
	 * once rather than for every event. Only for a context without a parent: the
	 * multicaster does not pass events on to a parent context's listeners.
	 * @param multicaster the multicaster of the application context
	 */
	public void setMulticaster(ApplicationEventMulticaster multicaster) {
		this.multicaster = multicaster;
	}

	private void multicast(ApplicationEvent event) {
		ApplicationEventMulticaster multicaster = this.multicaster;
		if (multicaster == null) {
			this.publisher.publishEvent(event);
		}
		else if (event instanceof WebSocketMessageEvent) {
			multicaster.multicastEvent(event, MESSAGE_EVENT_TYPE);
		}
		else {
			multicaster.multicastEvent(event, ResolvableType.forInstance(event));
		}
	}

	private void publishObserved(WebSocketConnection connection, Frame frame) {
		Observation observation = WsbootObservationDocumentation.MESSAGE
			.observation(this.messageConvention, DEFAULT_MESSAGE_CONVENTION, () -> new MessageObservationContext(frame),
					this.observationRegistry)
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			multicast(new WebSocketMessageEvent(this, frame));
		}
		catch (Throwable ex) {
			observation.error(ex);
			logger.error("[fd=" + connection.fd + "] Listener of WebSocketMessageEvent failed", ex);
		}
		finally {
			observation.stop();
		}
	}

	private void publish(WebSocketConnection connection, ApplicationEvent event) {
		try {
			multicast(event);
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
		this.stopping = true;
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
	 * @param maxFrameSize largest frame payload, in bytes
	 * @param maxMessageSize largest reassembled message, in bytes
	 * @param compression whether permessage-deflate is negotiated
	 * @param idleTimeout how long a connection may receive nothing, zero for no limit
	 * @param pingInterval interval of the server's pings, zero for none
	 * @param maxConnections most connections open at once, -1 for no limit
	 * @param sendBufferSize most bytes a connection may have waiting to be sent
	 * @param closeOnSendBufferOverflow whether a full send buffer closes the connection
	 * (1008) rather than dropping the push
	 * @param deliverPingFrames whether ping frames are published as message events
	 * @param deliverPongFrames whether pong frames are published as message events
	 * @param deliverCloseFrames whether the client's close frame is published as a
	 * message event
	 * @param worker where listeners run, or {@code null} for the event loop
	 */
	public record Settings(int maxFrameSize, int maxMessageSize, boolean compression, Duration idleTimeout,
			Duration pingInterval, int maxConnections, int sendBufferSize, boolean closeOnSendBufferOverflow,
			boolean deliverPingFrames, boolean deliverPongFrames, boolean deliverCloseFrames,
			@Nullable Executor worker) {

	}

}
