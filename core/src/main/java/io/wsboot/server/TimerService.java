package io.wsboot.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.wsboot.connection.WebSocketConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

import org.springframework.util.Assert;

/**
 * The timers of a server ({@code tick} and {@code after}): global ones on a Reactor
 * scheduler, their tasks on the listeners' worker if there is one; connection-bound ones
 * on the connection's event loop, their tasks in the connection's order, cleared when it
 * closes.
 */
final class TimerService {

	private static final Log logger = LogFactory.getLog(TimerService.class);

	private final Scheduler scheduler;

	private final @Nullable Executor worker;

	private final AtomicLong timerIds = new AtomicLong();

	private final Map<Long, TimerHandle> timers = new ConcurrentHashMap<>();

	TimerService(Scheduler scheduler, @Nullable Executor worker) {
		this.scheduler = scheduler;
		this.worker = worker;
	}

	long tick(Duration interval, Runnable task) {
		long millis = checkInterval(interval, task);
		TimerHandle timer = register(null);
		Runnable run = globalTimerTask(timer, task, false);
		timer.scheduled(this.scheduler.schedulePeriodically(run, millis, millis, TimeUnit.MILLISECONDS));
		return timer.id;
	}

	long after(Duration delay, Runnable task) {
		long millis = checkDelay(delay, task);
		TimerHandle timer = register(null);
		Runnable run = globalTimerTask(timer, task, true);
		timer.scheduled(this.scheduler.schedule(run, millis, TimeUnit.MILLISECONDS));
		return timer.id;
	}

	long tick(@Nullable WebSocketConnection connection, Duration interval, Runnable task) {
		long millis = checkInterval(interval, task);
		return scheduleBound(connection, task, false,
				(loop, run) -> loop.scheduleAtFixedRate(run, millis, millis, TimeUnit.MILLISECONDS));
	}

	long after(@Nullable WebSocketConnection connection, Duration delay, Runnable task) {
		long millis = checkDelay(delay, task);
		return scheduleBound(connection, task, true, (loop, run) -> loop.schedule(run, millis, TimeUnit.MILLISECONDS));
	}

	boolean clear(long timerId) {
		TimerHandle timer = this.timers.get(timerId);
		if (timer == null) {
			return false;
		}
		unregister(timer);
		timer.dispose();
		return true;
	}

	/**
	 * Clear the timers bound to a connection that closed.
	 */
	void clearAll(WebSocketConnection connection) {
		for (Long id : connection.timers()) {
			clear(id);
		}
	}

	/**
	 * Clear every timer: the server stops.
	 */
	void clearAll() {
		for (Long id : new ArrayList<>(this.timers.keySet())) {
			clear(id);
		}
	}

	int size() {
		return this.timers.size();
	}

	private void cancelIfClosed(WebSocketConnection connection, TimerHandle timer) {
		if (connection.isClosed()) {
			// Closed meanwhile: the close may have missed this one
			clear(timer.id);
		}
	}

	private TimerHandle register(@Nullable WebSocketConnection connection) {
		TimerHandle timer = new TimerHandle(this.timerIds.incrementAndGet(), connection);
		this.timers.put(timer.id, timer);
		if (connection != null) {
			connection.addTimer(timer.id);
		}
		return timer;
	}

	private void unregister(TimerHandle timer) {
		this.timers.remove(timer.id);
		if (timer.connection != null) {
			timer.connection.removeTimer(timer.id);
		}
	}

	/**
	 * Schedule a connection-bound timer on the connection's event loop; its task runs in
	 * the connection's order.
	 * @return the timer's id, or {@code -1} when the connection is unknown or not open
	 */
	private long scheduleBound(@Nullable WebSocketConnection connection, Runnable task, boolean once,
			BiFunction<EventLoop, Runnable, Future<?>> schedule) {
		if (connection == null || !connection.isOpen()) {
			return -1;
		}
		TimerHandle timer = register(connection);
		Runnable run = () -> {
			if (!timer.isDisposed()) {
				if (once) {
					unregister(timer);
				}
				connection.execute(task);
			}
		};
		timer.scheduled(schedule.apply(connection.eventLoop(), run));
		cancelIfClosed(connection, timer);
		return timer.id;
	}

	private Runnable globalTimerTask(TimerHandle timer, Runnable task, boolean once) {
		Runnable guarded = () -> {
			try {
				task.run();
			}
			catch (Throwable ex) {
				logger.error("Timer " + timer.id + " failed", ex);
			}
		};
		Executor worker = this.worker;
		return () -> {
			if (timer.isDisposed()) {
				return;
			}
			if (once) {
				unregister(timer);
			}
			if (worker != null) {
				worker.execute(guarded);
			}
			else {
				guarded.run();
			}
		};
	}

	private static long checkInterval(Duration interval, Runnable task) {
		Assert.notNull(interval, "'interval' must not be null");
		Assert.notNull(task, "'task' must not be null");
		long millis = interval.toMillis();
		Assert.isTrue(millis >= 1, "'interval' must be at least 1 ms");
		return millis;
	}

	private static long checkDelay(Duration delay, Runnable task) {
		Assert.notNull(delay, "'delay' must not be null");
		Assert.notNull(task, "'task' must not be null");
		Assert.isTrue(!delay.isNegative(), "'delay' must not be negative");
		return delay.toMillis();
	}

}
