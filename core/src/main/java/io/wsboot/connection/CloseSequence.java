package io.wsboot.connection;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The close of one connection, the one path every close takes (RFC 6455 §5.5.1, §7): its
 * state (open, closing, closed), the close frame and its deadline, who closed, and the
 * code and reason of the close event. {@code disconnect}, idle timeouts, slow consumers,
 * oversized messages, shutdown and internal errors {@link #close close}; invalid UTF-8
 * {@link #fail fails} the connection; a frame the decoder refused is a
 * {@link #protocolError protocol error}; a client's close frame is {@link #closeReceived
 * received}.
 */
final class CloseSequence {

	private static final Log logger = LogFactory.getLog(CloseSequence.class);

	/**
	 * How long the server waits for the client's close frame after sending its own.
	 */
	static final long CLOSE_TIMEOUT_MILLIS = 5000;

	private static final AtomicIntegerFieldUpdater<CloseSequence> STATE = AtomicIntegerFieldUpdater
		.newUpdater(CloseSequence.class, "state");

	private static final int OPEN = 0;

	private static final int CLOSING = 1;

	private static final int CLOSED = 2;

	private final long fd;

	private final Channel channel;

	private volatile int state = OPEN;

	private volatile boolean closedByServer;

	private volatile boolean closeSent;

	private volatile @Nullable WebSocketCloseStatus status;

	CloseSequence(long fd, Channel channel) {
		this.fd = fd;
		this.channel = channel;
	}

	boolean isOpen() {
		return this.state == OPEN;
	}

	boolean isClosed() {
		return this.state == CLOSED;
	}

	/**
	 * Whether the server has sent its close frame: the client's answer then ends the TCP
	 * connection.
	 */
	boolean isCloseSent() {
		return this.closeSent;
	}

	/**
	 * Start the server side of the close handshake: send a close frame, then close the
	 * TCP connection when the client answers, at the latest after
	 * {@link #CLOSE_TIMEOUT_MILLIS} from now (a client that does not read never lets the
	 * close frame out).
	 * @param code the close code
	 * @param reason the close reason
	 * @return whether this call started the close; {@code false} when it was closing
	 * already
	 */
	boolean close(int code, String reason) {
		if (!STATE.compareAndSet(this, OPEN, CLOSING)) {
			return false;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Closing with " + code + " " + reason);
		}
		sendClose(code, reason, false);
		return true;
	}

	/**
	 * Fail the connection (RFC 6455 §7.1.7): send a close frame and close the TCP
	 * connection once it is out, without waiting for the client's, at the latest after
	 * {@link #CLOSE_TIMEOUT_MILLIS}. Later frames of the client are not read.
	 * @param code the close code
	 * @param reason the close reason
	 */
	void fail(int code, String reason) {
		if (!STATE.compareAndSet(this, OPEN, CLOSING)) {
			this.channel.close();
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Failing with " + code + " " + reason);
		}
		sendClose(code, reason, true);
	}

	private void sendClose(int code, String reason, boolean closeOnceSent) {
		this.closedByServer = true;
		this.status = new WebSocketCloseStatus(code, reason, false);
		this.closeSent = true;
		Channel channel = this.channel;
		channel.eventLoop().schedule(() -> channel.close(), CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
		channel.writeAndFlush(new CloseWebSocketFrame(code, reason))
			.addListener(closeOnceSent ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
	}

	/**
	 * The decoder refused a frame and has sent a close frame with this status.
	 * @param status the close status sent
	 * @param reason why
	 */
	void protocolError(WebSocketCloseStatus status, String reason) {
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Protocol error, closed with " + status.code() + ": " + reason);
		}
		STATE.compareAndSet(this, OPEN, CLOSING);
		this.closedByServer = true;
		this.status = new WebSocketCloseStatus(status.code(), reason, false);
	}

	/**
	 * Reactor Netty saw the first close frame, sent or received.
	 * @param status its status
	 * @return whether it is the client's: the server had not closed
	 */
	boolean closeReceived(WebSocketCloseStatus status) {
		if (this.status == null) {
			this.status = status;
		}
		STATE.compareAndSet(this, OPEN, CLOSING);
		return !this.closedByServer;
	}

	/**
	 * Move to closed: the TCP connection is gone.
	 * @return whether this call made the move
	 */
	boolean markClosed() {
		return STATE.getAndSet(this, CLOSED) != CLOSED;
	}

	/**
	 * Return the close code of the close event: the code of the first close frame, 1006
	 * when there was none.
	 */
	int code() {
		WebSocketCloseStatus status = this.status;
		return (status != null) ? status.code() : WebSocketCloseEvent.ABNORMAL_CLOSURE;
	}

	/**
	 * Return the close reason of the close event.
	 */
	String reason() {
		WebSocketCloseStatus status = this.status;
		return (status != null && status.reasonText() != null) ? status.reasonText() : "";
	}

	ClosedBy closedBy() {
		return this.closedByServer ? ClosedBy.SERVER : ClosedBy.CLIENT;
	}

}
