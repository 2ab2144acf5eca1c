package io.wsboot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsboot.ClusterNodes.Node;
import io.wsboot.cluster.ClusterNode;
import io.wsboot.cluster.redis.ClusterWebSocketServer;
import io.wsboot.test.WebSocketTestConnection;
import io.wsboot.test.WebSocketTestConnection.CloseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClusterWebSocketServer}: two nodes, A and B, as two application
 * contexts on two ports sharing a real Redis.
 */
class ClusterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@RegisterExtension
	static final TwoNodeCluster cluster = new TwoNodeCluster("clustertests");

	private final Node a = cluster.a();

	private final Node b = cluster.b();

	@Test
	void nodesHaveDistinctNumbersAndFdRanges() throws Exception {
		assertThat(a.server().nodeNumber()).isPositive().isNotEqualTo(b.server().nodeNumber());
		try (WebSocketTestConnection onA = a.connect(); WebSocketTestConnection onB = b.connect()) {
			assertThat(Greeter.fd(onA) >> 40).isEqualTo(a.server().nodeNumber());
			assertThat(Greeter.fd(onB) >> 40).isEqualTo(b.server().nodeNumber());
			assertThat(a.server().isLocal(Greeter.fd(onA))).isTrue();
			assertThat(a.server().isLocal(Greeter.fd(onB))).isFalse();
		}
	}

	@Test
	void pushFromOtherNodeReachesClient() throws Exception {
		try (WebSocketTestConnection client = a.connect()) {
			assertThat(b.server().push(Greeter.fd(client), "fire-and-forget")).isTrue();
			assertThat(client.expectText()).isEqualTo("fire-and-forget");
			assertThat(b.server().pushAsync(Greeter.fd(client), "confirmed").block(TIMEOUT)).isTrue();
			assertThat(client.expectText()).isEqualTo("confirmed");
			assertThat(b.server().pushAsync(Greeter.fd(client), new byte[] { 1, 2, 3 }).block(TIMEOUT)).isTrue();
			assertThat(client.expectBinary()).containsExactly(1, 2, 3);
			assertThat(b.server().push(Greeter.fd(client), "frag", Opcode.TEXT, false)).isTrue();
			assertThat(b.server().push(Greeter.fd(client), "ment", Opcode.CONTINUATION, true)).isTrue();
			assertThat(client.expectText()).isEqualTo("fragment");
		}
	}

	@Test
	void pushesFromOneThreadArriveInOrder() throws Exception {
		try (WebSocketTestConnection client = a.connect()) {
			for (int i = 0; i < 200; i++) {
				assertThat(b.server().push(Greeter.fd(client), "m" + i)).isTrue();
			}
			for (int i = 0; i < 200; i++) {
				assertThat(client.expectText()).isEqualTo("m" + i);
			}
		}
	}

	@Test
	void pushAsyncToUnknownFdAnswersFalse() {
		long unknownOnA = (a.server().nodeNumber() << 40) + 999_999;
		assertThat(b.server().pushAsync(unknownOnA, "nobody").block(TIMEOUT)).isFalse();
		long unknownNode = (4_000_000L << 40) + 1;
		assertThat(b.server().pushAsync(unknownNode, "nobody").block(TIMEOUT)).isFalse();
		assertThat(b.server().push(0, "nobody")).isFalse();
	}

	@Test
	void broadcastReachesEveryConnectionOfEveryNodeOnce() throws Exception {
		try (WebSocketTestConnection a1 = a.connect();
				WebSocketTestConnection a2 = a.connect();
				WebSocketTestConnection b1 = b.connect()) {
			List<WebSocketTestConnection> clients = List.of(a1, a2, b1);
			assertThat(a.server().broadcast("to all")).isEqualTo(2);
			for (WebSocketTestConnection client : clients) {
				assertThat(client.expectText()).isEqualTo("to all");
			}
			// Counted: every connection, wherever it lives; the next message of each is
			// this one, so nobody got "to all" twice
			assertThat(a.server().broadcastAsync("counted").block(TIMEOUT)).isEqualTo(3);
			for (WebSocketTestConnection client : clients) {
				assertThat(client.expectText()).isEqualTo("counted");
			}
			assertThat(b.server().broadcastAsync(new byte[] { 9 }).block(TIMEOUT)).isEqualTo(3);
			for (WebSocketTestConnection client : clients) {
				assertThat(client.expectBinary()).containsExactly(9);
			}
			assertThat(b.server().broadcast(new byte[] { 7 })).isEqualTo(1);
			assertThat(b.server().pushAsync(Greeter.fd(a1), "marker").block(TIMEOUT)).isTrue();
			assertThat(a1.expectBinary()).containsExactly(7);
			assertThat(a1.expectText()).isEqualTo("marker");
			a1.expectNoMessage(Duration.ZERO);
		}
	}

	@Test
	void filteredBroadcastReachesSelectedRemoteConnections() throws Exception {
		try (WebSocketTestConnection chosen = a.connect(); WebSocketTestConnection other = a.connect()) {
			long fd = Greeter.fd(chosen);
			await().atMost(TIMEOUT).until(() -> b.server().exists(fd));
			assertThat(b.server().broadcast("chosen", (candidate) -> candidate == fd)).isZero();
			assertThat(chosen.expectText()).isEqualTo("chosen");
			assertThat(b.server().pushAsync(Greeter.fd(other), "marker").block(TIMEOUT)).isTrue();
			assertThat(other.expectText()).isEqualTo("marker");
		}
	}

	@Test
	void existsAndIsEstablishedAnswerForRemoteFds() throws Exception {
		long fd;
		try (WebSocketTestConnection client = a.connect()) {
			fd = Greeter.fd(client);
			// The registry is written moments after the open event
			await().atMost(TIMEOUT).until(() -> b.server().existsAsync(fd).block(TIMEOUT));
			assertThat(b.server().isEstablishedAsync(fd).block(TIMEOUT)).isTrue();
			await().atMost(TIMEOUT).until(() -> b.server().exists(fd) && b.server().isEstablished(fd));
			assertThat(a.server().existsAsync(fd).block(TIMEOUT)).isTrue();
			client.close(1000, "");
			client.expectClose();
		}
		await().atMost(TIMEOUT).until(() -> !b.server().existsAsync(fd).block(TIMEOUT));
		await().atMost(TIMEOUT).until(() -> !b.server().exists(fd));
		assertThat(b.server().isEstablished(fd)).isFalse();
	}

	@Test
	void disconnectFromOtherNodeClosesConnection() throws Exception {
		try (WebSocketTestConnection client = a.connect()) {
			assertThat(b.server().disconnectAsync(Greeter.fd(client), 4000, "moved").block(TIMEOUT)).isTrue();
			assertThat(client.expectClose()).isEqualTo(new CloseStatus(4000, "moved"));
			assertThat(b.server().disconnectAsync(Greeter.fd(client), 4000, "again").block(TIMEOUT)).isFalse();
		}
		try (WebSocketTestConnection client = a.connect()) {
			assertThat(b.server().disconnect(Greeter.fd(client), 1000, "")).isTrue();
			assertThat(client.expectClose().code()).isEqualTo(1000);
		}
	}

	@Test
	void nodesListsEveryNodeWithItsConnections() throws Exception {
		try (WebSocketTestConnection client = a.connect()) {
			await().atMost(TIMEOUT).untilAsserted(() -> {
				List<ClusterNode> seen = b.server().nodes();
				assertThat(seen).extracting(ClusterNode::id).contains("node-a", "node-b");
				ClusterNode nodeA = seen.stream().filter((node) -> node.id().equals("node-a")).findFirst().get();
				assertThat(nodeA.connections()).isPositive();
				assertThat(nodeA.local()).isFalse();
			});
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port() + "/actuator/websocketcluster"))
					.timeout(TIMEOUT)
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains("\"nodeId\":\"node-b\"", "\"id\":\"node-a\"",
					"\"redisAvailable\":true", "\"errors\":");
		}
	}

	@Test
	void stoppedNodeLeavesTheOthersView() throws Exception {
		Node c = cluster.start("node-c");
		long fd;
		try (WebSocketTestConnection client = c.connect()) {
			fd = Greeter.fd(client);
			// The registry is written moments after the open event
			await().atMost(TIMEOUT).until(() -> a.server().existsAsync(fd).block(TIMEOUT));
			await().atMost(TIMEOUT).until(() -> a.server().exists(fd));
			c.stop();
			assertThat(client.expectClose().code()).isEqualTo(1001);
		}
		assertThat(a.server().existsAsync(fd).block(TIMEOUT)).isFalse();
		await().atMost(ClusterNodes.NODE_TIMEOUT)
			.untilAsserted(() -> assertThat(a.server().nodes()).extracting(ClusterNode::id).doesNotContain("node-c"));
		assertThat(a.server().exists(fd)).isFalse();
		assertThat(a.server().push(fd, "gone")).isFalse();
		assertThat(a.server().pushAsync(fd, "gone").block(TIMEOUT)).isFalse();
	}

	@Test
	void nodeThatStopsBeatingExpiresWithinNodeTimeout() {
		// A node that died without leaving: its entry and fds, never refreshed
		long number = 3_000_000L;
		long fd = (number << 40) + 1;
		ReactiveStringRedisTemplate template = a.context().getBean(ReactiveStringRedisTemplate.class);
		long ttl = ClusterNodes.NODE_TIMEOUT.toMillis();
		template.opsForValue()
			.set("clustertests:node:" + number, "1|1|crashed", Duration.ofMillis(ttl))
			.then(template.opsForSet().add("clustertests:fds:" + number, Long.toString(fd)))
			.then(template.expire("clustertests:fds:" + number, Duration.ofMillis(ttl)))
			.then(template.opsForHash().put("clustertests:nodes", Long.toString(number), "crashed"))
			.block(TIMEOUT);
		assertThat(a.server().existsAsync(fd).block(TIMEOUT)).isTrue();
		await().atMost(TIMEOUT).until(() -> a.server().exists(fd));
		// Gone within the node timeout of its last refresh, plus a heartbeat and slack
		// for a
		// busy machine
		await().atMost(ClusterNodes.NODE_TIMEOUT.plus(ClusterNodes.HEARTBEAT).plusSeconds(1))
			.until(() -> !a.server().existsAsync(fd).block(TIMEOUT) && !a.server().exists(fd)
					&& a.server().nodes().stream().noneMatch((node) -> node.id().equals("crashed")));
		assertThat(template.hasKey("clustertests:fds:" + number).block(TIMEOUT)).isFalse();
	}

	@Test
	void malformedBusMessagesAreDroppedAndCounted() throws Exception {
		ClusterWebSocketServer serverA = a.server();
		long before = serverA.errorCount("malformed");
		ReactiveStringRedisTemplate template = b.context().getBean(ReactiveStringRedisTemplate.class);
		String channelA = "clustertests:bus:" + serverA.nodeNumber();
		try (WebSocketTestConnection client = a.connect()) {
			long fd = Greeter.fd(client);
			byte[] validPush = pushEnvelope(fd, "ok".getBytes(StandardCharsets.UTF_8), 1);
			List<byte[]> garbage = List.of(new byte[0], new byte[] { 1 }, "{\"json\":true}".getBytes(),
					pushEnvelope(fd, new byte[] { (byte) 0xC3, 0x28 }, 1), // not UTF-8
					pushEnvelope(fd + (1L << 40), "x".getBytes(), 1), // another node's fd
					pushEnvelope(fd, "x".getBytes(), 8), // close opcode
					truncated(validPush), trailing(validPush), oversized(fd));
			for (byte[] message : garbage) {
				template
					.execute((connection) -> connection.pubSubCommands()
						.publish(ByteBuffer.wrap(channelA.getBytes()), ByteBuffer.wrap(message)))
					.blockFirst(TIMEOUT);
			}
			template
				.execute((connection) -> connection.pubSubCommands()
					.publish(ByteBuffer.wrap("clustertests:bus:all".getBytes()), ByteBuffer.wrap(new byte[] { 1, 4 })))
				.blockFirst(TIMEOUT);
			await().atMost(TIMEOUT).until(() -> serverA.errorCount("malformed") >= before + garbage.size() + 1);
			template
				.execute((connection) -> connection.pubSubCommands()
					.publish(ByteBuffer.wrap(channelA.getBytes()), ByteBuffer.wrap(validPush)))
				.blockFirst(TIMEOUT);
			assertThat(client.expectText()).isEqualTo("ok");
			assertThat(b.server().pushAsync(fd, "still working").block(TIMEOUT)).isTrue();
			assertThat(client.expectText()).isEqualTo("still working");
			client.expectNoMessage(Duration.ZERO);
		}
		MeterRegistry registry = a.context().getBean(MeterRegistry.class);
		assertThat(registry.get("wsboot.cluster.errors").tag("operation", "malformed").functionCounter().count())
			.isGreaterThan(0);
		assertThat(registry.find("wsboot.cluster.errors").functionCounters()).extracting(FunctionCounter::getId)
			.hasSize(ClusterWebSocketServer.ERROR_OPERATIONS.size());
	}

	@Test
	void messagesOverTheClusterLimitAreRefusedBeforeSending() throws Exception {
		String large = "x".repeat(1024 * 1024 + 1);
		try (WebSocketTestConnection client = a.connect()) {
			assertThatIllegalArgumentException().isThrownBy(() -> b.server().push(Greeter.fd(client), large));
			assertThatIllegalArgumentException().isThrownBy(() -> b.server().broadcast(large));
			// Local pushes know no cluster limit
			assertThat(a.server().push(Greeter.fd(client), "x".repeat(100))).isTrue();
			assertThat(client.expectText()).hasSize(100);
		}
	}

	private static byte[] pushEnvelope(long fd, byte[] payload, int opcode) {
		ByteBuffer buffer = ByteBuffer.allocate(18 + 14 + payload.length);
		buffer.put((byte) 1).put((byte) 1).putLong(99).putLong(0);
		buffer.putLong(fd).put((byte) opcode).put((byte) 1).putInt(payload.length).put(payload);
		return buffer.array();
	}

	private static byte[] truncated(byte[] message) {
		return java.util.Arrays.copyOf(message, message.length - 1);
	}

	private static byte[] trailing(byte[] message) {
		return java.util.Arrays.copyOf(message, message.length + 1);
	}

	private static byte[] oversized(long fd) {
		return pushEnvelope(fd, new byte[1024 * 1024 + 1], 2);
	}

}
