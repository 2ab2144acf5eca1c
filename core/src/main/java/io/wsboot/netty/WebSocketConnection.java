package io.wsboot.netty;

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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.EventLoop;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCounted;
import io.wsboot.ConnectionInfo;
import io.wsboot.Frame;
import io.wsboot.Opcode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One established WebSocket connection: its channel, what the handshake left on it, its
 * bound timers, the reassembly of fragmented messages and the serial execution of its
 * listeners.
 */
final class WebSocketConnection {

	private static final Log logger = LogFactory.getLog(WebSocketConnection.class);

	private static final AtomicLongFieldUpdater<WebSocketConnection> BYTES_SENT = AtomicLongFieldUpdater
		.newUpdater(WebSocketConnection.class, "bytesSent");

	private static final AtomicIntegerFieldUpdater<WebSocketConnection> STATE = AtomicIntegerFieldUpdater
		.newUpdater(WebSocketConnection.class, "state");

	private static final String INVALID_UTF8 = "Invalid UTF-8";

	static final int OPEN = 0;

	static final int CLOSING = 1;

	static final int CLOSED = 2;

	final long fd;

	final Channel channel;

	final WebsocketOutbound outbound;

	final String path;

	final Map<String, String> pathVariables;

	final @Nullable String subprotocol;

	final @Nullable Principal principal;

	final Map<String, Object> attributes;

	final @Nullable InetSocketAddress remoteAddress;

	final Instant openedAt = Instant.now();

	final Set<Long> timers = ConcurrentHashMap.newKeySet(4);

	private final NettyWebSocketServer server;

	private final @Nullable SerialExecutor serial;

	private @Nullable InboundSubscriber inbound;

	/** The promise of every push: none, and failures are not fired down the pipeline. */
	private final VoidChannelPromise quietPromise;

	/** Netty's frame encoder, when no extension encodes frames before it. */
	private @Nullable ChannelHandlerContext encoder;

	@Nullable InboundFrameHandler inboundHandler;

	private volatile @Nullable ScheduledFuture<?> pings;

	volatile int state = OPEN;

	/** Whether broadcasts reach it: set once the open event and deferred tasks ran. */
	volatile boolean broadcastable;

	volatile boolean closedByServer;

	volatile @Nullable WebSocketCloseStatus closeStatus;

	volatile long bytesSent;

	/** Written on the event loop only. */
	volatile long bytesReceived;

	private @Nullable ByteBuf fragments;

	private @Nullable Opcode fragmentsOpcode;

	/** How far the fragments of a text message were found to be UTF-8. */
	private int fragmentsChecked;

	/** Set on the event loop when a message was not UTF-8: later frames are dropped. */
	private boolean failed;

	WebSocketConnection(NettyWebSocketServer server, long fd, Channel channel, WebsocketOutbound outbound,
			DefaultHandshakeRequest request, @Nullable String subprotocol, @Nullable Executor worker) {
		this.server = server;
		this.fd = fd;
		this.channel = channel;
		this.outbound = outbound;
		this.path = request.getPath();
		this.pathVariables = Map.copyOf(request.getPathVariables());
		this.subprotocol = subprotocol;
		this.principal = request.getPrincipal();
		this.attributes = copyWithoutNulls(request.attributesOrEmpty());
		this.remoteAddress = request.getRemoteAddress();
		this.serial = (worker != null) ? new SerialExecutor(worker) : null;
		this.quietPromise = new VoidChannelPromise(channel, false);
	}

	private static Map<String, Object> copyWithoutNulls(Map<String, Object> attributes) {
		if (attributes.isEmpty()) {
			return Map.of();
		}
		Map<String, Object> copy = new HashMap<>(attributes);
		copy.values().removeIf((value) -> value == null);
		return Map.copyOf(copy);
	}

	void setInbound(InboundSubscriber inbound) {
		this.inbound = inbound;
	}

	boolean isOpen() {
		return this.state == OPEN;
	}

	/**
	 * Move from open to closing.
	 * @return whether this call made the move
	 */
	boolean startClosing() {
		return STATE.compareAndSet(this, OPEN, CLOSING);
	}

	/**
	 * Move to closed.
	 * @return whether this call made the move
	 */
	boolean markClosed() {
		return STATE.getAndSet(this, CLOSED) != CLOSED;
	}

	/**
	 * Run a task in this connection's order: inline when already on its event loop
	 * (listeners run there), else queued.
	 */
	void execute(Runnable task) {
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
	boolean runsInline() {
		return this.serial == null && this.channel.eventLoop().inEventLoop();
	}

	/**
	 * Run a task in this connection's order after the current one.
	 */
	void executeLater(Runnable task) {
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
			this.server.close(this, WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "Listener executor overloaded");
		}
	}

	private void runInContext(Runnable task) {
		Object previous = NettyWebSocketServer.enterContext(this);
		try {
			task.run();
		}
		catch (Throwable ex) {
			logger.error("[fd=" + this.fd + "] Task failed", ex);
		}
		finally {
			NettyWebSocketServer.exitContext(previous);
		}
	}

	/**
	 * Write a frame, encoded by Netty's frame encoder (and any extension).
	 * @param frame the frame, released when it cannot be written
	 * @param payloadLength its payload's length
	 * @return whether it was written
	 */
	boolean write(WebSocketFrame frame, int payloadLength) {
		if (!canWrite(frame)) {
			return false;
		}
		BYTES_SENT.addAndGet(this, payloadLength);
		send(this.channel, frame);
		return true;
	}

	/**
	 * Write a frame that {@link OutboundFrames} encoded, below Netty's frame encoder.
	 * Only when {@link #encodesFrames()}.
	 * @param frame the encoded frame, released when it cannot be written
	 * @param payloadLength its payload's length
	 * @return whether it was written
	 */
	boolean writeEncoded(ByteBuf frame, int payloadLength) {
		ChannelHandlerContext encoder = this.encoder;
		if (encoder == null) {
			frame.release();
			throw new IllegalStateException("Frames of this connection are encoded by an extension");
		}
		if (!canWrite(frame)) {
			return false;
		}
		BYTES_SENT.addAndGet(this, payloadLength);
		send(encoder, frame);
		return true;
	}

	/**
	 * Write and flush on the event loop: right away when called there, else in a task
	 * that checks again that the connection is open, so that nothing follows a close
	 * frame the event loop sent in between. Without a promise: a write that fails closes
	 * the channel, which ends the connection (1006), and is not reported again through
	 * the pipeline.
	 */
	private void send(ChannelOutboundInvoker target, ReferenceCounted message) {
		EventLoop loop = this.channel.eventLoop();
		if (loop.inEventLoop()) {
			target.writeAndFlush(message, this.quietPromise);
			return;
		}
		try {
			loop.execute(() -> {
				if (this.state == OPEN) {
					target.writeAndFlush(message, this.quietPromise);
				}
				else {
					message.release();
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// The event loop is shutting down, and the connection with it
			message.release();
		}
	}

	/**
	 * Whether frames can be encoded by {@link OutboundFrames} and written with
	 * {@link #writeEncoded}: no extension transforms them.
	 */
	boolean encodesFrames() {
		return this.encoder != null;
	}

	void setEncoder(@Nullable ChannelHandlerContext encoder) {
		this.encoder = encoder;
	}

	private boolean canWrite(ReferenceCounted message) {
		if (this.state != OPEN) {
			message.release();
			return false;
		}
		if (!this.channel.isWritable()) {
			message.release();
			sendBufferFull();
			return false;
		}
		return true;
	}

	private void sendBufferFull() {
		if (this.server.closeOnSendBufferOverflow) {
			logger.info("[fd=" + this.fd + "] Send buffer full: closing with 1008");
			this.server.close(this, WebSocketCloseStatus.POLICY_VIOLATION.code(), "Send buffer overflow");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Send buffer full: push dropped");
		}
	}

	void startPings(long intervalMillis) {
		this.pings = this.channel.eventLoop().scheduleAtFixedRate(() -> {
			if (this.state == OPEN) {
				this.channel.writeAndFlush(new PingWebSocketFrame());
			}
		}, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
	}

	void cancelPings() {
		ScheduledFuture<?> pings = this.pings;
		if (pings != null) {
			pings.cancel(false);
		}
	}

	/**
	 * Handle one inbound frame, on the event loop. The frame is released by the caller.
	 * @return whether a message was queued for the listeners
	 */
	boolean onFrame(WebSocketFrame frame) {
		if (this.state == CLOSED || this.failed) {
			return false;
		}
		try {
			if (frame instanceof TextWebSocketFrame) {
				return onDataFrame(Opcode.TEXT, frame);
			}
			if (frame instanceof BinaryWebSocketFrame) {
				return onDataFrame(Opcode.BINARY, frame);
			}
			if (frame instanceof ContinuationWebSocketFrame) {
				return onContinuationFrame(frame);
			}
			if (frame instanceof PingWebSocketFrame) {
				// Reached only when ping frames are delivered: answer as Reactor Netty
				// would
				boolean queued = this.server.deliverPingFrames && deliver(Opcode.PING, frame.content());
				this.channel.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
				return queued;
			}
			if (frame instanceof PongWebSocketFrame && this.server.deliverPongFrames) {
				return deliver(Opcode.PONG, frame.content());
			}
		}
		catch (Throwable ex) {
			logger.error("[fd=" + this.fd + "] Inbound frame failed", ex);
		}
		return false;
	}

	private boolean onDataFrame(Opcode opcode, WebSocketFrame frame) {
		ByteBuf content = frame.content();
		if (content.readableBytes() > this.server.maxMessageSize) {
			tooBig();
			return false;
		}
		if (frame.isFinalFragment()) {
			if (opcode == Opcode.TEXT && !Utf8.isValid(content, content.readerIndex(), content.readableBytes())) {
				invalidUtf8();
				return false;
			}
			return deliver(opcode, content);
		}
		releaseFragments();
		this.fragmentsOpcode = opcode;
		ByteBuf fragments = this.channel.alloc().buffer(content.readableBytes() * 2);
		this.fragments = fragments;
		this.fragmentsChecked = fragments.readerIndex();
		fragments.writeBytes(content);
		if (opcode == Opcode.TEXT) {
			checkFragments(fragments, false);
		}
		return false;
	}

	private boolean onContinuationFrame(WebSocketFrame frame) {
		ByteBuf fragments = this.fragments;
		Opcode opcode = this.fragmentsOpcode;
		if (fragments == null || opcode == null) {
			// The decoder refuses a continuation without a start: nothing to add to
			return false;
		}
		ByteBuf content = frame.content();
		if (fragments.readableBytes() + content.readableBytes() > this.server.maxMessageSize) {
			releaseFragments();
			tooBig();
			return false;
		}
		fragments.writeBytes(content);
		if (opcode == Opcode.TEXT && !checkFragments(fragments, frame.isFinalFragment())) {
			return false;
		}
		if (!frame.isFinalFragment()) {
			return false;
		}
		try {
			return deliver(opcode, fragments);
		}
		finally {
			releaseFragments();
		}
	}

	/**
	 * Check the part of a text message received so far, up to its last whole character
	 * unless it is complete: a message that is not UTF-8 fails at its first wrong
	 * fragment.
	 * @return whether it is UTF-8 so far
	 */
	private boolean checkFragments(ByteBuf fragments, boolean complete) {
		int end = fragments.writerIndex();
		int checkedEnd = complete ? end : Utf8.wholeCharactersEnd(fragments, this.fragmentsChecked, end);
		if (!Utf8.isValid(fragments, this.fragmentsChecked, checkedEnd - this.fragmentsChecked)) {
			invalidUtf8();
			return false;
		}
		this.fragmentsChecked = checkedEnd;
		return true;
	}

	/**
	 * Fail the connection with 1007 (RFC 6455 §8.1): send the close frame and close the
	 * TCP connection without waiting for the client's.
	 */
	private void invalidUtf8() {
		releaseFragments();
		this.failed = true;
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Text message is not UTF-8: closing with 1007");
		}
		if (this.state != OPEN) {
			this.channel.close();
			return;
		}
		onProtocolError(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, INVALID_UTF8);
		InboundFrameHandler handler = this.inboundHandler;
		if (handler != null) {
			// A close frame of the client's in the same read is not answered
			handler.closeSent = true;
		}
		Channel channel = this.channel;
		// The TCP connection closes once the close frame is out, or after the close wait
		// when a client that does not read keeps it in
		channel.eventLoop()
			.schedule(() -> channel.close(), NettyWebSocketServer.CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
		channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, INVALID_UTF8))
			.addListener(ChannelFutureListener.CLOSE);
	}

	void closeWith(int code, String reason) {
		this.server.close(this, code, reason);
	}

	void tooBig() {
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Message larger than " + this.server.maxMessageSize
					+ " bytes: closing with 1009");
		}
		this.server.close(this, WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "Message too big");
	}

	private boolean deliver(Opcode opcode, ByteBuf content) {
		int length = content.readableBytes();
		Frame frame = (opcode == Opcode.TEXT) ? Frame.text(this.fd, content.toString(StandardCharsets.UTF_8))
				: Frame.binary(this.fd, opcode, true, ByteBufUtil.getBytes(content));
		if (!opcode.isControl()) {
			this.bytesReceived += length;
			this.server.messageReceived(opcode == Opcode.TEXT, length);
		}
		this.server.publishMessage(this, frame);
		return true;
	}

	/**
	 * A queued message was handled by the listeners.
	 */
	void handled() {
		InboundSubscriber inbound = this.inbound;
		if (inbound != null) {
			inbound.handled();
		}
	}

	/**
	 * Reactor Netty saw the first close frame, sent or received.
	 */
	void onCloseStatus(WebSocketCloseStatus status) {
		if (this.closeStatus == null) {
			this.closeStatus = status;
		}
		startClosing();
		if (!this.closedByServer && this.server.deliverCloseFrames) {
			byte[] reason = status.reasonText().getBytes(StandardCharsets.UTF_8);
			byte[] payload = new byte[2 + reason.length];
			payload[0] = (byte) (status.code() >> 8);
			payload[1] = (byte) status.code();
			System.arraycopy(reason, 0, payload, 2, reason.length);
			this.server.publishMessage(this, Frame.binary(this.fd, Opcode.CLOSE, true, payload));
		}
	}

	/**
	 * Nothing was received for {@code wsboot.idle-timeout}.
	 */
	void idle() {
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Idle timeout: closing with 1001");
		}
		this.server.close(this, WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "Idle timeout");
	}

	/**
	 * The decoder refused a frame and sent a close frame with this status.
	 */
	void onProtocolError(WebSocketCloseStatus status, String reason) {
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Protocol error, closed with " + status.code() + ": " + reason);
		}
		startClosing();
		this.closedByServer = true;
		this.closeStatus = new WebSocketCloseStatus(status.code(), reason, false);
	}

	void releaseFragments() {
		ByteBuf fragments = this.fragments;
		if (fragments != null) {
			this.fragments = null;
			this.fragmentsOpcode = null;
			fragments.release();
		}
	}

	ConnectionInfo info() {
		return new ConnectionInfo(this.fd, this.remoteAddress, this.path, this.pathVariables, this.subprotocol,
				this.principal, this.attributes, this.openedAt, this.state == OPEN, this.bytesReceived, this.bytesSent);
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
