package io.wsboot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.util.concurrent.FastThreadLocalThread;
import org.jspecify.annotations.Nullable;

import io.wsboot.WebSocketCloseEvent.ClosedBy;

import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import static org.awaitility.Awaitility.await;

/**
 * Records the WebSocket events of a test application, in the order they are published,
 * with the thread each ran on, and counts listeners of one connection that ran
 * concurrently. Its listeners run before all others.
 */
class EventRecorder {

	static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final AtomicLong sequence = new AtomicLong();

	private final Queue<Recorded> events = new ConcurrentLinkedQueue<>();

	private final Map<Long, AtomicInteger> running = new ConcurrentHashMap<>();

	private final AtomicInteger overlaps = new AtomicInteger();

	@EventListener
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onOpen(WebSocketOpenEvent event) {
		record(event.getFd(), Kind.OPEN, null, 0, "", null);
	}

	@EventListener
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onMessage(WebSocketMessageEvent event) {
		record(event.getFd(), Kind.MESSAGE, event.getFrame(), 0, "", null);
	}

	@EventListener
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onClose(WebSocketCloseEvent event) {
		record(event.getFd(), Kind.CLOSE, null, event.getCode(), event.getReason(), event.getClosedBy());
	}

	private void record(long fd, Kind kind, @Nullable Frame frame, int code, String reason,
			@Nullable ClosedBy closedBy) {
		AtomicInteger count = this.running.computeIfAbsent(fd, (key) -> new AtomicInteger());
		if (count.incrementAndGet() > 1) {
			this.overlaps.incrementAndGet();
		}
		try {
			this.events.add(new Recorded(this.sequence.incrementAndGet(), kind, fd, frame, code, reason, closedBy,
					Thread.currentThread().getName(), isEventLoop(Thread.currentThread())));
		}
		finally {
			count.decrementAndGet();
		}
	}

	/**
	 * Return the events of a connection in the order they were published.
	 * @param fd the connection
	 * @return the events
	 */
	List<Recorded> events(long fd) {
		return this.events.stream().filter((event) -> event.fd() == fd).toList();
	}

	List<Kind> kinds(long fd) {
		return events(fd).stream().map(Recorded::kind).toList();
	}

	/**
	 * Return the frames of the message events of a connection, in order.
	 * @param fd the connection
	 * @return the frames
	 */
	List<Frame> frames(long fd) {
		return events(fd).stream().filter((event) -> event.kind() == Kind.MESSAGE).map(Recorded::frame).toList();
	}

	List<String> texts(long fd) {
		return frames(fd).stream().map(Frame::getData).toList();
	}

	/**
	 * Return all open events, in order.
	 * @return the open events
	 */
	List<Recorded> opens() {
		return this.events.stream().filter((event) -> event.kind() == Kind.OPEN).toList();
	}

	/**
	 * Wait for the close event of a connection.
	 * @param fd the connection
	 * @return the close event
	 */
	Recorded awaitClose(long fd) {
		return await().atMost(TIMEOUT)
			.until(() -> events(fd).stream().filter((event) -> event.kind() == Kind.CLOSE).findFirst().orElse(null),
					(event) -> event != null);
	}

	/**
	 * Wait until a connection has at least the given number of message events.
	 * @param fd the connection
	 * @param count the number of messages
	 * @return the frames
	 */
	List<Frame> awaitMessages(long fd, int count) {
		return await().atMost(TIMEOUT).until(() -> frames(fd), (frames) -> frames.size() >= count);
	}

	/**
	 * Return how many times a listener started while another one of the same connection
	 * was running.
	 * @return the number of overlaps
	 */
	int overlaps() {
		return this.overlaps.get();
	}

	/**
	 * Whether a thread is a Netty event loop (Reactor Netty's loops run on
	 * {@link FastThreadLocalThread}s, Reactor's bounded elastic workers do not).
	 * @param thread the thread
	 * @return whether it is an event loop
	 */
	static boolean isEventLoop(Thread thread) {
		return thread instanceof FastThreadLocalThread;
	}

	enum Kind {

		OPEN, MESSAGE, CLOSE

	}

	/**
	 * An event as recorded.
	 *
	 * @param sequence the order in which events were published, across connections
	 * @param kind the kind
	 * @param fd the connection
	 * @param frame the frame of a message event
	 * @param code the code of a close event
	 * @param reason the reason of a close event
	 * @param closedBy the side of a close event
	 * @param thread the name of the thread the listener ran on
	 * @param eventLoop whether that thread is a Netty event loop
	 */
	record Recorded(long sequence, Kind kind, long fd, @Nullable Frame frame, int code, String reason,
			@Nullable ClosedBy closedBy, String thread, boolean eventLoop) {

	}

	/**
	 * Greets every connection opened by the default handshake with {@code fd:<fd>}, so
	 * clients learn their fd.
	 */
	static class Greeter {

		@EventListener
		void onOpen(WebSocketOpenEvent event) {
			event.getSource().push(event.getFd(), "fd:" + event.getFd());
		}

	}

}
