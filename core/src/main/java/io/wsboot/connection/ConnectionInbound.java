package io.wsboot.connection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
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
import io.wsboot.Frame;
import io.wsboot.Opcode;
import io.wsboot.event.WebSocketEventPublisher;
import io.wsboot.metrics.WebSocketCounters;
import io.wsboot.server.WebSocketServerSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.websocket.WebsocketInbound;

/**
 * The inbound side of one connection, on its event loop: frames made into message events
 * (data frames through the {@link MessageAssembler}, pings and pongs when they are
 * delivered, the client's close frame when it is), the idle timeout, and every inbound
 * failure, each to its close.
 */
final class ConnectionInbound {

	private static final Log logger = LogFactory.getLog(ConnectionInbound.class);

	private final long fd;

	private final Channel channel;

	private final WebSocketServerSettings settings;

	private final WebSocketCounters counters;

	private final WebSocketEventPublisher events;

	private final CallbackOrder order;

	private final CloseSequence close;

	private final FrameWriter writer;

	private final CallbackContext.Target context;

	private final MessageAssembler assembler;

	private @Nullable InboundSubscriber subscriber;

	/** Written on the event loop only. */
	private volatile long bytesReceived;

	ConnectionInbound(long fd, Channel channel, WebSocketServerSettings settings, WebSocketCounters counters,
			WebSocketEventPublisher events, CallbackOrder order, CloseSequence close, FrameWriter writer,
			CallbackContext.Target context) {
		this.fd = fd;
		this.channel = channel;
		this.settings = settings;
		this.counters = counters;
		this.events = events;
		this.order = order;
		this.close = close;
		this.writer = writer;
		this.context = context;
		this.assembler = new MessageAssembler(this, fd, channel.alloc(), close, settings.maxMessageSize());
	}

	/**
	 * Attach to Reactor Netty's inbound: the returned subscriber reads the frames once
	 * subscribed, and the first close frame is reported to the close sequence.
	 */
	InboundSubscriber attach(WebsocketInbound inbound) {
		InboundSubscriber subscriber = new InboundSubscriber(this, this.order.isOffLoop());
		this.subscriber = subscriber;
		inbound.receiveCloseStatus().subscribe(this::onCloseStatus);
		return subscriber;
	}

	long fd() {
		return this.fd;
	}

	long bytesReceived() {
		return this.bytesReceived;
	}

	/**
	 * Whether the server has sent its close frame: the client's answer ends the TCP
	 * connection.
	 */
	boolean isCloseSent() {
		return this.close.isCloseSent();
	}

	/**
	 * Handle one inbound frame. The frame is released by the caller.
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
		if (this.order.runsInline()) {
			// The common case, on the event loop: no task to allocate per message
			CallbackContext.Target previous = CallbackContext.enter(this.context);
			try {
				dispatch(frame);
			}
			finally {
				CallbackContext.exit(previous);
			}
		}
		else {
			this.order.executeLater(() -> dispatch(frame));
		}
	}

	private void dispatch(Frame frame) {
		try {
			this.events.message(frame);
		}
		finally {
			InboundSubscriber subscriber = this.subscriber;
			if (subscriber != null) {
				// A queued message was handled by the listeners: read one more
				subscriber.handled();
			}
		}
	}

	/**
	 * Reactor Netty saw the first close frame, sent or received.
	 */
	private void onCloseStatus(WebSocketCloseStatus status) {
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
	 * The decoder found the payload of a text frame not to be UTF-8 before the frame was
	 * complete: fail the connection with 1007.
	 */
	void invalidUtf8() {
		this.assembler.invalidUtf8();
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
	boolean onError(Throwable ex) {
		if (ex instanceof CorruptedWebSocketFrameException corrupted) {
			// The decoder has sent the close frame and closes the TCP connection: no
			// completion, which would make Reactor Netty send a second close frame
			this.close.protocolError(corrupted.closeStatus(), String.valueOf(ex.getMessage()));
			return false;
		}
		if (ex instanceof DecompressionException || ex instanceof TooLongFrameException) {
			this.assembler.tooBig();
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
	 * Release the fragments held: the connection closed. On the event loop.
	 */
	void release() {
		this.assembler.release();
	}

}
