package io.wsboot.sample;

import io.wsboot.WebSocketServer;
import io.wsboot.test.AutoConfigureWebSocketTestClient;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the Actuator endpoints that {@link SampleApplication} exposes over HTTP:
 * {@code health}, {@code metrics} and {@code websocket}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebSocketTestClient
class ActuatorTests {

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketTestClient client;

	@Autowired
	private WebSocketServer server;

	private WebTestClient http;

	@BeforeEach
	void createHttpClient() {
		this.http = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(this.client.timeout())
			.build();
		Connections.awaitNone(this.server);
	}

	@Test
	void exposesHealthMetricsAndWebSocketWhileClientIsConnected() {
		long fd;
		try (WebSocketTestConnection connection = this.client.subprotocols("chat").connect()) {
			fd = Connections.awaitOnly(this.server);
			this.http.get()
				.uri("/actuator/health")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("UP")
				.jsonPath("$.components.websocket.status")
				.isEqualTo("UP")
				.jsonPath("$.components.websocket.details.connections")
				.isEqualTo(1);
			this.http.get()
				.uri("/actuator/metrics/wsboot.connections.active")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.name")
				.isEqualTo("wsboot.connections.active")
				.jsonPath("$.baseUnit")
				.isEqualTo("connections")
				.jsonPath("$.measurements[0].statistic")
				.isEqualTo("VALUE")
				.jsonPath("$.measurements[0].value")
				.isEqualTo(1.0);
			this.http.get()
				.uri("/actuator/metrics/wsboot.handshakes?tag=outcome:accepted")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.measurements[0].value")
				.value(Double.class, (count) -> assertThat(count).isGreaterThanOrEqualTo(1.0))
				.jsonPath("$.availableTags[?(@.tag == 'status')].values[*]")
				.value(Object.class, (values) -> assertThat(values.toString()).contains("101"));
			this.http.get()
				.uri("/actuator/websocket")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.connections")
				.isEqualTo(1)
				.jsonPath("$.timers")
				.isEqualTo(1)
				.jsonPath("$.open.length()")
				.isEqualTo(1)
				.jsonPath("$.open[0].fd")
				.isEqualTo((int) fd)
				.jsonPath("$.open[0].path")
				.isEqualTo("/")
				.jsonPath("$.open[0].subprotocol")
				.isEqualTo("chat")
				.jsonPath("$.open[0].remoteAddress")
				.value(String.class, (address) -> assertThat(address).startsWith("127.0.0.1:"));
			this.http.get()
				.uri("/actuator/websocket/" + fd)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.fd")
				.isEqualTo((int) fd);
		}
		await().atMost(this.client.timeout())
			.untilAsserted(() -> this.http.get()
				.uri("/actuator/websocket")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.connections")
				.isEqualTo(0)
				.jsonPath("$.timers")
				.isEqualTo(0));
	}

	@Test
	void disconnectsConnectionThroughWebSocketEndpoint() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			long fd = Connections.awaitOnly(this.server);
			this.http.delete().uri("/actuator/websocket/" + fd).exchange().expectStatus().isNoContent();
			connection.expectClose(1008);
		}
	}

}
