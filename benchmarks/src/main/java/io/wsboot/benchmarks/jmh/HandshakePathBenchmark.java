package io.wsboot.benchmarks.jmh;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
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
 * The handshake path measured end to end: a server and a raw Netty client in the
 * benchmark's JVM over loopback; one operation is one connection opened, upgraded and
 * closed, {@value #HANDSHAKES} at a time. {@code gc.alloc.rate.norm} counts the bytes
 * every thread allocated per handshake, the client's TCP connect included, which is the
 * same for every server.
 *
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandshakePathBenchmark {

	static final int HANDSHAKES = 16;

	@Param({ "bare", "wsboot-default", "wsboot-seed" })
	public String server;

	private BenchmarkServers.Running running;

	private Transport transport;

	private final AtomicInteger failures = new AtomicInteger();

	@Setup
	public void start() {
		this.running = BenchmarkServers.start(this.server);
		this.transport = new Transport(1, "127.0.0.1", this.running.port());
	}

	@Benchmark
	@OperationsPerInvocation(HANDSHAKES)
	public void handshake() throws InterruptedException {
		CountDownLatch done = new CountDownLatch(HANDSHAKES);
		WsConnection.Listener listener = new WsConnection.Listener() {

			@Override
			public void opened(WsConnection connection) {
				connection.channel().close();
			}

			@Override
			public void message(WsConnection connection, int opcode, ByteBuf buffer, int index, int length, long now) {
			}

			@Override
			public void failed(WsConnection connection, String why) {
				if (HandshakePathBenchmark.this.failures.incrementAndGet() <= 5) {
					System.err.println("Handshake failed: " + why);
				}
			}

			@Override
			public void closed(WsConnection connection) {
				done.countDown();
			}

		};
		for (int i = 0; i < HANDSHAKES; i++) {
			this.transport.connect(listener, listener).addListener((future) -> {
				if (!future.isSuccess()) {
					this.failures.incrementAndGet();
					done.countDown();
				}
			});
		}
		if (!done.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Handshakes not done: " + done.getCount());
		}
	}

	@TearDown
	public void stop() {
		if (this.failures.get() > 0) {
			System.err.println(this.failures.get() + " handshakes failed");
		}
		this.transport.close();
		this.running.stop().run();
	}

}
