package io.wsboot.connection;

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
public final class InboundSubscriber extends BaseSubscriber<WebSocketFrame> {

	private static final Log logger = LogFactory.getLog(InboundSubscriber.class);

	static final int WINDOW = 64;

	private final ConnectionInbound inbound;

	private final boolean bounded;

	private final Sinks.Empty<Void> done = Sinks.empty();

	InboundSubscriber(ConnectionInbound inbound, boolean bounded) {
		this.inbound = inbound;
		this.bounded = bounded;
	}

	/**
	 * Return what completes when the connection's inbound ends.
	 * @return the sink
	 */
	public Sinks.Empty<Void> done() {
		return this.done;
	}

	@Override
	protected void hookOnSubscribe(Subscription subscription) {
		subscription.request(this.bounded ? WINDOW : Long.MAX_VALUE);
	}

	@Override
	protected void hookOnNext(WebSocketFrame frame) {
		if (!this.inbound.onFrame(frame) && this.bounded) {
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
		if (this.inbound.onError(ex)) {
			this.done.tryEmitEmpty();
		}
	}

}
