package io.wsboot;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.wsboot.actuate.WebSocketHealthIndicator;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;
import io.wsboot.test.WebSocketTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebSocketHealthIndicator} while the application shuts down.
 */
class WebSocketHealthShutdownTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@Test
	void isOutOfServiceWhileShutdownClosesConnections() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "server.shutdown=graceful", "spring.lifecycle.timeout-per-shutdown-phase=20s",
					"management.endpoints.web.exposure.include=health",
					"management.endpoint.health.show-details=always")
			.run();
		CompletableFuture<Void> shutdown = null;
		try {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			WebTestClient http = WebTestClient.bindToServer()
				.baseUrl("http://localhost:" + port)
				.responseTimeout(TIMEOUT)
				.build();
			try (RawWebSocketConnection socket = WebSocketTestClient.forPort(port).connectRaw()) {
				assertThat(socket.expectText()).startsWith("fd:");
				http.get()
					.uri("/actuator/health/websocket")
					.exchange()
					.expectStatus()
					.isOk()
					.expectBody()
					.jsonPath("$.status")
					.isEqualTo("UP")
					.jsonPath("$.details.connections")
					.isEqualTo(1);
				shutdown = CompletableFuture.runAsync(context::close);
				ReceivedFrame close = socket.readFrame();
				assertThat(close.opcode()).isEqualTo(0x8);
				// The server now waits for this client's close frame: shutdown is under
				// way and HTTP is still served
				http.get()
					.uri("/actuator/health")
					.exchange()
					.expectStatus()
					.isEqualTo(503)
					.expectBody()
					.jsonPath("$.components.websocket.status")
					.isEqualTo("OUT_OF_SERVICE")
					.jsonPath("$.components.websocket.details.connections")
					.isEqualTo(1);
				socket.sendClose(1001, "");
				socket.awaitServerClose(TIMEOUT);
			}
			shutdown.get(10, TimeUnit.SECONDS);
		}
		finally {
			if (shutdown == null) {
				context.close();
			}
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
