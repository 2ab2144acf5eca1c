package io.wsboot.server;

/**
 * Told by a {@code NettyWebSocketServer} when a connection enters and leaves its
 * registry, whatever handshake accepted it. For the engine's own parts (the cluster keeps
 * its fd set with it); applications listen to the WebSocket events.
 * <p>
 * Both methods run on the connection's event loop and must not block.
 *
 * @since 0.1.0
 */
public interface ConnectionLifecycleListener {

	/**
	 * A connection was registered: its 101 was written and its fd is live.
	 * @param fd the connection's fd
	 */
	default void connectionOpened(long fd) {
	}

	/**
	 * A connection left the registry: it is closed, before its close event is published.
	 * @param fd the connection's fd
	 */
	default void connectionClosed(long fd) {
	}

}
