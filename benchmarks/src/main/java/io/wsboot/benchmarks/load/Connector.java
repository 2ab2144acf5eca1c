package io.wsboot.benchmarks.load;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import io.netty.buffer.ByteBuf;

/**
 * Opens many connections with a bounded number of handshakes under way, so that the
 * server's accept queue never overflows, and holds them.
 *
 * @since 0.1.0
 */
final class Connector {

	private final Transport transport;

	private final Set<WsConnection> open = ConcurrentHashMap.newKeySet();

	final LongAdder failures = new LongAdder();

	Connector(Transport transport) {
		this.transport = transport;
	}

	/**
	 * Open connections and wait for all of them.
	 * @param count how many
	 * @param concurrency how many handshakes at once
	 * @param listener what each connection reports to, after the connector
	 * @param attachment the listener's state for the n-th connection
	 * @return the open connections
	 */
	List<WsConnection> open(int count, int concurrency, WsConnection.Listener listener, IntFunction<Object> attachment)
			throws InterruptedException {
		Opening opening = new Opening(count, listener, attachment);
		for (int i = 0; i < Math.min(concurrency, count); i++) {
			opening.startNext();
		}
		if (!opening.done.await(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Connections not open after 120 s: " + opening.done.getCount() + " left");
		}
		return List.copyOf(this.open);
	}

	/**
	 * Close every connection and wait until they are closed.
	 */
	void closeAll() throws InterruptedException {
		for (WsConnection connection : this.open) {
			connection.channel().close();
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!this.open.isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
	}

	int openCount() {
		return this.open.size();
	}

	private void failure(String why) {
		this.failures.increment();
		if (this.failures.sum() <= 5) {
			System.err.println("connect: " + why);
		}
	}

	private final class Opening implements WsConnection.Listener {

		final CountDownLatch done;

		private final AtomicInteger next = new AtomicInteger();

		private final int count;

		private final WsConnection.Listener listener;

		private final IntFunction<Object> attachment;

		Opening(int count, WsConnection.Listener listener, IntFunction<Object> attachment) {
			this.done = new CountDownLatch(count);
			this.count = count;
			this.listener = listener;
			this.attachment = attachment;
		}

		void startNext() {
			int n = this.next.getAndIncrement();
			if (n >= this.count) {
				return;
			}
			Connector.this.transport.connect(this, this.attachment.apply(n)).addListener((future) -> {
				if (!future.isSuccess()) {
					failure(String.valueOf(future.cause()));
					this.done.countDown();
					startNext();
				}
			});
		}

		@Override
		public void opened(WsConnection connection) {
			Connector.this.open.add(connection);
			this.listener.opened(connection);
			this.done.countDown();
			startNext();
		}

		@Override
		public void message(WsConnection connection, int opcode, ByteBuf buffer, int index, int length, long now) {
			this.listener.message(connection, opcode, buffer, index, length, now);
		}

		@Override
		public void readComplete(WsConnection connection) {
			this.listener.readComplete(connection);
		}

		@Override
		public void failed(WsConnection connection, String why) {
			failure(why);
			this.listener.failed(connection, why);
			this.done.countDown();
			startNext();
		}

		@Override
		public void closed(WsConnection connection) {
			Connector.this.open.remove(connection);
			this.listener.closed(connection);
		}

	}

}
