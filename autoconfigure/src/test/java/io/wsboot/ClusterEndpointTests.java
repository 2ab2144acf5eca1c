package io.wsboot;

import java.time.Duration;
import java.util.List;

import io.wsboot.ClusterNodes.Node;
import io.wsboot.actuate.WebSocketEndpoint;
import io.wsboot.cluster.actuate.WebSocketClusterEndpoint;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.test.web.reactive.server.WebTestClient.BodyContentSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the {@code cluster} section of {@link WebSocketEndpoint} and for
 * {@link WebSocketClusterEndpoint} over HTTP: two nodes, A and B, sharing a real Redis.
 */
class ClusterEndpointTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@RegisterExtension
	static final TwoNodeCluster cluster = new TwoNodeCluster("clusterendpointtests");

	private final Node a = cluster.a();

	private final Node b = cluster.b();

	@Test
	void websocketEndpointShowsEveryNodeWithItsConnections() throws Exception {
		try (WebSocketTestConnection a1 = a.connect();
				WebSocketTestConnection a2 = a.connect();
				WebSocketTestConnection b1 = b.connect()) {
			// Node B learns A's connections at A's next heartbeat
			await().atMost(TIMEOUT)
				.untilAsserted(() -> get(b, "/actuator/websocket").jsonPath("$.cluster.nodeId")
					.isEqualTo("node-b")
					.jsonPath("$.cluster.nodeNumber")
					.isEqualTo((int) b.server().nodeNumber())
					.jsonPath("$.cluster.redisAvailable")
					.isEqualTo(true)
					.jsonPath("$.cluster.nodeCount")
					.isEqualTo(2)
					.jsonPath("$.cluster.connections")
					.isEqualTo(3)
					.jsonPath("$.cluster.nodes[*].id")
					.isEqualTo(List.of("node-a", "node-b"))
					.jsonPath("$.cluster.nodes[*].number")
					.isEqualTo(List.of((int) a.server().nodeNumber(), (int) b.server().nodeNumber()))
					.jsonPath("$.cluster.nodes[*].connections")
					.isEqualTo(List.of(2, 1))
					.jsonPath("$.cluster.nodes[*].local")
					.isEqualTo(List.of(false, true))
					.jsonPath("$.cluster.errors.push")
					.isEqualTo(0)
					.jsonPath("$.cluster.errors.malformed")
					.isEqualTo(0));
			// The stats and the connections stay this node's
			get(b, "/actuator/websocket").jsonPath("$.connections")
				.isEqualTo(1)
				.jsonPath("$.established")
				.isEqualTo(1)
				.jsonPath("$.open[*].fd")
				.isEqualTo(List.of(Greeter.fd(b1)));
			await().atMost(TIMEOUT)
				.untilAsserted(() -> get(a, "/actuator/websocket").jsonPath("$.connections")
					.isEqualTo(2)
					.jsonPath("$.open[*].fd")
					.isEqualTo(List.of(Greeter.fd(a1), Greeter.fd(a2)))
					.jsonPath("$.cluster.nodeId")
					.isEqualTo("node-a")
					.jsonPath("$.cluster.connections")
					.isEqualTo(3)
					.jsonPath("$.cluster.nodes[*].connections")
					.isEqualTo(List.of(2, 1))
					.jsonPath("$.cluster.nodes[*].local")
					.isEqualTo(List.of(true, false)));
		}
	}

	@Test
	void websocketClusterEndpointShowsTheClusterSectionAlone() throws Exception {
		try (WebSocketTestConnection client = a.connect()) {
			await().atMost(TIMEOUT)
				.untilAsserted(() -> get(b, "/actuator/websocketcluster").jsonPath("$.nodeId")
					.isEqualTo("node-b")
					.jsonPath("$.redisAvailable")
					.isEqualTo(true)
					.jsonPath("$.nodeCount")
					.isEqualTo(2)
					.jsonPath("$.connections")
					.isEqualTo(1)
					.jsonPath("$.nodes[*].id")
					.isEqualTo(List.of("node-a", "node-b"))
					.jsonPath("$.nodes[*].connections")
					.isEqualTo(List.of(1, 0))
					.jsonPath("$.errors.push")
					.isEqualTo(0)
					.jsonPath("$.open")
					.doesNotExist()
					.jsonPath("$.accepted")
					.doesNotExist());
		}
	}

	@Test
	void deleteOfAnotherNodesFdClosesItThroughRedis() throws Exception {
		try (WebSocketTestConnection client = a.connect()) {
			b.http().get().uri("/actuator/websocket/" + Greeter.fd(client)).exchange().expectStatus().isNotFound();
			b.http().delete().uri("/actuator/websocket/" + Greeter.fd(client)).exchange().expectStatus().isNoContent();
			assertThat(client.expectClose().code()).isEqualTo(WebSocketEndpoint.DISCONNECT_CODE);
		}
	}

	private static BodyContentSpec get(Node node, String path) {
		return node.http()
			.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith("application/vnd.spring-boot.actuator.v3+json")
			.expectBody();
	}

}
