package io.wsboot;

import java.time.Duration;

import io.wsboot.actuate.WebSocketHealthIndicator;
import io.wsboot.server.NettyWebSocketServer;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link WebSocketHealthIndicator} over HTTP: {@code GET /actuator/health}.
 */
@SpringBootTest(classes = WebSocketHealthTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive",
				"management.endpoints.web.exposure.include=websocket,health",
				"management.endpoint.health.show-details=always" })
class WebSocketHealthTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private NettyWebSocketServer server;

	private WebTestClient http;

	@BeforeEach
	void createHttpClient() {
		this.http = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(TIMEOUT)
			.build();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.server.stats().connections()).isZero());
	}

	@Test
	void isUpWithConnectionCountWhileAcceptingHandshakes() throws Exception {
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
			.isEqualTo(0);
		try (WebSocketTestConnection client = Greeter.connect(WebSocketTestClient.forPort(this.port))) {
			this.http.get()
				.uri("/actuator/health/websocket")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("UP")
				.jsonPath("$.details.connections")
				.isEqualTo(1);
		}
	}

	@Test
	@DirtiesContext
	void isOutOfServiceOnceServerIsStopped() throws Exception {
		WebSocketTestConnection client = Greeter.connect(WebSocketTestClient.forPort(this.port));
		try {
			this.server.stop();
			assertThat(client.expectClose().code()).isEqualTo(1001);
			this.http.get()
				.uri("/actuator/health")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("OUT_OF_SERVICE")
				.jsonPath("$.components.websocket.status")
				.isEqualTo("OUT_OF_SERVICE")
				.jsonPath("$.components.websocket.details.connections")
				.isEqualTo(0);
			assertThat(WebSocketTestClient.forPort(this.port).handshake().status()).as("handshake once stopped")
				.isEqualTo(503);
		}
		finally {
			client.close();
			this.server.start();
		}
		this.http.get()
			.uri("/actuator/health/websocket")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
