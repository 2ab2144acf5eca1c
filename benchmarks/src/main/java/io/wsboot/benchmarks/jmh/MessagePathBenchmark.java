package io.wsboot.benchmarks.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.wsboot.benchmarks.load.Frames;
import io.wsboot.benchmarks.load.Transport;
import io.wsboot.benchmarks.load.WsConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The per-message path, frame → event → listener → push → write, measured end to end: a
 * server and a raw Netty client run in the benchmark's JVM over loopback, and one
 * operation is one message echoed. {@code -prof gc}'s {@code gc.alloc.rate.norm} then
 * counts the bytes every thread allocated per message, client included; the client
 * allocates next to nothing and the same for every server, so the difference between two
 * servers is what their message paths allocate.
 *
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MessagePathBenchmark {

	static final int MESSAGES = 2048;

	private static final int CONNECTIONS = 4;

	private static final int IN_FLIGHT = 16;

	@Param({ "bare", "wsboot" })
	public String server;

	@Param({ "text", "binary" })
	public String type;

	@Param({ "64" })
	public int size;

	private BenchmarkServers.Running running;

	private Transport transport;

	private Echo echo;

	@Setup
	public void start() throws Exception {
		this.running = BenchmarkServers.start(this.server);
		this.transport = new Transport(1, "127.0.0.1", this.running.port());
		this.echo = new Echo(Frames.messages("text".equals(this.type), this.size, IN_FLIGHT),
				Frames.frameSize(this.size));
		CountDownLatch opened = new CountDownLatch(CONNECTIONS);
		this.echo.opened = opened;
		for (int i = 0; i < CONNECTIONS; i++) {
			this.transport.connect(this.echo, new int[1]).sync();
		}
		if (!opened.await(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Connections not open");
		}
	}

	@Benchmark
	@OperationsPerInvocation(MESSAGES)
	public void echo() throws InterruptedException {
		this.echo.run(MESSAGES);
	}

	@TearDown
	public void stop() {
		this.transport.close();
		this.running.stop().run();
	}

	/**
	 * Echoes a fixed number of messages over the open connections, all on the client's
	 * one event loop.
	 */
	static final class Echo implements WsConnection.Listener {

		private final List<WsConnection> connections = new ArrayList<>();

		private final ByteBuf frames;

		private final int frameSize;

		volatile CountDownLatch opened;

		private int toSend;

		private int toReceive;

		private CountDownLatch done = new CountDownLatch(0);

		Echo(ByteBuf frames, int frameSize) {
			this.frames = frames;
			this.frameSize = frameSize;
		}

		void run(int messages) throws InterruptedException {
			CountDownLatch done = new CountDownLatch(1);
			EventLoop loop = this.connections.get(0).channel().eventLoop();
			loop.execute(() -> {
				this.done = done;
				this.toSend = messages;
				this.toReceive = messages;
				for (WsConnection connection : this.connections) {
					send(connection, IN_FLIGHT);
					connection.flush();
				}
			});
			if (!done.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Echoes missing: " + this.toReceive);
			}
		}

		private void send(WsConnection connection, int count) {
			int n = Math.min(count, this.toSend);
			if (n > 0) {
				this.toSend -= n;
				connection.write(this.frames.slice(0, n * this.frameSize));
			}
		}

		@Override
		public void opened(WsConnection connection) {
			this.connections.add(connection);
			this.opened.countDown();
		}

		@Override
		public void message(WsConnection connection, int opcode, ByteBuf buffer, int index, int length, long now) {
			((int[]) connection.attachment)[0]++;
			if (--this.toReceive == 0) {
				this.done.countDown();
			}
		}

		@Override
		public void readComplete(WsConnection connection) {
			int[] received = (int[]) connection.attachment;
			if (received[0] > 0) {
				send(connection, received[0]);
				received[0] = 0;
				connection.flush();
			}
		}

		@Override
		public void failed(WsConnection connection, String why) {
			System.err.println("Handshake failed: " + why);
		}

		@Override
		public void closed(WsConnection connection) {
		}

	}

}
