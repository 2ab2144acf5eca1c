package io.wsboot.connection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.wsboot.ConnectionInfo;
import io.wsboot.Frame;
import io.wsboot.HandshakeRequest;
import io.wsboot.Opcode;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.event.WebSocketEventPublisher;
import io.wsboot.metrics.WebSocketCounters;
import io.wsboot.server.WebSocketServerSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.websocket.WebsocketInbound;

/**
 * One established WebSocket connection: what the handshake left on it, the order in which
 * its callbacks run, its inbound frames made into message events, its {@link FrameWriter
 * outbound side} and its {@link CloseSequence close}.
 * <p>
 * Callbacks run one at a time in order: on the event loop when listeners run there, else
 * through a {@link SerialExecutor} on the configured worker.
 *
 * @since 0.1.0
 */
public final class WebSocketConnection implements CallbackContext.Target {

	private static final Log logger = LogFactory.getLog(WebSocketConnection.class);

	private final long fd;

	private final Channel channel;

	private final String path;

	private final Map<String, String> pathVariables;

	private final @Nullable String subprotocol;

	private final @Nullable Principal principal;

	private final Map<String, Object> attributes;

	private final @Nullable InetSocketAddress remoteAddress;

	private final Instant openedAt = Instant.now();

	private final Set<Long> timers = ConcurrentHashMap.newKeySet(4);

	private final WebSocketServerSettings settings;

	private final WebSocketCounters counters;

	private final WebSocketEventPublisher events;

	private final @Nullable SerialExecutor serial;

	private final CloseSequence close;

	private final FrameWriter writer;

	private final MessageAssembler assembler;

	private @Nullable InboundSubscriber inbound;

	/** Whether broadcasts reach it: set once the open event and deferred tasks ran. */
	private volatile boolean broadcastable;

	/** Written on the event loop only. */
	private volatile long bytesReceived;

	/**
	 * Create a connection whose 101 response was written.
	 * @param channel its channel
	 * @param request its handshake request, which gives its fd
	 * @param attributes the attributes the handshake left on it
	 * @param subprotocol the subprotocol agreed, or {@code null}
	 * @param settings the server's settings
	 * @param counters the server's counters
	 * @param events where its events are published
	 */
	public WebSocketConnection(Channel channel, HandshakeRequest request, Map<String, Object> attributes,
			@Nullable String subprotocol, WebSocketServerSettings settings, WebSocketCounters counters,
			WebSocketEventPublisher events) {
		this.fd = request.getFd();
		this.channel = channel;
		this.path = request.getPath();
		this.pathVariables = Map.copyOf(request.getPathVariables());
		this.subprotocol = subprotocol;
		this.principal = request.getPrincipal();
		this.attributes = copyWithoutNulls(attributes);
		this.remoteAddress = request.getRemoteAddress();
		this.settings = settings;
		this.counters = counters;
		this.events = events;
		Executor worker = settings.worker();
		this.serial = (worker != null) ? new SerialExecutor(worker) : null;
		this.close = new CloseSequence(this.fd, channel);
		this.writer = new FrameWriter(this.fd, channel, this.close, counters, settings.closeOnSendBufferOverflow());
		this.assembler = new MessageAssembler(this, this.close, settings.maxMessageSize());
	}

	private static Map<String, Object> copyWithoutNulls(Map<String, Object> attributes) {
		if (attributes.isEmpty()) {
			return Map.of();
		}
		Map<String, Object> copy = new HashMap<>(attributes);
		copy.values().removeIf((value) -> value == null);
		return Map.copyOf(copy);
	}

	/**
	 * Return the connection's fd.
	 * @return the fd
	 */
	public long fd() {
		return this.fd;
	}

	/**
	 * Return the event loop of the connection's channel.
	 * @return the event loop
	 */
	public EventLoop eventLoop() {
		return this.channel.eventLoop();
	}

	ByteBufAllocator alloc() {
		return this.channel.alloc();
	}

	Channel channel() {
		return this.channel;
	}

	/**
	 * Return the outbound side, where pushes go.
	 * @return the writer
	 */
	public FrameWriter writer() {
		return this.writer;
	}

	CloseSequence closeSequence() {
		return this.close;
	}

	/**
	 * Whether the connection is open: no close frame was sent or received.
	 * @return whether it is open
	 */
	public boolean isOpen() {
		return this.close.isOpen();
	}

	/**
	 * Whether the TCP connection is gone.
	 * @return whether it is closed
	 */
	public boolean isClosed() {
		return this.close.isClosed();
	}

	/**
	 * Whether the connection is open, writable and takes broadcasts: its open event and
	 * deferred tasks ran.
	 * @return whether a broadcast reaches it now
	 */
	public boolean isBroadcastable() {
		return this.broadcastable && this.close.isOpen();
	}

	/**
	 * Whether its send buffer has room.
	 * @return whether it is writable
	 */
	public boolean isWritable() {
		return this.channel.isWritable();
	}

	/**
	 * Let broadcasts reach the connection, in its order: after the tasks queued so far.
	 */
	public void acceptBroadcasts() {
		execute(() -> this.broadcastable = true);
	}

	// Close

	/**
	 * Start the server side of the close handshake.
	 * @param code the close code
	 * @param reason the close reason
	 * @return whether this call started it
	 */
	public boolean close(int code, String reason) {
		return this.close.close(code, reason);
	}

	/**
	 * Move to closed once the TCP connection is gone, and release what the connection
	 * holds: its pings and fragments. Its timers are the timer service's.
	 * @return whether this call made the move
	 */
	public boolean markClosed() {
		if (!this.close.markClosed()) {
			return false;
		}
		this.writer.cancelPings();
		EventLoop loop = this.channel.eventLoop();
		if (loop.inEventLoop()) {
			this.assembler.release();
		}
		else {
			try {
				loop.execute(this.assembler::release);
			}
			catch (RejectedExecutionException ex) {
				// The event loop is gone, and the buffers' memory with it
			}
		}
		return true;
	}

	/**
	 * Return the close code of the close event.
	 * @return the code
	 */
	public int closeCode() {
		return this.close.code();
	}

	/**
	 * Return the close reason of the close event.
	 * @return the reason
	 */
	public String closeReason() {
		return this.close.reason();
	}

	/**
	 * Return who closed the connection.
	 * @return who closed it
	 */
	public ClosedBy closedBy() {
		return this.close.closedBy();
	}

	// Timers bound to the connection

	/**
	 * Bind a timer to the connection: it is cleared when the connection closes.
	 * @param id the timer's id
	 */
	public void addTimer(long id) {
		this.timers.add(id);
	}

	/**
	 * Unbind a timer.
	 * @param id the timer's id
	 */
	public void removeTimer(long id) {
		this.timers.remove(id);
	}

	/**
	 * Return the ids of the timers bound to the connection.
	 * @return a snapshot of the ids
	 */
	public Long[] timers() {
		return this.timers.toArray(new Long[0]);
	}

	// Order of callbacks

	/**
	 * Run a task in this connection's order: inline when already on its event loop
	 * (listeners run there), else queued.
	 * @param task the task
	 */
	public void execute(Runnable task) {
		if (runsInline()) {
			runInContext(task);
		}
		else {
			executeLater(task);
		}
	}

	/**
	 * Whether a task of this connection may run right here: listeners run on the event
	 * loop and this is it.
	 */
	private boolean runsInline() {
		return this.serial == null && this.channel.eventLoop().inEventLoop();
	}

	/**
	 * Run a task in this connection's order after the current one.
	 * @param task the task
	 */
	public void executeLater(Runnable task) {
		SerialExecutor serial = this.serial;
		if (serial == null) {
			this.channel.eventLoop().execute(() -> runInContext(task));
			return;
		}
		try {
			serial.execute(() -> runInContext(task));
		}
		catch (RejectedExecutionException ex) {
			logger.error("[fd=" + this.fd + "] Listener executor refused a task: closing with 1011", ex);
			this.close.close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "Listener executor overloaded");
		}
	}

	@Override
	public void defer(Runnable task) {
		executeLater(task);
	}

	private void runInContext(Runnable task) {
		CallbackContext.Target previous = CallbackContext.enter(this);
		try {
			task.run();
		}
		catch (Throwable ex) {
			logger.error("[fd=" + this.fd + "] Task failed", ex);
		}
		finally {
			CallbackContext.exit(previous);
		}
	}

	// Inbound

	/**
	 * Attach the connection to Reactor Netty's inbound: the returned subscriber reads its
	 * frames once subscribed, and the first close frame is reported to the close
	 * sequence.
	 * @param inbound the inbound
	 * @return the subscriber of its frames
	 */
	public InboundSubscriber attach(WebsocketInbound inbound) {
		InboundSubscriber subscriber = new InboundSubscriber(this, this.serial != null);
		this.inbound = subscriber;
		inbound.receiveCloseStatus().subscribe(this::onCloseStatus);
		return subscriber;
	}

	/**
	 * Handle one inbound frame, on the event loop. The frame is released by the caller.
	 * @return whether a message was queued for the listeners
	 */
	boolean onFrame(WebSocketFrame frame) {
		if (this.close.isClosed() || this.assembler.hasFailed()) {
			return false;
		}
		try {
			if (frame instanceof TextWebSocketFrame) {
				return this.assembler.onDataFrame(Opcode.TEXT, frame);
			}
			if (frame instanceof BinaryWebSocketFrame) {
				return this.assembler.onDataFrame(Opcode.BINARY, frame);
			}
			if (frame instanceof ContinuationWebSocketFrame) {
				return this.assembler.onContinuationFrame(frame);
			}
			if (frame instanceof PingWebSocketFrame) {
				// Reached only when ping frames are delivered: answer as Reactor Netty
				// would
				boolean queued = this.settings.deliverPingFrames() && deliver(Opcode.PING, frame.content());
				this.writer.pong(frame.content().retain());
				return queued;
			}
			if (frame instanceof PongWebSocketFrame && this.settings.deliverPongFrames()) {
				return deliver(Opcode.PONG, frame.content());
			}
		}
		catch (Throwable ex) {
			logger.error("[fd=" + this.fd + "] Inbound frame failed", ex);
		}
		return false;
	}

	/**
	 * Publish a complete message.
	 * @return {@code true}: a message was queued
	 */
	boolean deliver(Opcode opcode, ByteBuf content) {
		int length = content.readableBytes();
		Frame frame = (opcode == Opcode.TEXT) ? Frame.text(this.fd, content.toString(StandardCharsets.UTF_8))
				: Frame.binary(this.fd, opcode, true, ByteBufUtil.getBytes(content));
		if (!opcode.isControl()) {
			this.bytesReceived += length;
			this.counters.received(opcode == Opcode.TEXT, length);
		}
		publish(frame);
		return true;
	}

	private void publish(Frame frame) {
		if (runsInline()) {
			// The common case, on the event loop: no task to allocate per message
			CallbackContext.Target previous = CallbackContext.enter(this);
			try {
				dispatch(frame);
			}
			finally {
				CallbackContext.exit(previous);
			}
		}
		else {
			executeLater(() -> dispatch(frame));
		}
	}

	private void dispatch(Frame frame) {
		try {
			this.events.message(frame);
		}
		finally {
			InboundSubscriber inbound = this.inbound;
			if (inbound != null) {
				// A queued message was handled by the listeners: read one more
				inbound.handled();
			}
		}
	}

	/**
	 * Reactor Netty saw the first close frame, sent or received.
	 */
	void onCloseStatus(WebSocketCloseStatus status) {
		if (this.close.closeReceived(status) && this.settings.deliverCloseFrames()) {
			byte[] reason = status.reasonText().getBytes(StandardCharsets.UTF_8);
			byte[] payload = new byte[2 + reason.length];
			payload[0] = (byte) (status.code() >> 8);
			payload[1] = (byte) status.code();
			System.arraycopy(reason, 0, payload, 2, reason.length);
			publish(Frame.binary(this.fd, Opcode.CLOSE, true, payload));
		}
	}

	/**
	 * Nothing was received for the idle timeout.
	 */
	void idle() {
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Idle timeout: closing with 1001");
		}
		this.close.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "Idle timeout");
	}

	/**
	 * The inbound side failed: a frame the decoder refused, a message that inflates
	 * beyond the limits, a lost TCP connection, or a fault of ours.
	 * @return whether the inbound ended: no close frame will come
	 */
	boolean onInboundError(Throwable ex) {
		if (ex instanceof CorruptedWebSocketFrameException corrupted) {
			// The decoder has sent the close frame and closes the TCP connection: no
			// completion, which would make Reactor Netty send a second close frame
			this.close.protocolError(corrupted.closeStatus(), String.valueOf(ex.getMessage()));
			return false;
		}
		if (ex instanceof DecompressionException || ex instanceof TooLongFrameException) {
			this.assembler.inflatedTooBig();
			return false;
		}
		if (ex instanceof IOException) {
			// The client reset or dropped the TCP connection: its close event says 1006
			if (logger.isDebugEnabled()) {
				logger.debug("[fd=" + this.fd + "] Connection lost: " + ex);
			}
			this.channel.close();
			return true;
		}
		if (this.channel.isActive()) {
			logger.error("[fd=" + this.fd + "] Inbound failed: closing with 1011", ex);
			this.close.close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "Internal error");
			return false;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Inbound failed: " + ex);
		}
		return true;
	}

	/**
	 * Return a snapshot of the connection.
	 * @return its info
	 */
	public ConnectionInfo info() {
		return new ConnectionInfo(this.fd, this.remoteAddress, this.path, this.pathVariables, this.subprotocol,
				this.principal, this.attributes, this.openedAt, this.close.isOpen(), this.bytesReceived,
				this.writer.bytesSent());
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		return (obj instanceof WebSocketConnection other) && other.fd == this.fd;
	}

	@Override
	public int hashCode() {
		return Long.hashCode(this.fd);
	}

	@Override
	public String toString() {
		return "WebSocketConnection{fd=" + this.fd + ", path=" + this.path + "}";
	}

}
