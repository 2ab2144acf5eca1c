package io.wsboot;

import java.io.UncheckedIOException;
import java.time.Duration;

import io.wsboot.autoconfigure.WsbootProperties;
import io.wsboot.test.RawWebSocketConnection;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link WsbootProperties#getHandshakeTimeout()}, set to 500 ms.
 */
@SpringBootTest(classes = HandshakeTimeoutTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.handshake-timeout=500ms" })
class HandshakeTimeoutTests {

	private static final Duration BOUND = Duration.ofSeconds(3);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketServer server;

	@Test
	void dropsConnectionThatSendsNothing() throws Exception {
		long start = System.nanoTime();
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).openSocket()) {
			assertThat(socket.awaitServerClose(BOUND)).isTrue();
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void dropsConnectionThatSendsHalfARequest() throws Exception {
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).openSocket()) {
			socket.write("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n");
			assertThat(socket.awaitServerClose(BOUND)).isTrue();
		}
	}

	@Test
	void dropsPlainHttpConnectionThatSendsHalfARequest() throws Exception {
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).openSocket()) {
			socket.write("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\n");
			assertThat(socket.awaitServerClose(BOUND)).isTrue();
		}
	}

	@Test
	void dropsConnectionThatDripsHeadersPastDeadline() throws Exception {
		long start = System.nanoTime();
		boolean closed = false;
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).openSocket()) {
			socket.write("GET / HTTP/1.1\r\nHost: localhost\r\n");
			for (int i = 0; !closed && Duration.ofNanos(System.nanoTime() - start).compareTo(BOUND) < 0; i++) {
				closed = socket.awaitServerClose(Duration.ofMillis(100));
				if (!closed) {
					try {
						socket.write("X-Drip-" + i + ": " + i + "\r\n");
					}
					catch (UncheckedIOException ex) {
						closed = true;
					}
				}
			}
		}
		assertThat(closed).as("dropped within %s although headers kept coming", BOUND).isTrue();
	}

	@Test
	void keepsEstablishedConnectionOpenPastHandshakeTimeout() throws Exception {
		try (WebSocketTestConnection client = Greeter.connect(WebSocketTestClient.forPort(this.port))) {
			await().during(Duration.ofSeconds(1))
				.atMost(BOUND)
				.until(() -> this.server.isEstablished(Greeter.fd(client)) && client.isOpen());
			assertThat(this.server.push(Greeter.fd(client), "still here")).isTrue();
			assertThat(client.expectText()).isEqualTo("still here");
		}
	}

	@Test
	void servesCompleteRequestsSentInTime() throws Exception {
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			assertThat(socket.expectText()).startsWith("fd:");
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
