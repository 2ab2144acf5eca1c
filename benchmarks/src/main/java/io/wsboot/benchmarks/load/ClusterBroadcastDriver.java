package io.wsboot.benchmarks.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.wsboot.sample.ClusterCommandListener;

/**
 * Broadcast rate in a cluster of two nodes: one client asks for broadcasts with
 * {@code broadcast:<text>}, in batches, and every connection of both nodes counts what it
 * receives. A batch is done when every connection has each of its broadcasts; the next
 * batch is asked for then. Each broadcast text is {@code <seq>:xx...}, so that a
 * connection sees a broadcast that arrives out of order or twice (when the payload
 * arrived in one read, as almost all do).
 *
 * @since 0.1.0
 */
final class ClusterBroadcastDriver implements WsConnection.Listener {

	private final int size;

	private final int connections;

	private final CountDownLatch greeted;

	private final AtomicLong delivered = new AtomicLong();

	/** Broadcasts that reached a connection after a later one, or twice. */
	final LongAdder outOfOrder = new LongAdder();

	private volatile CountDownLatch batchDone = new CountDownLatch(0);

	private volatile long target = Long.MAX_VALUE;

	private long sent;

	/**
	 * Create the driver.
	 * @param size the size of each broadcast text
	 * @param connections the connections that receive the broadcasts
	 */
	ClusterBroadcastDriver(int size, int connections) {
		this.size = size;
		this.connections = connections;
		this.greeted = new CountDownLatch(connections);
	}

	/**
	 * Wait until every connection was greeted.
	 */
	void awaitGreetings() throws InterruptedException {
		if (!this.greeted.await(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException(this.greeted.getCount() + " connections not greeted after 60 s");
		}
	}

	/**
	 * Ask for a batch of broadcasts and wait until every connection has each of them.
	 * @param trigger the client that asks for them
	 * @param count the broadcasts
	 * @param timeout how long to wait
	 * @return whether every delivery arrived in time
	 */
	boolean batch(WsConnection trigger, int count, long timeout, TimeUnit unit) throws InterruptedException {
		CountDownLatch done = new CountDownLatch(1);
		// A delivery that sees the new latch sees no target of an earlier batch
		this.target = Long.MAX_VALUE;
		this.batchDone = done;
		this.target = this.delivered.get() + (long) count * this.connections;
		long first = this.sent;
		this.sent += count;
		Channel channel = trigger.channel();
		channel.eventLoop().execute(() -> {
			StringBuilder text = new StringBuilder();
			for (long seq = first; seq < first + count; seq++) {
				text.setLength(0);
				text.append(ClusterCommandListener.BROADCAST);
				int start = text.length();
				text.append(seq).append(':');
				while (text.length() - start < this.size) {
					text.append('x');
				}
				trigger.write(Frames.text(channel.alloc(), text));
			}
			trigger.flush();
		});
		return done.await(timeout, unit);
	}

	/**
	 * Wait until every broadcast asked for so far was delivered to every connection, or
	 * the time is up.
	 * @return the deliveries missing
	 */
	long drain(long timeout, TimeUnit unit) throws InterruptedException {
		long expected = this.sent * this.connections;
		long deadline = System.nanoTime() + unit.toNanos(timeout);
		while (this.delivered.get() < expected && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		return expected - this.delivered.get();
	}

	/**
	 * Return the deliveries counted so far.
	 * @return the deliveries
	 */
	long delivered() {
		return this.delivered.get();
	}

	/**
	 * Return the broadcasts asked for so far.
	 * @return the broadcasts
	 */
	long sent() {
		return this.sent;
	}

	@Override
	public void opened(WsConnection connection) {
	}

	@Override
	public void message(WsConnection connection, int opcode, ByteBuf buffer, int index, int length, long now) {
		long[] next = (long[]) connection.attachment;
		if (next[1] == 0) {
			next[1] = ClusterPushDriver.greeting(buffer, index, length);
			this.greeted.countDown();
			return;
		}
		// A payload spread over several reads is counted, not read
		long seq = (index >= 0) ? Payloads.number(buffer, index, index + length) : -1;
		if (seq >= next[0]) {
			next[0] = seq + 1;
		}
		else if (seq >= 0) {
			this.outOfOrder.increment();
		}
		long delivered = this.delivered.incrementAndGet();
		CountDownLatch batchDone = this.batchDone;
		if (delivered >= this.target) {
			batchDone.countDown();
		}
	}

	@Override
	public void failed(WsConnection connection, String why) {
		// Counted by the connector
	}

	@Override
	public void closed(WsConnection connection) {
	}

	/**
	 * Return a connection's state: the sequence number it expects next, and its fd once
	 * greeted (0 before).
	 * @return the state
	 */
	static long[] session() {
		return new long[2];
	}

}
