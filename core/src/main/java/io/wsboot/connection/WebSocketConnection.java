package io.wsboot.connection;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.wsboot.ConnectionInfo;
import io.wsboot.HandshakeRequest;
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

	private final CloseSequence close;

	private final FrameWriter writer;

	private final CallbackOrder order;

	private final ConnectionInbound inbound;

	/** Whether broadcasts reach it: set once the open event and deferred tasks ran. */
	private volatile boolean broadcastable;

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
		this.close = new CloseSequence(this.fd, channel);
		this.writer = new FrameWriter(this.fd, channel, this.close, counters, settings.closeOnSendBufferOverflow());
		this.order = new CallbackOrder(this.fd, channel, this, this.close, settings.worker());
		this.inbound = new ConnectionInbound(this.fd, channel, settings, counters, events, this.order, this.close,
				this.writer, this);
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

	ConnectionInbound inbound() {
		return this.inbound;
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
		this.order.execute(() -> this.broadcastable = true);
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
			this.inbound.release();
		}
		else {
			try {
				loop.execute(this.inbound::release);
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
		this.order.execute(task);
	}

	/**
	 * Run a task in this connection's order after the current one.
	 * @param task the task
	 */
	public void executeLater(Runnable task) {
		this.order.executeLater(task);
	}

	@Override
	public void defer(Runnable task) {
		this.order.executeLater(task);
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
		return this.inbound.attach(inbound);
	}

	/**
	 * Return a snapshot of the connection.
	 * @return its info
	 */
	public ConnectionInfo info() {
		return new ConnectionInfo(this.fd, this.remoteAddress, this.path, this.pathVariables, this.subprotocol,
				this.principal, this.attributes, this.openedAt, this.close.isOpen(), this.inbound.bytesReceived(),
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
