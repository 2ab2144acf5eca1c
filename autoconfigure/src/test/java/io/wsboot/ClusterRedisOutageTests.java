package io.wsboot;

import java.time.Duration;

import io.wsboot.ClusterNodes.Node;
import io.wsboot.cluster.WebSocketClusterException;
import io.wsboot.cluster.redis.ClusterWebSocketServer;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests of a cluster whose Redis stops and comes back: local traffic goes on, cross-node
 * traffic fails fast and is counted, then resumes by itself.
 */
class ClusterRedisOutageTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Lettuce reconnects every 100 ms in these tests; the heartbeat runs every 200 ms.
	 */
	private static final Duration RECOVERY = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	@Test
	void redisRestartLosesNoLocalConnectionAndCrossNodeTrafficResumes() throws Exception {
		try (ClusterNodes nodes = new ClusterNodes(redis, "outage")) {
			Node a = nodes.start("node-a");
			Node b = nodes.start("node-b");
			ClusterWebSocketServer serverA = a.server();
			ClusterWebSocketServer serverB = b.server();
			try (WebSocketTestConnection onA = a.connect(); WebSocketTestConnection onB = b.connect()) {
				assertThat(serverA.pushAsync(Greeter.fd(onB), "before").block(TIMEOUT)).isTrue();
				assertThat(onB.expectText()).isEqualTo("before");

				redis.stop();
				await().atMost(TIMEOUT).until(() -> !serverA.isAvailable() && !serverB.isAvailable());

				// Local traffic goes on
				assertThat(serverA.push(Greeter.fd(onA), "local")).isTrue();
				assertThat(onA.expectText()).isEqualTo("local");
				assertThat(serverA.broadcast("local broadcast")).isEqualTo(1);
				assertThat(onA.expectText()).isEqualTo("local broadcast");
				assertThat(serverA.exists(Greeter.fd(onA))).isTrue();

				// Cross-node traffic fails fast and is counted
				long pushErrors = serverA.errorCount("push");
				assertThat(serverA.push(Greeter.fd(onB), "lost")).isFalse();
				assertFailsFast(serverA.pushAsync(Greeter.fd(onB), "lost"));
				assertFailsFast(serverA.existsAsync(Greeter.fd(onB)));
				assertThat(serverA.errorCount("push")).isEqualTo(pushErrors + 2);
				assertThat(serverA.errorCount("exists")).isPositive();
				a.http()
					.get()
					.uri("/actuator/websocket")
					.exchange()
					.expectStatus()
					.isOk()
					.expectBody()
					.jsonPath("$.cluster.redisAvailable")
					.isEqualTo(false)
					.jsonPath("$.cluster.errors.push")
					.isEqualTo((int) serverA.errorCount("push"))
					.jsonPath("$.connections")
					.isEqualTo(1);

				redis.start();
				await().atMost(RECOVERY).until(() -> serverA.isAvailable() && serverB.isAvailable());
				await().atMost(RECOVERY)
					.ignoreExceptions()
					.until(() -> serverA.pushAsync(Greeter.fd(onB), "after").block(TIMEOUT));
				assertThat(onB.expectText()).isEqualTo("after");
				await().atMost(RECOVERY)
					.ignoreExceptions()
					.until(() -> serverB.pushAsync(Greeter.fd(onA), "after too").block(TIMEOUT));
				assertThat(onA.expectText()).isEqualTo("after too");
				// The registry was entered again: each node's fds exist for the other
				await().atMost(RECOVERY)
					.until(() -> serverA.existsAsync(Greeter.fd(onB)).block(TIMEOUT)
							&& serverB.existsAsync(Greeter.fd(onA)).block(TIMEOUT));
				// Broadcast reaches each connection once again
				assertThat(serverB.broadcastAsync("everyone").block(TIMEOUT)).isEqualTo(2);
				assertThat(onA.expectText()).isEqualTo("everyone");
				assertThat(onB.expectText()).isEqualTo("everyone");
				assertThat(serverA.pushAsync(Greeter.fd(onA), "marker").block(TIMEOUT)).isTrue();
				assertThat(onA.expectText()).isEqualTo("marker");
				// No local connection was lost
				assertThat(onA.isOpen()).isTrue();
				assertThat(onB.isOpen()).isTrue();
				assertThat(serverA.stats().closed()).isZero();
				assertThat(serverB.stats().closed()).isZero();
			}
		}
	}

	private static void assertFailsFast(Mono<?> mono) {
		long start = System.nanoTime();
		assertThatExceptionOfType(WebSocketClusterException.class).isThrownBy(() -> mono.block(TIMEOUT));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
	}

	@Test
	void nodeFailsToStartWhenRedisIsDown() throws Exception {
		redis.stop();
		try (ClusterNodes nodes = new ClusterNodes(redis, "down")) {
			assertThatException()
				.isThrownBy(() -> nodes.start("node-x", "wsboot.cluster.node-timeout=1s",
						"wsboot.cluster.heartbeat-interval=300ms"))
				.withStackTraceContaining("could not join the WebSocket cluster");
		}
		finally {
			redis.start();
		}
	}

}
