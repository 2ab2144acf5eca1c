package io.wsboot.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.wsboot.connection.WebSocketConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The connections of a server: their fds, the slots below the connection limit, the
 * established connections by fd, and the listeners told of each one that enters and
 * leaves.
 *
 * @since 0.1.0
 */
public final class ConnectionRegistry {

	private static final Log logger = LogFactory.getLog(ConnectionRegistry.class);

	private final int maxConnections;

	private final AtomicLong fds = new AtomicLong();

	private volatile long fdBase;

	/** Connections open or being upgraded, when there is a limit. */
	private final AtomicInteger slots = new AtomicInteger();

	private final Map<Long, WebSocketConnection> connections = new ConcurrentHashMap<>();

	private final List<ConnectionLifecycleListener> listeners = new CopyOnWriteArrayList<>();

	ConnectionRegistry(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	/**
	 * Return the fd of a new handshake: unique for the life of the process, never reused.
	 * @return the fd
	 */
	public long nextFd() {
		return this.fdBase + this.fds.incrementAndGet();
	}

	void setFdBase(long fdBase) {
		Assert.isTrue(fdBase >= 0, "'fdBase' must not be negative");
		Assert.state(this.fds.get() == 0, "Fds were already allocated");
		this.fdBase = fdBase;
	}

	/**
	 * Take a place for a connection below the connection limit, from the handshake until
	 * the connection closes.
	 * @return whether there was one
	 */
	public boolean tryReserveSlot() {
		if (this.maxConnections < 0) {
			return true;
		}
		while (true) {
			int taken = this.slots.get();
			if (taken >= this.maxConnections) {
				return false;
			}
			if (this.slots.compareAndSet(taken, taken + 1)) {
				return true;
			}
		}
	}

	/**
	 * Give back a place taken by {@link #tryReserveSlot()}: the handshake failed or the
	 * connection closed.
	 */
	public void releaseSlot() {
		if (this.maxConnections >= 0) {
			this.slots.decrementAndGet();
		}
	}

	void addListener(ConnectionLifecycleListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.listeners.add(listener);
	}

	void register(WebSocketConnection connection) {
		this.connections.put(connection.fd(), connection);
		notifyListeners(connection.fd(), true);
	}

	void remove(WebSocketConnection connection) {
		this.connections.remove(connection.fd());
		notifyListeners(connection.fd(), false);
		releaseSlot();
	}

	private void notifyListeners(long fd, boolean opened) {
		for (ConnectionLifecycleListener listener : this.listeners) {
			try {
				if (opened) {
					listener.connectionOpened(fd);
				}
				else {
					listener.connectionClosed(fd);
				}
			}
			catch (Throwable ex) {
				logger.error("[fd=" + fd + "] Connection lifecycle listener failed", ex);
			}
		}
	}

	@Nullable WebSocketConnection get(long fd) {
		return this.connections.get(fd);
	}

	/**
	 * Return the connection of an fd if it is open.
	 */
	@Nullable WebSocketConnection getOpen(long fd) {
		WebSocketConnection connection = this.connections.get(fd);
		return (connection != null && connection.isOpen()) ? connection : null;
	}

	Collection<WebSocketConnection> all() {
		return this.connections.values();
	}

	boolean isEmpty() {
		return this.connections.isEmpty();
	}

	int size() {
		return this.connections.size();
	}

	/**
	 * Return the fds of the open connections, sorted.
	 */
	List<Long> openFds() {
		List<Long> fds = new ArrayList<>(this.connections.size());
		for (WebSocketConnection connection : this.connections.values()) {
			if (connection.isOpen()) {
				fds.add(connection.fd());
			}
		}
		fds.sort(null);
		return List.copyOf(fds);
	}

}
