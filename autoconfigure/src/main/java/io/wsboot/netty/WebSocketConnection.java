package io.wsboot.netty;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
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

	private final @Nullable Executor serial;

	volatile int state = OPEN;

	volatile boolean closedByServer;

	volatile @Nullable WebSocketCloseStatus closeStatus;

	volatile long bytesSent;

	/** Written on the event loop only. */
	volatile long bytesReceived;

	private @Nullable ByteBuf fragments;

	private @Nullable Opcode fragmentsOpcode;

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
		this.attributes = Map.copyOf(request.attributesOrEmpty());
		this.remoteAddress = request.getRemoteAddress();
		this.serial = (worker != null) ? new SerialExecutor(worker) : null;
	}

	boolean isOpen() {
		return this.state == OPEN;
	}

	/**
	 * Run a task in this connection's order: inline when already on its event loop
	 * (listeners run there), else queued.
	 */
	void execute(Runnable task) {
		if (this.serial != null) {
			this.serial.execute(() -> runInContext(task));
		}
		else if (this.channel.eventLoop().inEventLoop()) {
			runInContext(task);
		}
		else {
			this.channel.eventLoop().execute(() -> runInContext(task));
		}
	}

	/**
	 * Run a task in this connection's order after the current one.
	 */
	void executeLater(Runnable task) {
		if (this.serial != null) {
			this.serial.execute(() -> runInContext(task));
		}
		else {
			this.channel.eventLoop().execute(() -> runInContext(task));
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

	boolean write(WebSocketFrame frame, int payloadLength) {
		if (this.state != OPEN) {
			frame.release();
			return false;
		}
		BYTES_SENT.addAndGet(this, payloadLength);
		this.channel.writeAndFlush(frame);
		return true;
	}

	/**
	 * Handle one inbound frame, on the event loop. The frame is released by the caller.
	 */
	void onFrame(WebSocketFrame frame) {
		try {
			if (frame instanceof TextWebSocketFrame) {
				onDataFrame(Opcode.TEXT, frame);
			}
			else if (frame instanceof BinaryWebSocketFrame) {
				onDataFrame(Opcode.BINARY, frame);
			}
			else if (frame instanceof ContinuationWebSocketFrame) {
				onContinuationFrame(frame);
			}
			else if (frame instanceof PingWebSocketFrame) {
				// Reached only when ping frames are delivered: answer as Reactor Netty
				// would
				this.channel.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
				if (this.server.deliverPingFrames) {
					deliver(Opcode.PING, frame.content());
				}
			}
			else if (frame instanceof PongWebSocketFrame && this.server.deliverPongFrames) {
				deliver(Opcode.PONG, frame.content());
			}
		}
		catch (Throwable ex) {
			logger.error("[fd=" + this.fd + "] Inbound frame failed", ex);
		}
	}

	private void onDataFrame(Opcode opcode, WebSocketFrame frame) {
		ByteBuf content = frame.content();
		if (content.readableBytes() > this.server.maxMessageSize) {
			tooBig();
			return;
		}
		if (frame.isFinalFragment()) {
			deliver(opcode, content);
			return;
		}
		releaseFragments();
		this.fragmentsOpcode = opcode;
		this.fragments = this.channel.alloc().buffer(content.readableBytes() * 2);
		this.fragments.writeBytes(content);
	}

	private void onContinuationFrame(WebSocketFrame frame) {
		ByteBuf fragments = this.fragments;
		Opcode opcode = this.fragmentsOpcode;
		if (fragments == null || opcode == null) {
			// The decoder refuses a continuation without a start; nothing to add to
			return;
		}
		ByteBuf content = frame.content();
		if (fragments.readableBytes() + content.readableBytes() > this.server.maxMessageSize) {
			releaseFragments();
			tooBig();
			return;
		}
		fragments.writeBytes(content);
		if (frame.isFinalFragment()) {
			try {
				deliver(opcode, fragments);
			}
			finally {
				releaseFragments();
			}
		}
	}

	private void tooBig() {
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Message larger than " + this.server.maxMessageSize
					+ " bytes: closing with 1009");
		}
		this.server.close(this, WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "Message too big");
	}

	private void deliver(Opcode opcode, ByteBuf content) {
		int length = content.readableBytes();
		Frame frame = (opcode == Opcode.TEXT) ? Frame.text(this.fd, content.toString(StandardCharsets.UTF_8))
				: Frame.binary(this.fd, opcode, true, ByteBufUtil.getBytes(content));
		if (!opcode.isControl()) {
			this.bytesReceived += length;
			this.server.messageReceived(length);
		}
		this.server.publishMessage(this, frame);
	}

	void onCloseStatus(WebSocketCloseStatus status) {
		if (this.closeStatus == null) {
			this.closeStatus = status;
		}
		if (this.state == OPEN) {
			this.state = CLOSING;
		}
		if (!this.closedByServer && this.server.deliverCloseFrames) {
			byte[] reason = status.reasonText().getBytes(StandardCharsets.UTF_8);
			byte[] payload = new byte[2 + reason.length];
			payload[0] = (byte) (status.code() >> 8);
			payload[1] = (byte) status.code();
			System.arraycopy(reason, 0, payload, 2, reason.length);
			this.server.publishMessage(this, Frame.binary(this.fd, Opcode.CLOSE, true, payload));
		}
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
