package io.wsboot.benchmarks.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Connect load: {@code concurrency} workers each open a connection, complete the
 * handshake, close it and start again. Counts the handshakes completed and the failures
 * (refused or broken connections, answers other than a valid 101) while measuring.
 *
 * @since 0.1.0
 */
final class ConnectDriver {

	private final Transport transport;

	private final CountDownLatch stopped;

	private final int concurrency;

	final LongAdder handshakes = new LongAdder();

	final LongAdder failures = new LongAdder();

	final Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);

	volatile Phase phase = Phase.WARMUP;

	ConnectDriver(Transport transport, int concurrency) {
		this.transport = transport;
		this.concurrency = concurrency;
		this.stopped = new CountDownLatch(concurrency);
	}

	void start() {
		for (int i = 0; i < this.concurrency; i++) {
			new Worker().next();
		}
	}

	/**
	 * Wait until every worker stopped after {@link Phase#DONE}.
	 * @return how many workers are still stuck in a handshake
	 */
	long awaitStopped(long seconds) throws InterruptedException {
		this.stopped.await(seconds, TimeUnit.SECONDS);
		return this.stopped.getCount();
	}

	private void failure(String why) {
		if (this.phase == Phase.MEASURE) {
			this.failures.increment();
			if (this.failures.sum() <= 5) {
				System.err.println("connect: " + why);
			}
		}
	}

	private final class Worker implements WsConnection.Listener {

		private long startedAt;

		void next() {
			if (ConnectDriver.this.phase == Phase.DONE) {
				ConnectDriver.this.stopped.countDown();
				return;
			}
			this.startedAt = System.nanoTime();
			ConnectDriver.this.transport.connect(this, this).addListener((future) -> {
				if (!future.isSuccess()) {
					failure(String.valueOf(future.cause()));
					ConnectDriver.this.transport.group().schedule(this::next, 1, TimeUnit.MILLISECONDS);
				}
			});
		}

		@Override
		public void opened(WsConnection connection) {
			if (ConnectDriver.this.phase == Phase.MEASURE) {
				ConnectDriver.this.handshakes.increment();
				ConnectDriver.this.latency.recordValue(System.nanoTime() - this.startedAt);
			}
			connection.channel().close();
		}

		@Override
		public void message(WsConnection connection, int opcode, ByteBuf buffer, int index, int length, long now) {
		}

		@Override
		public void failed(WsConnection connection, String why) {
			failure(why);
		}

		@Override
		public void closed(WsConnection connection) {
			next();
		}

	}

}
