package io.wsboot.connection;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The order in which the callbacks of one connection run (its events, deferred tasks,
 * bound timers): one at a time, on its event loop when listeners run there, else through
 * a {@link SerialExecutor} on the listeners' worker. Each runs in the connection's
 * {@link CallbackContext}.
 */
final class CallbackOrder {

	private static final Log logger = LogFactory.getLog(CallbackOrder.class);

	private final long fd;

	private final Channel channel;

	private final CallbackContext.Target target;

	private final CloseSequence close;

	private final @Nullable SerialExecutor serial;

	CallbackOrder(long fd, Channel channel, CallbackContext.Target target, CloseSequence close,
			@Nullable Executor worker) {
		this.fd = fd;
		this.channel = channel;
		this.target = target;
		this.close = close;
		this.serial = (worker != null) ? new SerialExecutor(worker) : null;
	}

	/**
	 * Whether listeners run on another thread than the event loop.
	 */
	boolean isOffLoop() {
		return this.serial != null;
	}

	/**
	 * Run a task in order: inline when already on the event loop and listeners run there,
	 * else queued.
	 */
	void execute(Runnable task) {
		if (runsInline()) {
			run(task);
		}
		else {
			executeLater(task);
		}
	}

	/**
	 * Whether a task may run right here: listeners run on the event loop and this is it.
	 */
	boolean runsInline() {
		return this.serial == null && this.channel.eventLoop().inEventLoop();
	}

	/**
	 * Run a task in order after the current one. A worker that refuses it closes the
	 * connection with 1011.
	 */
	void executeLater(Runnable task) {
		SerialExecutor serial = this.serial;
		if (serial == null) {
			this.channel.eventLoop().execute(() -> run(task));
			return;
		}
		try {
			serial.execute(() -> run(task));
		}
		catch (RejectedExecutionException ex) {
			logger.error("[fd=" + this.fd + "] Listener executor refused a task: closing with 1011", ex);
			this.close.close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "Listener executor overloaded");
		}
	}

	/**
	 * Run a task here, in the connection's context; a task that throws is logged.
	 */
	void run(Runnable task) {
		CallbackContext.Target previous = CallbackContext.enter(this.target);
		try {
			task.run();
		}
		catch (Throwable ex) {
			logger.error("[fd=" + this.fd + "] Task failed", ex);
		}
		finally {
			CallbackContext.exit(previous);
		}
	}

}
