package io.wsboot.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.wsboot.Frame;
import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketOpenEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.util.Assert;

/**
 * Records the WebSocket application events of a test's application
 * ({@link WebSocketOpenEvent}, {@link WebSocketMessageEvent} and
 * {@link WebSocketCloseEvent}) in the order they were published, and waits for them with
 * bounded waits. <pre class="code">
 * try (WebSocketTestConnection connection = client.connect()) {
 * 	long fd = recorder.awaitOpen(TIMEOUT).getFd();
 * 	connection.sendText("hi");
 * 	assertThat(recorder.awaitMessages(fd, 1, TIMEOUT)).extracting(Frame::getData).containsExactly("hi");
 * }
 * assertThat(recorder.awaitClose(fd, TIMEOUT).getCode()).isEqualTo(1000);
 * </pre>
 * <p>
 * Registered as a bean by {@link RecordWebSocketEvents @RecordWebSocketEvents} and
 * {@link AutoConfigureWebSocketTestClient @AutoConfigureWebSocketTestClient}; its
 * recording is cleared before each test method of a Spring test. It listens before all
 * other listeners (so it records events whose listeners fail), which means the
 * application's own listeners of an event may still be running when a wait for that event
 * returns. Thread-safe: events are recorded on whichever thread publishes them.
 *
 * @since 0.1.0
 */
public class WebSocketEventRecorder implements SmartApplicationListener {

	private final List<ApplicationEvent> events = new ArrayList<>();

	private final Map<ApplicationEvent, Thread> threads = new IdentityHashMap<>();

	private final Map<Long, AtomicInteger> recording = new ConcurrentHashMap<>();

	private final AtomicInteger overlaps = new AtomicInteger();

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return WebSocketOpenEvent.class.isAssignableFrom(eventType)
				|| WebSocketMessageEvent.class.isAssignableFrom(eventType)
				|| WebSocketCloseEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		AtomicInteger running = this.recording.computeIfAbsent(fd(event), (fd) -> new AtomicInteger());
		if (running.incrementAndGet() > 1) {
			this.overlaps.incrementAndGet();
		}
		try {
			synchronized (this.events) {
				this.events.add(event);
				this.threads.put(event, Thread.currentThread());
				this.events.notifyAll();
			}
		}
		finally {
			running.decrementAndGet();
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/**
	 * Return the events recorded since the last {@link #clear()}.
	 * @return the events, in the order they were published
	 */
	public List<ApplicationEvent> events() {
		synchronized (this.events) {
			return List.copyOf(this.events);
		}
	}

	/**
	 * Return the events of a connection.
	 * @param fd the connection
	 * @return the events, in the order they were published
	 */
	public List<ApplicationEvent> events(long fd) {
		return events().stream().filter((event) -> fd(event) == fd).toList();
	}

	/**
	 * Return the events of a type.
	 * @param <T> the event type
	 * @param type the event type, such as {@code WebSocketCloseEvent.class}
	 * @return the events, in the order they were published
	 */
	public <T extends ApplicationEvent> List<T> events(Class<T> type) {
		Assert.notNull(type, "'type' must not be null");
		return events().stream().filter(type::isInstance).map(type::cast).toList();
	}

	/**
	 * Return the frames of the message events of a connection.
	 * @param fd the connection
	 * @return the frames, in the order they were published
	 */
	public List<Frame> messages(long fd) {
		return events(WebSocketMessageEvent.class).stream()
			.filter((event) -> event.getFd() == fd)
			.map(WebSocketMessageEvent::getFrame)
			.toList();
	}

	/**
	 * Return the thread that published an event, which is the thread its listeners ran on
	 * (an event loop of the server, or the worker of {@code wsboot.listener-execution}).
	 * @param event an event of {@link #events()}
	 * @return the thread
	 * @throws IllegalArgumentException when the event was not recorded
	 */
	public Thread thread(ApplicationEvent event) {
		Assert.notNull(event, "'event' must not be null");
		synchronized (this.events) {
			Thread thread = this.threads.get(event);
			Assert.isTrue(thread != null, "'event' was not recorded");
			return thread;
		}
	}

	/**
	 * Return how many times an event of a connection was published while another event of
	 * the same connection was being recorded. wsboot publishes the events of one
	 * connection one at a time, so this stays {@code 0}.
	 * @return the number of overlapping events since the last {@link #clear()}
	 */
	public int overlaps() {
		return this.overlaps.get();
	}

	/**
	 * Wait for the first event of a type that meets a condition.
	 * @param <T> the event type
	 * @param type the event type
	 * @param condition the condition
	 * @param timeout how long to wait
	 * @return the first such event recorded since the last {@link #clear()}
	 * @throws AssertionError when none was recorded in time; the message lists the events
	 * recorded
	 */
	public <T extends ApplicationEvent> T awaitEvent(Class<T> type, Predicate<? super T> condition, Duration timeout) {
		Assert.notNull(type, "'type' must not be null");
		Assert.notNull(condition, "'condition' must not be null");
		return await(() -> events(type).stream().filter(condition).findFirst().orElse(null), timeout,
				() -> "No " + type.getSimpleName() + " meeting the condition within " + Descriptions.of(timeout)
						+ "; recorded " + Descriptions.ofEvents(events()));
	}

	/**
	 * Wait for an open event. With several connections, pick one with
	 * {@link #awaitEvent(Class, Predicate, Duration)}, by path or header. Applications
	 * with their own {@link io.wsboot.HandshakeInterceptor} get no open events.
	 * @param timeout how long to wait
	 * @return the first open event recorded since the last {@link #clear()}
	 * @throws AssertionError when none was recorded in time
	 */
	public WebSocketOpenEvent awaitOpen(Duration timeout) {
		return await(() -> events(WebSocketOpenEvent.class).stream().findFirst().orElse(null), timeout,
				() -> "No WebSocketOpenEvent within " + Descriptions.of(timeout) + "; recorded "
						+ Descriptions.ofEvents(events()));
	}

	/**
	 * Wait for the close event of a connection.
	 * @param fd the connection
	 * @param timeout how long to wait
	 * @return the close event
	 * @throws AssertionError when it was not recorded in time; the message lists the
	 * connection's events
	 */
	public WebSocketCloseEvent awaitClose(long fd, Duration timeout) {
		return await(
				() -> events(WebSocketCloseEvent.class).stream()
					.filter((event) -> event.getFd() == fd)
					.findFirst()
					.orElse(null),
				timeout, () -> "No WebSocketCloseEvent of fd " + fd + " within " + Descriptions.of(timeout)
						+ "; recorded for it " + Descriptions.ofEvents(events(fd)));
	}

	/**
	 * Wait until at least a number of message events of a connection were recorded.
	 * @param fd the connection
	 * @param count the number of messages
	 * @param timeout how long to wait
	 * @return the frames of all the connection's message events, at least {@code count}
	 * @throws AssertionError when fewer were recorded in time; the message lists the
	 * connection's events
	 */
	public List<Frame> awaitMessages(long fd, int count, Duration timeout) {
		Assert.isTrue(count >= 0, "'count' must not be negative");
		return await(() -> {
			List<Frame> frames = messages(fd);
			return (frames.size() >= count) ? frames : null;
		}, timeout, () -> "Expected " + count + " message event(s) of fd " + fd + " within " + Descriptions.of(timeout)
				+ " but recorded " + messages(fd).size() + ": " + Descriptions.ofEvents(events(fd)));
	}

	/**
	 * Forget the events recorded so far. Called before each test method of a Spring test.
	 */
	public void clear() {
		synchronized (this.events) {
			this.events.clear();
			this.threads.clear();
			this.overlaps.set(0);
		}
	}

	private <T> T await(Supplier<@Nullable T> probe, Duration timeout, Supplier<String> failure) {
		Assert.notNull(timeout, "'timeout' must not be null");
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.events) {
			while (true) {
				T result = probe.get();
				if (result != null) {
					return result;
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError(failure.get());
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.events, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new AssertionError("Interrupted while waiting for WebSocket events", ex);
				}
			}
		}
	}

	private static long fd(ApplicationEvent event) {
		if (event instanceof WebSocketOpenEvent open) {
			return open.getFd();
		}
		if (event instanceof WebSocketMessageEvent message) {
			return message.getFd();
		}
		return ((WebSocketCloseEvent) event).getFd();
	}

	@Override
	public String toString() {
		return "WebSocketEventRecorder" + Descriptions.ofEvents(events());
	}

}
