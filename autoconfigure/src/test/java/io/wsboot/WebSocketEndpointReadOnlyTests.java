package io.wsboot;

import java.time.Duration;

import io.wsboot.actuate.WebSocketEndpoint;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebSocketEndpoint} with {@code management.endpoint.websocket.access}
 * set to {@code read-only}: the stats stay readable and no connection can be
 * disconnected.
 */
@SpringBootTest(classes = WebSocketEndpointReadOnlyTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive",
				"management.endpoints.web.exposure.include=websocket",
				"management.endpoint.websocket.access=read-only" })
class WebSocketEndpointReadOnlyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketServer server;

	@Test
	void readsButDoesNotDisconnect() throws Exception {
		WebTestClient http = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(TIMEOUT)
			.build();
		try (WebSocketTestConnection client = Greeter.connect(WebSocketTestClient.forPort(this.port))) {
			http.get().uri("/actuator/websocket/" + Greeter.fd(client)).exchange().expectStatus().isOk();
			http.delete()
				.uri("/actuator/websocket/" + Greeter.fd(client))
				.exchange()
				.expectStatus()
				.value((status) -> assertThat(status).isIn(404, 405));
			assertThat(this.server.isEstablished(Greeter.fd(client))).isTrue();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
