package io.wsboot;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * The WebSocket server, as OpenSwoole's {@code Swoole\WebSocket\Server}: push to and
 * disconnect connections by fd, broadcast, timers and deferred tasks.
 * <p>
 * Every method may be called from any thread and never blocks: a push is queued for the
 * connection's event loop and {@code false} tells it was not queued.
 *
 * @since 0.1.0
 */
public interface WebSocketServer {

	/**
	 * Close code for a normal closure (RFC 6455 §7.4.1).
	 */
	int NORMAL_CLOSURE = 1000;

	/**
	 * Close code sent when the server goes away (RFC 6455 §7.4.1).
	 */
	int GOING_AWAY = 1001;

	/**
	 * Push a text message.
	 * @param fd the connection
	 * @param text the message
	 * @return {@code true} when queued, {@code false} when the connection is unknown or
	 * no longer established
	 */
	boolean push(long fd, String text);

	/**
	 * Push a binary message.
	 * @param fd the connection
	 * @param data the message, not copied: do not change it afterwards
	 * @return {@code true} when queued, {@code false} when the connection is unknown or
	 * no longer established
	 */
	boolean push(long fd, byte[] data);

	/**
	 * Push one frame, as OpenSwoole's {@code push($fd, $data, $opcode, $finish)}: a
	 * message may be sent in fragments, a first frame of opcode {@link Opcode#TEXT} or
	 * {@link Opcode#BINARY} with {@code finish = false}, then {@link Opcode#CONTINUATION}
	 * frames, the last with {@code finish = true} (RFC 6455 §5.4). Control frames
	 * ({@link Opcode#PING}, {@link Opcode#PONG}) must be final and carry at most 125
	 * bytes; to close, use {@link #disconnect(long, int, String)}.
	 * @param fd the connection
	 * @param data the payload, UTF-8 encoded for text
	 * @param opcode the opcode
	 * @param finish whether this is the final fragment
	 * @return {@code true} when queued, {@code false} when the connection is unknown or
	 * no longer established
	 * @throws IllegalArgumentException for a close opcode or an invalid control frame
	 */
	boolean push(long fd, byte[] data, Opcode opcode, boolean finish);

	/**
	 * Push one frame of text. See {@link #push(long, byte[], Opcode, boolean)}.
	 * @param fd the connection
	 * @param data the payload
	 * @param opcode the opcode
	 * @param finish whether this is the final fragment
	 * @return {@code true} when queued
	 */
	boolean push(long fd, String data, Opcode opcode, boolean finish);

	/**
	 * Whether a connection with this fd exists: established, or closing but not yet gone.
	 * @param fd the connection
	 * @return whether it exists
	 */
	boolean exists(long fd);

	/**
	 * Whether the connection is an established WebSocket connection: the handshake is
	 * done and no close frame was sent or received.
	 * @param fd the connection
	 * @return whether it is established
	 */
	boolean isEstablished(long fd);

	/**
	 * Close a connection with a close frame (RFC 6455 §5.5.1).
	 * @param fd the connection
	 * @param code the close code: 1000, 1001, 1003, 1007–1011 or 3000–4999 (RFC 6455
	 * §7.4)
	 * @param reason the reason, at most 123 bytes of UTF-8
	 * @return {@code true} when the close frame was queued, {@code false} when the
	 * connection is unknown or no longer established
	 * @throws IllegalArgumentException for a code a server may not send or a reason too
	 * long
	 */
	boolean disconnect(long fd, int code, String reason);

	/**
	 * Close a connection with code 1000 and no reason.
	 * @param fd the connection
	 * @return {@code true} when the close frame was queued
	 */
	default boolean disconnect(long fd) {
		return disconnect(fd, NORMAL_CLOSURE, "");
	}

	/**
	 * Push a text message to every established connection. The payload is encoded once.
	 * @param text the message
	 * @return the number of connections it was queued to
	 */
	int broadcast(String text);

	/**
	 * Push a binary message to every established connection. The payload is copied once.
	 * @param data the message
	 * @return the number of connections it was queued to
	 */
	int broadcast(byte[] data);

	/**
	 * Push a text message to the established connections whose fd passes a filter.
	 * @param text the message
	 * @param filter which fds to push to
	 * @return the number of connections it was queued to
	 */
	int broadcast(String text, LongPredicate filter);

	/**
	 * Return the fds of the established connections, in ascending order, as OpenSwoole's
	 * {@code $server->connections}.
	 * @return an immutable snapshot
	 */
	List<Long> connections();

	/**
	 * Return a snapshot of a connection.
	 * @param fd the connection
	 * @return the connection's info, empty when it does not exist
	 */
	Optional<ConnectionInfo> info(long fd);

	/**
	 * Run a task repeatedly, as OpenSwoole's {@code tick}. The first run is one interval
	 * from now. Runs until {@link #clearTimer(long)} or shutdown.
	 * @param interval the interval, at least 1 ms
	 * @param task the task; it must not block unless listeners run off the event loop
	 * @return the timer id
	 */
	long tick(Duration interval, Runnable task);

	/**
	 * Run a task repeatedly, every {@code intervalMillis} milliseconds.
	 * @param intervalMillis the interval in milliseconds
	 * @param task the task
	 * @return the timer id
	 * @see #tick(Duration, Runnable)
	 */
	default long tick(long intervalMillis, Runnable task) {
		return tick(Duration.ofMillis(intervalMillis), task);
	}

	/**
	 * Run a task once after a delay, as OpenSwoole's {@code after}.
	 * @param delay the delay
	 * @param task the task
	 * @return the timer id
	 */
	long after(Duration delay, Runnable task);

	/**
	 * Run a task once after {@code delayMillis} milliseconds.
	 * @param delayMillis the delay in milliseconds
	 * @param task the task
	 * @return the timer id
	 * @see #after(Duration, Runnable)
	 */
	default long after(long delayMillis, Runnable task) {
		return after(Duration.ofMillis(delayMillis), task);
	}

	/**
	 * Run a task repeatedly for as long as a connection lives. It runs in the
	 * connection's order, never concurrently with its listeners, and is cancelled when
	 * the connection closes.
	 * @param fd the connection
	 * @param interval the interval, at least 1 ms
	 * @param task the task
	 * @return the timer id, or {@code -1} when the connection is not established
	 */
	long tick(long fd, Duration interval, Runnable task);

	/**
	 * Run a task once after a delay, unless the connection closed before.
	 * @param fd the connection
	 * @param delay the delay
	 * @param task the task
	 * @return the timer id, or {@code -1} when the connection is not established
	 */
	long after(long fd, Duration delay, Runnable task);

	/**
	 * Cancel a timer, global or connection-bound.
	 * @param timerId the id returned by {@code tick} or {@code after}
	 * @return {@code true} when the timer was active
	 */
	boolean clearTimer(long timerId);

	/**
	 * Run a task after the current callback returns, as OpenSwoole's {@code defer}.
	 * Called during a {@link HandshakeInterceptor#handshake}, the task runs once the
	 * connection is established (and not at all if the handshake is refused), so a
	 * {@code push} in it reaches the client right after the 101 response. Called from a
	 * connection's listener or timer, it runs in that connection's order after the
	 * current callback. Anywhere else it runs soon on a Reactor scheduler.
	 * @param task the task
	 */
	void defer(Runnable task);

	/**
	 * Return the server's counters.
	 * @return a snapshot of the counters
	 */
	WebSocketStats stats();

}
