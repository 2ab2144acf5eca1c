package io.wsboot.netty;

import java.io.IOException;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Sinks;

/**
 * Reads the frames of one connection. On the event loop it asks for everything; when
 * listeners run elsewhere it keeps at most {@link #WINDOW} messages queued for them, so a
 * fast client cannot fill the heap while a slow listener works (Reactor Netty stops
 * reading the socket while there is no demand).
 */
final class InboundSubscriber extends BaseSubscriber<WebSocketFrame> {

	private static final Log logger = LogFactory.getLog(InboundSubscriber.class);

	static final int WINDOW = 64;

	private final WebSocketConnection connection;

	private final boolean bounded;

	private final Sinks.Empty<Void> done = Sinks.empty();

	InboundSubscriber(WebSocketConnection connection, boolean bounded) {
		this.connection = connection;
		this.bounded = bounded;
	}

	Sinks.Empty<Void> done() {
		return this.done;
	}

	@Override
	protected void hookOnSubscribe(Subscription subscription) {
		subscription.request(this.bounded ? WINDOW : Long.MAX_VALUE);
	}

	@Override
	protected void hookOnNext(WebSocketFrame frame) {
		if (!this.connection.onFrame(frame) && this.bounded) {
			request(1);
		}
	}

	/**
	 * A queued message was handled by its listeners: read one more.
	 */
	void handled() {
		if (this.bounded) {
			request(1);
		}
	}

	@Override
	protected void hookOnComplete() {
		this.done.tryEmitEmpty();
	}

	@Override
	protected void hookOnError(Throwable ex) {
		if (ex instanceof CorruptedWebSocketFrameException corrupted) {
			// The decoder has sent the close frame and closes the TCP connection: no
			// completion, which would make Reactor Netty send a second close frame
			this.connection.onProtocolError(corrupted.closeStatus(), String.valueOf(ex.getMessage()));
			return;
		}
		if (ex instanceof DecompressionException || ex instanceof TooLongFrameException) {
			// A compressed message that inflates beyond the limits
			this.connection.tooBig();
			return;
		}
		if (ex instanceof IOException) {
			// The client reset or dropped the TCP connection: its close event says 1006
			if (logger.isDebugEnabled()) {
				logger.debug("[fd=" + this.connection.fd + "] Connection lost: " + ex);
			}
			this.connection.channel.close();
			this.done.tryEmitEmpty();
			return;
		}
		if (this.connection.channel.isActive()) {
			logger.error("[fd=" + this.connection.fd + "] Inbound failed: closing with 1011", ex);
			this.connection.closeWith(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "Internal error");
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.connection.fd + "] Inbound failed: " + ex);
		}
		this.done.tryEmitEmpty();
	}

}
