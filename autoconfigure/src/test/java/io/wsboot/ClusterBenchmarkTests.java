package io.wsboot;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.wsboot.ClusterNodes.Node;
import io.wsboot.cluster.redis.ClusterWebSocketServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Measures the cluster on this machine: cross-node push latency and broadcast rate, two
 * nodes and a {@code redis-server} in one JVM on loopback. Not a test: run it by hand,
 * <pre>
 * mvn -pl autoconfigure test -Dtest=ClusterBenchmarkTests -Dwsboot.cluster.benchmark=true
 * </pre> and read the figures it prints. Every loop is bounded in count and time.
 */
@EnabledIfSystemProperty(named = "wsboot.cluster.benchmark", matches = "true")
class ClusterBenchmarkTests {

	private static final int WARMUP = 2_000;

	private static final int PUSHES = 10_000;

	private static final int CLIENTS_PER_NODE = 100;

	private static final int BROADCASTS = 2_000;

	private static final String PAYLOAD = "x".repeat(64);

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	@Test
	void measure() throws Exception {
		try (ClusterNodes nodes = new ClusterNodes(redis, "benchmark")) {
			Node a = nodes.start("node-a", "logging.level.root=warn");
			Node b = nodes.start("node-b", "logging.level.root=warn");
			ClusterWebSocketServer serverA = a.server();
			ClusterWebSocketServer serverB = b.server();
			try (JdkWebSocketClient client = a.connect()) {
				long fd = client.fd();
				latency("local push (A to its own client)", () -> serverA.push(fd, PAYLOAD), client);
				latency("cross-node push (B to a client on A), fire-and-forget", () -> serverB.push(fd, PAYLOAD),
						client);
				latency("cross-node pushAsync (B to a client on A), answer awaited",
						() -> serverB.pushAsync(fd, PAYLOAD).block(Duration.ofSeconds(5)), client);
			}
			broadcastRate(a, b);
		}
	}

	private static void latency(String name, Runnable push, JdkWebSocketClient client) throws Exception {
		for (int i = 0; i < WARMUP; i++) {
			push.run();
			client.nextText();
		}
		long[] nanos = new long[PUSHES];
		for (int i = 0; i < PUSHES; i++) {
			long start = System.nanoTime();
			push.run();
			client.nextText();
			nanos[i] = System.nanoTime() - start;
		}
		Arrays.sort(nanos);
		System.out.printf("%-60s p50 %6.0f us  p99 %6.0f us  mean %6.0f us  (%d pushes, one at a time)%n", name,
				nanos[PUSHES / 2] / 1e3, nanos[PUSHES * 99 / 100] / 1e3, Arrays.stream(nanos).average().orElse(0) / 1e3,
				PUSHES);
	}

	private static void broadcastRate(Node a, Node b) throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		AtomicLong received = new AtomicLong();
		List<WebSocket> sockets = new ArrayList<>();
		try {
			for (Node node : List.of(a, b)) {
				for (int i = 0; i < CLIENTS_PER_NODE; i++) {
					sockets.add(http.newWebSocketBuilder()
						.buildAsync(node.uri(), new CountingListener(received))
						.get(5, TimeUnit.SECONDS));
				}
			}
			int clients = sockets.size();
			// The greetings (fd:<fd>), one per client
			await().atMost(Duration.ofSeconds(10)).until(() -> received.get() == clients);
			for (int round = 0; round < 2; round++) {
				long before = received.get();
				long expected = before + (long) BROADCASTS * clients;
				long start = System.nanoTime();
				for (int i = 0; i < BROADCASTS; i++) {
					b.server().broadcast(PAYLOAD);
				}
				long sent = System.nanoTime() - start;
				await().atMost(Duration.ofSeconds(120))
					.pollInterval(Duration.ofMillis(5))
					.until(() -> received.get() >= expected);
				long all = System.nanoTime() - start;
				assertThat(received.get()).isEqualTo(expected);
				System.out.printf(
						"broadcast from B of %d x 64 B to %d clients (%d on A, %d on B), round %d: issued in %.0f ms, "
								+ "all received in %.0f ms: %.0f broadcasts/s, %.0f messages delivered/s%n",
						BROADCASTS, clients, CLIENTS_PER_NODE, CLIENTS_PER_NODE, round + 1, sent / 1e6, all / 1e6,
						BROADCASTS / (all / 1e9), (double) BROADCASTS * clients / (all / 1e9));
			}
		}
		finally {
			for (WebSocket socket : sockets) {
				socket.abort();
			}
		}
	}

	private static final class CountingListener implements WebSocket.Listener {

		private final AtomicLong received;

		CountingListener(AtomicLong received) {
			this.received = received;
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			webSocket.request(Long.MAX_VALUE);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			if (last) {
				this.received.incrementAndGet();
			}
			return null;
		}

	}

}
