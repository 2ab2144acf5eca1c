package io.wsboot.connection;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.EventLoop;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCounted;
import io.wsboot.Opcode;
import io.wsboot.metrics.WebSocketCounters;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The outbound side of one connection: pushes written on its event loop, encoded by
 * {@link OutboundFrames} below Netty's frame encoder where no extension transforms
 * frames, the send buffer as the bound (a full one drops the push or closes with 1008),
 * and the server's pings. Every push is counted.
 */
public final class FrameWriter {

	private static final Log logger = LogFactory.getLog(FrameWriter.class);

	private static final AtomicLongFieldUpdater<FrameWriter> BYTES_SENT = AtomicLongFieldUpdater
		.newUpdater(FrameWriter.class, "bytesSent");

	private final long fd;

	private final Channel channel;

	private final CloseSequence close;

	private final WebSocketCounters counters;

	private final boolean closeOnOverflow;

	/** The promise of every push: none, and failures are not fired down the pipeline. */
	private final VoidChannelPromise quietPromise;

	/**
	 * Netty's frame encoder, when no extension encodes frames before it. Set before the
	 * connection is registered, which publishes it.
	 */
	private @Nullable ChannelHandlerContext encoder;

	private volatile @Nullable ScheduledFuture<?> pings;

	private volatile long bytesSent;

	FrameWriter(long fd, Channel channel, CloseSequence close, WebSocketCounters counters, boolean closeOnOverflow) {
		this.fd = fd;
		this.channel = channel;
		this.close = close;
		this.counters = counters;
		this.closeOnOverflow = closeOnOverflow;
		this.quietPromise = new VoidChannelPromise(channel, false);
	}

	/**
	 * Push a text message.
	 * @param text the text
	 * @return whether it was written
	 */
	public boolean text(String text) {
		ChannelHandlerContext encoder = this.encoder;
		if (encoder != null) {
			ByteBuf frame = OutboundFrames.text(this.channel.alloc(), text);
			int length = OutboundFrames.payloadLength(frame);
			return counted(writeEncoded(encoder, frame, length), true, true, length);
		}
		ByteBuf payload = OutboundFrames.utf8(this.channel.alloc(), text);
		int length = payload.readableBytes();
		return counted(write(new TextWebSocketFrame(payload), length), true, true, length);
	}

	/**
	 * Push a binary message.
	 * @param data the bytes
	 * @return whether it was written
	 */
	public boolean binary(byte[] data) {
		ChannelHandlerContext encoder = this.encoder;
		if (encoder != null) {
			ByteBuf frame = OutboundFrames.binary(this.channel.alloc(), data);
			return counted(writeEncoded(encoder, frame, data.length), true, false, data.length);
		}
		return counted(write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)), data.length), true, false,
				data.length);
	}

	/**
	 * Push one frame with an explicit opcode, already checked by
	 * {@link FrameRules#checkPushedFrame}.
	 * @param data the payload
	 * @param opcode the opcode, not {@code CLOSE}
	 * @param finish whether it is the final fragment
	 * @return whether it was written
	 */
	public boolean frame(byte[] data, Opcode opcode, boolean finish) {
		ByteBuf payload = Unpooled.wrappedBuffer(data);
		WebSocketFrame frame = switch (opcode) {
			case TEXT -> new TextWebSocketFrame(finish, 0, payload);
			case BINARY -> new BinaryWebSocketFrame(finish, 0, payload);
			case CONTINUATION -> new ContinuationWebSocketFrame(finish, 0, payload);
			case PING -> new PingWebSocketFrame(payload);
			case PONG -> new PongWebSocketFrame(payload);
			case CLOSE -> throw new IllegalArgumentException("A close frame goes through the close sequence");
		};
		boolean message = opcode == Opcode.TEXT || opcode == Opcode.BINARY;
		return counted(write(frame, data.length), message, opcode == Opcode.TEXT, data.length);
	}

	/**
	 * Push a frame that {@link OutboundFrames} encoded once for many connections: this
	 * connection writes a duplicate of it, or a frame of its payload for Netty's encoder
	 * where an extension transforms frames.
	 * @param frame the encoded frame, not released here
	 * @param length its payload's length
	 * @param text whether it is text
	 * @return whether it was written
	 */
	public boolean shared(ByteBuf frame, int length, boolean text) {
		ChannelHandlerContext encoder = this.encoder;
		if (encoder != null) {
			return counted(writeEncoded(encoder, frame.retainedDuplicate(), length), true, text, length);
		}
		ByteBuf payload = frame.retainedSlice(frame.readableBytes() - length, length);
		WebSocketFrame message = text ? new TextWebSocketFrame(payload) : new BinaryWebSocketFrame(payload);
		return counted(write(message, length), true, text, length);
	}

	private boolean counted(boolean written, boolean message, boolean text, int length) {
		if (written) {
			this.counters.sent(message, text, length);
			return true;
		}
		this.counters.dropped();
		return false;
	}

	private boolean write(WebSocketFrame frame, int payloadLength) {
		if (!canWrite(frame)) {
			return false;
		}
		BYTES_SENT.addAndGet(this, payloadLength);
		send(this.channel, frame);
		return true;
	}

	private boolean writeEncoded(ChannelHandlerContext encoder, ByteBuf frame, int payloadLength) {
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
				if (this.close.isOpen()) {
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

	private boolean canWrite(ReferenceCounted message) {
		if (!this.close.isOpen()) {
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
		if (this.closeOnOverflow) {
			logger.info("[fd=" + this.fd + "] Send buffer full: closing with 1008");
			this.close.close(WebSocketCloseStatus.POLICY_VIOLATION.code(), "Send buffer overflow");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Send buffer full: push dropped");
		}
	}

	/**
	 * Whether frames are encoded by {@link OutboundFrames}: no extension transforms them.
	 */
	boolean encodesFrames() {
		return this.encoder != null;
	}

	void setEncoder(@Nullable ChannelHandlerContext encoder) {
		this.encoder = encoder;
	}

	/**
	 * Answer a ping of the client's, as Reactor Netty would.
	 */
	void pong(ByteBuf payload) {
		this.channel.writeAndFlush(new PongWebSocketFrame(payload));
	}

	void startPings(long intervalMillis) {
		this.pings = this.channel.eventLoop().scheduleAtFixedRate(() -> {
			if (this.close.isOpen()) {
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

	long bytesSent() {
		return this.bytesSent;
	}

}
