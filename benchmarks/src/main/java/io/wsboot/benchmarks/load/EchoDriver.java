package io.wsboot.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import org.HdrHistogram.Histogram;

/**
 * Echo load: each connection keeps {@code inFlight} messages on the wire and sends one
 * more for each echo it gets, writing all of a read's answers with one flush. The round
 * trip of every echo counted goes into a histogram of the event loop's own.
 *
 * @since 0.1.0
 */
final class EchoDriver implements WsConnection.Listener {

	private static final FastThreadLocal<Stats> stats = new FastThreadLocal<>() {

		@Override
		protected Stats initialValue() {
			return new Stats();
		}

	};

	private final int inFlight;

	private final ByteBuf frames;

	private final int frameSize;

	final LongAdder errors = new LongAdder();

	volatile Phase phase = Phase.WARMUP;

	EchoDriver(int inFlight, boolean text, int size) {
		this.inFlight = inFlight;
		this.frames = Frames.messages(text, size, inFlight);
		this.frameSize = Frames.frameSize(size);
	}

	@Override
	public void opened(WsConnection connection) {
		Session session = (Session) connection.attachment;
		send(connection, session, this.inFlight);
		connection.flush();
	}

	@Override
	public void message(WsConnection connection, int opcode, ByteBuf buffer, int index, int length, long now) {
		Session session = (Session) connection.attachment;
		long sentAt = session.sentAt[session.head];
		session.head = (session.head + 1 == this.inFlight) ? 0 : session.head + 1;
		session.inFlight--;
		Phase phase = this.phase;
		if (phase == Phase.MEASURE) {
			Stats stats = EchoDriver.stats.get();
			stats.histogram.recordValue(Math.max(0, now - sentAt));
			stats.messages++;
		}
		if (phase != Phase.DONE) {
			session.toSend++;
		}
	}

	@Override
	public void readComplete(WsConnection connection) {
		Session session = (Session) connection.attachment;
		if (session.toSend > 0) {
			send(connection, session, session.toSend);
			session.toSend = 0;
			connection.flush();
		}
	}

	private void send(WsConnection connection, Session session, int count) {
		long now = System.nanoTime();
		for (int i = 0; i < count; i++) {
			int slot = session.head + session.inFlight;
			session.sentAt[(slot >= this.inFlight) ? slot - this.inFlight : slot] = now;
			session.inFlight++;
		}
		connection.write(this.frames.slice(0, count * this.frameSize));
	}

	@Override
	public void failed(WsConnection connection, String why) {
		// Counted by the connector
	}

	@Override
	public void closed(WsConnection connection) {
		if (this.phase != Phase.DONE && connection.isOpen()) {
			this.errors.increment();
		}
	}

	/**
	 * Merge what every event loop counted; call after {@link Phase#DONE}.
	 */
	static Stats collect(Iterable<EventExecutor> loops) throws Exception {
		List<Stats> all = new ArrayList<>();
		for (EventExecutor loop : loops) {
			all.add(loop.submit((Callable<Stats>) stats::get).get(10, TimeUnit.SECONDS));
		}
		Stats total = new Stats();
		for (Stats each : all) {
			total.histogram.add(each.histogram);
			total.messages += each.messages;
		}
		return total;
	}

	static final class Session {

		final long[] sentAt;

		int head;

		int inFlight;

		int toSend;

		Session(int inFlight) {
			this.sentAt = new long[inFlight];
		}

	}

	static final class Stats {

		final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

		long messages;

	}

}
