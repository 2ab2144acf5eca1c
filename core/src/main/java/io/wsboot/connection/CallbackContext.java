package io.wsboot.connection;

import io.netty.util.concurrent.FastThreadLocal;
import org.jspecify.annotations.Nullable;

/**
 * What {@code WebSocketServer.defer} means on the current thread: the handshake or the
 * connection whose callback runs here. Entered and left around each callback.
 *
 * @since 0.1.0
 */
public final class CallbackContext {

	private static final FastThreadLocal<@Nullable Target> current = new FastThreadLocal<>();

	private CallbackContext() {
	}

	/**
	 * Enter a callback of a target.
	 * @param target the handshake or connection whose callback runs
	 * @return the target entered before, to give back to {@link #exit}
	 */
	public static @Nullable Target enter(Target target) {
		Target previous = current.get();
		current.set(target);
		return previous;
	}

	/**
	 * Leave a callback.
	 * @param previous what {@link #enter} returned
	 */
	public static void exit(@Nullable Target previous) {
		current.set(previous);
	}

	/**
	 * Return the target whose callback runs on this thread.
	 * @return the target, or {@code null} outside any callback
	 */
	public static @Nullable Target current() {
		return current.get();
	}

	/**
	 * A handshake or a connection: where a deferred task goes.
	 */
	public interface Target {

		/**
		 * Run a task after the current callback, in this target's order: for a handshake,
		 * once its connection is established; for a connection, after the event being
		 * handled.
		 * @param task the task
		 */
		void defer(Runnable task);

	}

}
