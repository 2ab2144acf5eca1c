package io.wsboot.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.wsboot.HandshakeRequest;
import io.wsboot.WebSocketServer;
import io.wsboot.connection.InboundSubscriber;
import io.wsboot.connection.PipelineInitializer;
import io.wsboot.connection.WebSocketConnection;
import io.wsboot.event.WebSocketEventPublisher;
import io.wsboot.metrics.WebSocketCounters;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.netty.Connection;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * The life of a server's connections, from the upgrade to the close event: a connection
 * is set up and registered once its 101 is written, its open event and deferred tasks run
 * in its order, and when its TCP connection is gone it leaves the registry, its timers
 * are cleared and its close event is published. At shutdown every connection is closed
 * with 1001 and awaited.
 */
final class ConnectionLifecycle {

	private static final Log logger = LogFactory.getLog(ConnectionLifecycle.class);

	private static final long SHUTDOWN_WAIT_MILLIS = 5000;

	private final WebSocketServerSettings settings;

	private final ConnectionRegistry registry;

	private final TimerService timers;

	private final WebSocketCounters counters;

	private final WebSocketEventPublisher events;

	private final PipelineInitializer pipelines;

	private final Object shutdownMonitor = new Object();

	private volatile boolean accepting;

	private volatile boolean stopping;

	ConnectionLifecycle(WebSocketServerSettings settings, ConnectionRegistry registry, TimerService timers,
			WebSocketCounters counters, WebSocketEventPublisher events) {
		this.settings = settings;
		this.registry = registry;
		this.timers = timers;
		this.counters = counters;
		this.events = events;
		this.pipelines = new PipelineInitializer(settings);
	}

	/**
	 * Start taking connections.
	 */
	void start() {
		PipelineInitializer.checkNetty();
		this.stopping = false;
		this.accepting = true;
	}

	boolean isAccepting() {
		return this.accepting;
	}

	Publisher<Void> established(WebsocketInbound inbound, WebsocketOutbound outbound, HandshakeRequest request,
			Map<String, Object> attributes, @Nullable String subprotocol, List<Runnable> deferred,
			boolean publishOpen) {
		Connection[] holder = new Connection[1];
		inbound.withConnection((connection) -> holder[0] = connection);
		Connection nettyConnection = holder[0];
		WebSocketConnection connection;
		try {
			connection = new WebSocketConnection(nettyConnection.channel(), request, attributes, subprotocol,
					this.settings, this.counters, this.events);
			this.pipelines.initialize(connection);
		}
		catch (Throwable ex) {
			this.registry.releaseSlot();
			logger.error("[fd=" + request.getFd() + "] Connection could not be set up: closing with 1011", ex);
			return outbound.sendClose(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "Internal error");
		}
		this.registry.register(connection);
		this.counters.accepted();
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + connection.fd() + "] Connection established on " + request.getPath()
					+ ((subprotocol != null) ? " with subprotocol " + subprotocol : ""));
		}
		InboundSubscriber subscriber = connection.attach(inbound);
		nettyConnection.onDispose(() -> closed(connection));
		if (publishOpen) {
			connection.execute(() -> this.events.opened(request));
		}
		for (Runnable task : deferred) {
			connection.execute(task);
		}
		connection.acceptBroadcasts();
		if (!this.accepting) {
			connection.close(WebSocketServer.GOING_AWAY, "Server shutting down");
		}
		inbound.receiveFrames().subscribe(subscriber);
		return subscriber.done().asMono();
	}

	private void closed(WebSocketConnection connection) {
		if (!connection.markClosed()) {
			return;
		}
		this.registry.remove(connection);
		this.timers.clearAll(connection);
		// Queued, never inline: a close caused by a listener is published after it
		// returns, and a decoder that refused a frame has told its close code by then
		connection.executeLater(() -> {
			try {
				int code = connection.closeCode();
				this.counters.closed(code);
				if (logger.isDebugEnabled()) {
					logger.debug("[fd=" + connection.fd() + "] Connection closed by " + connection.closedBy() + " with "
							+ code);
				}
				this.events.closed(connection.fd(), code, connection.closeReason(), connection.closedBy());
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

	/**
	 * Stop taking connections, close the open ones with 1001 and wait for them to close,
	 * at most {@link #SHUTDOWN_WAIT_MILLIS}.
	 */
	void shutdown() {
		this.accepting = false;
		this.stopping = true;
		List<WebSocketConnection> open = new ArrayList<>(this.registry.all());
		if (open.isEmpty()) {
			return;
		}
		logger.info("Closing " + open.size() + " WebSocket connection(s) with 1001");
		for (WebSocketConnection connection : open) {
			connection.close(WebSocketServer.GOING_AWAY, "Server shutting down");
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_WAIT_MILLIS);
		synchronized (this.shutdownMonitor) {
			while (!this.registry.isEmpty()) {
				long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (left <= 0) {
					logger.info(this.registry.size() + " WebSocket connection(s) did not close in time");
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

}
