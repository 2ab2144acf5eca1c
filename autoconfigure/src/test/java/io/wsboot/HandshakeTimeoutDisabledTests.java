package io.wsboot;

import java.time.Duration;

import io.wsboot.autoconfigure.WsbootProperties;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.WebSocketTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsbootProperties#getHandshakeTimeout()} set to zero: no deadline.
 */
@SpringBootTest(classes = HandshakeTimeoutDisabledTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.handshake-timeout=0" })
class HandshakeTimeoutDisabledTests {

	@LocalServerPort
	private int port;

	@Test
	void keepsSlowConnectionOpenAndServesItsRequest() throws Exception {
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).openSocket()) {
			socket.write("GET / HTTP/1.1\r\n");
			assertThat(socket.awaitServerClose(Duration.ofSeconds(1))).as("closed although the deadline is off")
				.isFalse();
			socket.write("Host: localhost:" + this.port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
			socket.readResponse()
				.expectStatus(101)
				.expectHeader("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
			assertThat(socket.expectText()).startsWith("fd:");
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
