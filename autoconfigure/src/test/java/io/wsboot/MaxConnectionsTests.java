package io.wsboot;

import java.time.Duration;

import io.wsboot.autoconfigure.WsbootProperties;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link WsbootProperties#getMaxConnections()}, set to 2: the next handshake
 * gets 503, and places free up as connections close.
 */
@DirtiesContext
@RecordWebSocketEvents
@SpringBootTest(classes = MaxConnectionsTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.max-connections=2" })
class MaxConnectionsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@BeforeEach
	void noConnectionsLeftByOtherTests() {
		await().atMost(TIMEOUT).until(() -> this.server.stats().connections() == 0);
	}

	@Test
	void refusesHandshakeBeyondMaxConnectionsWith503() throws Exception {
		try (WebSocketTestConnection first = connect(); WebSocketTestConnection second = connect()) {
			long rejected = this.server.stats().rejectedHandshakes();
			int opens = this.recorder.events(WebSocketOpenEvent.class).size();
			assertThat(handshakeStatus()).isEqualTo(503);
			assertThat(this.server.stats().rejectedHandshakes()).isEqualTo(rejected + 1);
			assertThat(this.recorder.events(WebSocketOpenEvent.class)).hasSize(opens);
			assertThat(this.server.connections()).containsExactly(Greeter.fd(first), Greeter.fd(second));
			assertThat(this.server.push(Greeter.fd(first), "still served")).isTrue();
			assertThat(first.expectText()).isEqualTo("still served");
		}
	}

	@Test
	void freesPlaceWhenClientClosesConnection() throws Exception {
		try (WebSocketTestConnection first = connect(); WebSocketTestConnection second = connect()) {
			assertThat(handshakeStatus()).isEqualTo(503);
			second.close(1000, "");
			second.expectClose();
			this.recorder.awaitClose(Greeter.fd(second), TIMEOUT);
			try (WebSocketTestConnection third = connect()) {
				assertThat(this.server.connections()).containsExactly(Greeter.fd(first), Greeter.fd(third));
				assertThat(handshakeStatus()).isEqualTo(503);
			}
		}
	}

	@Test
	void freesPlaceWhenServerDisconnects() throws Exception {
		try (WebSocketTestConnection first = connect(); WebSocketTestConnection second = connect()) {
			assertThat(this.server.disconnect(Greeter.fd(first), 4000, "make room")).isTrue();
			first.expectClose();
			this.recorder.awaitClose(Greeter.fd(first), TIMEOUT);
			try (WebSocketTestConnection third = connect()) {
				assertThat(this.server.connections()).containsExactly(Greeter.fd(second), Greeter.fd(third));
			}
		}
	}

	@Test
	void freesPlaceWhenTcpConnectionDrops() throws Exception {
		long fd;
		try (WebSocketTestConnection first = connect(); WebSocketTestConnection second = connect()) {
			fd = Greeter.fd(first);
		}
		this.recorder.awaitClose(fd, TIMEOUT);
		await().atMost(TIMEOUT).until(() -> this.server.stats().connections() == 0);
		try (WebSocketTestConnection third = connect(); WebSocketTestConnection fourth = connect()) {
			assertThat(this.server.connections()).containsExactly(Greeter.fd(third), Greeter.fd(fourth));
		}
	}

	@Test
	void doesNotCountRefusedHandshakes() throws Exception {
		for (int i = 0; i < 5; i++) {
			assertThat(handshakeStatus(WebSocketTestClient.forPort(this.port).header("Sec-WebSocket-Version", "8")))
				.isEqualTo(426);
			assertThat(handshakeStatus(WebSocketTestClient.forPort(this.port).header("Content-Length", "0"), "POST"))
				.isEqualTo(405);
		}
		try (WebSocketTestConnection first = connect(); WebSocketTestConnection second = connect()) {
			assertThat(this.server.connections()).containsExactly(Greeter.fd(first), Greeter.fd(second));
		}
	}

	@Test
	void freesPlacesOfClientsThatLeaveDuringHandshake() throws Exception {
		for (int i = 0; i < 20; i++) {
			try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).openSocket()) {
				socket.write("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
						+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
			}
		}
		await().atMost(TIMEOUT).until(() -> this.server.stats().connections() == 0);
		await().atMost(TIMEOUT).untilAsserted(() -> {
			try (WebSocketTestConnection first = connect(); WebSocketTestConnection second = connect()) {
				assertThat(this.server.connections()).containsExactly(Greeter.fd(first), Greeter.fd(second));
			}
		});
	}

	private WebSocketTestConnection connect() {
		return Greeter.connect(WebSocketTestClient.forPort(this.port));
	}

	private int handshakeStatus() throws Exception {
		return handshakeStatus(WebSocketTestClient.forPort(this.port));
	}

	private int handshakeStatus(WebSocketTestClient client) {
		return handshakeStatus(client, "GET");
	}

	private int handshakeStatus(WebSocketTestClient client, String method) {
		return client.handshake(method).status();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
