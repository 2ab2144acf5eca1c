package io.wsboot.benchmarks.load;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.wsboot.benchmarks.server.WsbootClusterServer;
import io.wsboot.sample.ClusterCommandListener;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Push latency in a cluster of two nodes: a receiver connected to node A gets pushes that
 * clients ask for with {@code push:<fd>:<text>}, in turn from a client of node A (a local
 * push, the baseline) and from a client of node B (a cross-node push, through Redis). One
 * push is under way at a time; the next is asked for when the last arrives. Each pushed
 * text carries its kind, a sequence number and the load generator's
 * {@link System#nanoTime()} when it was asked for ({@code L<seq>:<nanos>:xx...} or
 * {@code C<seq>:<nanos>:xx...}), and the time until it arrives goes into the histogram of
 * its kind.
 *
 * @since 0.1.0
 */
final class ClusterPushDriver implements WsConnection.Listener {

	private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);

	private static final char LOCAL = 'L';

	private static final char CROSS = 'C';

	private final int size;

	private final CountDownLatch greeted;

	private final Histogram local = new Histogram(MAX_NANOS, 3);

	private final Histogram cross = new Histogram(MAX_NANOS, 3);

	private final StringBuilder text = new StringBuilder();

	volatile Phase phase = Phase.WARMUP;

	private volatile long lastActivity;

	private volatile @Nullable WsConnection receiver;

	private volatile @Nullable WsConnection viaLocal;

	private volatile @Nullable WsConnection viaRemote;

	private long receiverFd;

	private long seq;

	private boolean crossNext;

	/**
	 * Create the driver.
	 * @param size the size of each pushed text
	 * @param connections the connections that will be greeted
	 */
	ClusterPushDriver(int size, int connections) {
		this.size = size;
		this.greeted = new CountDownLatch(connections);
	}

	/**
	 * Wait until every connection knows its fd.
	 */
	void awaitGreetings() throws InterruptedException {
		if (!this.greeted.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException(this.greeted.getCount() + " connections not greeted after 30 s");
		}
	}

	/**
	 * Start the pushes.
	 * @param receiver the client on node A that receives them
	 * @param viaLocal the client on node A that asks for local pushes
	 * @param viaRemote the client on node B that asks for cross-node pushes
	 */
	void start(WsConnection receiver, WsConnection viaLocal, WsConnection viaRemote) {
		this.receiverFd = ((Session) receiver.attachment).fd;
		this.viaLocal = viaLocal;
		this.viaRemote = viaRemote;
		this.receiver = receiver;
		kick();
	}

	/**
	 * Ask for the next push now, whether or not the last arrived: after a push was lost.
	 */
	void kick() {
		WsConnection receiver = this.receiver;
		if (receiver != null) {
			receiver.channel().eventLoop().execute(this::askNext);
		}
	}

	/**
	 * Return the nanosecond time of the last push asked for or received.
	 * @return the time
	 */
	long lastActivity() {
		return this.lastActivity;
	}

	/**
	 * Return copies of the histograms, local then cross-node; call after
	 * {@link Phase#DONE}.
	 * @return the histograms
	 */
	Histogram[] histograms() throws Exception {
		WsConnection receiver = this.receiver;
		if (receiver == null) {
			return new Histogram[] { this.local.copy(), this.cross.copy() };
		}
		return receiver.channel()
			.eventLoop()
			.submit((Callable<Histogram[]>) () -> new Histogram[] { this.local.copy(), this.cross.copy() })
			.get(10, TimeUnit.SECONDS);
	}

	@Override
	public void opened(WsConnection connection) {
	}

	@Override
	public void message(WsConnection connection, int opcode, ByteBuf buffer, int index, int length, long now) {
		Session session = (Session) connection.attachment;
		if (session.fd == 0) {
			session.fd = greeting(buffer, index, length);
			this.greeted.countDown();
			return;
		}
		if (connection != this.receiver) {
			return;
		}
		if (index < 0 || length < 2) {
			// Spread over several reads (rare for one small message at a time): not timed
			this.lastActivity = now;
			askNext();
			return;
		}
		int end = index + length;
		char kind = (char) buffer.getByte(index);
		long seq = Payloads.number(buffer, index + 1, end);
		long sentAt = Payloads.number(buffer, Payloads.afterColon(buffer, index + 1, end), end);
		if (this.phase == Phase.MEASURE && sentAt > 0) {
			Histogram histogram = (kind == CROSS) ? this.cross : this.local;
			histogram.recordValue(Math.min(MAX_NANOS, Math.max(0, now - sentAt)));
		}
		this.lastActivity = now;
		if (seq == this.seq && this.phase != Phase.DONE) {
			askNext();
		}
	}

	private void askNext() {
		WsConnection via = this.crossNext ? this.viaRemote : this.viaLocal;
		if (via == null || this.phase == Phase.DONE) {
			return;
		}
		long seq = ++this.seq;
		StringBuilder text = this.text;
		text.setLength(0);
		text.append(ClusterCommandListener.PUSH).append(this.receiverFd).append(':');
		int start = text.length();
		long now = System.nanoTime();
		text.append(this.crossNext ? CROSS : LOCAL).append(seq).append(':').append(now).append(':');
		while (text.length() - start < this.size) {
			text.append('x');
		}
		this.crossNext = !this.crossNext;
		this.lastActivity = now;
		Channel channel = via.channel();
		channel.writeAndFlush(Frames.text(channel.alloc(), text), channel.voidPromise());
	}

	@Override
	public void failed(WsConnection connection, String why) {
		// Counted by the connector
	}

	@Override
	public void closed(WsConnection connection) {
	}

	/**
	 * Read the greeting {@code fd:<fd>}, a connection's first message.
	 * @return the fd, or -1 (and a line on the standard error) when the message is not a
	 * greeting
	 */
	static long greeting(ByteBuf buffer, int index, int length) {
		if (!Payloads.startsWith(buffer, index, length, WsbootClusterServer.GREETING)) {
			System.err.println("cluster: expected a greeting, got " + Payloads.text(buffer, index, length));
			return -1;
		}
		return Payloads.number(buffer, index + WsbootClusterServer.GREETING.length(), index + length);
	}

	/**
	 * A connection's fd, once greeted.
	 */
	static final class Session {

		volatile long fd;

	}

}
