package io.wsboot.server;

import java.util.concurrent.Future;

import io.wsboot.connection.WebSocketConnection;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * A timer as the server keeps it: registered before it is scheduled, so that a timer that
 * fires at once, or is cleared before its schedule is known, is still accounted for.
 */
final class TimerHandle implements Disposable {

	final long id;

	final @Nullable WebSocketConnection connection;

	private volatile @Nullable Object scheduled;

	private volatile boolean disposed;

	TimerHandle(long id, @Nullable WebSocketConnection connection) {
		this.id = id;
		this.connection = connection;
	}

	void scheduled(Object scheduled) {
		this.scheduled = scheduled;
		if (this.disposed) {
			cancel(scheduled);
		}
	}

	@Override
	public void dispose() {
		this.disposed = true;
		Object scheduled = this.scheduled;
		if (scheduled != null) {
			cancel(scheduled);
		}
	}

	@Override
	public boolean isDisposed() {
		return this.disposed;
	}

	private static void cancel(Object scheduled) {
		if (scheduled instanceof Disposable disposable) {
			disposable.dispose();
		}
		else if (scheduled instanceof Future<?> future) {
			future.cancel(false);
		}
	}

}
