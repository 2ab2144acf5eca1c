package io.wsboot.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.wsboot.benchmarks.server.ServerSupport;

/**
 * Fanout load: one connection sends {@value ServerSupport#BROADCAST}, and the time until
 * the last of all connections received the broadcast is taken, from the trigger's send
 * and from the server's timestamp in the payload.
 *
 * @since 0.1.0
 */
final class FanoutDriver implements WsConnection.Listener {

	private final ByteBuf trigger = Frames.text(ServerSupport.BROADCAST);

	private final int expected;

	private final AtomicInteger received = new AtomicInteger();

	private final AtomicLong lastArrival = new AtomicLong();

	private volatile long serverStamp;

	private volatile CountDownLatch delivered = new CountDownLatch(1);

	private volatile int round;

	FanoutDriver(int expected) {
		this.expected = expected;
	}

	/**
	 * Trigger one broadcast and wait until every connection has it.
	 * @param via the connection that sends the trigger
	 * @return nanoseconds from the trigger to the last delivery and from the server's
	 * timestamp to the last delivery, or {@code null} after 10 s
	 */
	long[] broadcast(WsConnection via) throws InterruptedException {
		this.received.set(0);
		this.lastArrival.set(0);
		this.serverStamp = 0;
		CountDownLatch delivered = new CountDownLatch(1);
		this.delivered = delivered;
		this.round++;
		long start = System.nanoTime();
		via.channel().writeAndFlush(this.trigger.duplicate());
		if (!delivered.await(10, TimeUnit.SECONDS)) {
			System.err.println("fanout: " + this.received.get() + " of " + this.expected + " received in 10 s");
			return null;
		}
		long last = this.lastArrival.get();
		long stamp = this.serverStamp;
		return new long[] { last - start, (stamp != 0) ? last - stamp : -1 };
	}

	@Override
	public void opened(WsConnection connection) {
	}

	@Override
	public void message(WsConnection connection, int opcode, ByteBuf buffer, int index, int length, long now) {
		int[] session = (int[]) connection.attachment;
		int round = this.round;
		if (session[0] == round) {
			return;
		}
		session[0] = round;
		this.lastArrival.accumulateAndGet(now, Math::max);
		if (this.serverStamp == 0 && index >= 0) {
			this.serverStamp = parseStamp(buffer, index, length);
		}
		if (this.received.incrementAndGet() == this.expected) {
			this.delivered.countDown();
		}
	}

	private static long parseStamp(ByteBuf buffer, int index, int length) {
		String payload = buffer.toString(index, length, StandardCharsets.US_ASCII);
		if (!payload.startsWith(ServerSupport.BROADCAST_PREFIX)) {
			return 0;
		}
		try {
			return Long.parseLong(payload.substring(ServerSupport.BROADCAST_PREFIX.length()));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	@Override
	public void failed(WsConnection connection, String why) {
	}

	@Override
	public void closed(WsConnection connection) {
	}

}
