package io.wsboot;

import java.net.URI;

import io.wsboot.RawWebSocket.Request;
import io.wsboot.RawWebSocket.Response;
import io.wsboot.autoconfigure.WsbootProperties;
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
@SpringBootTest(classes = MaxConnectionsTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.max-connections=2" })
class MaxConnectionsTests {

	@LocalServerPort
	private int port;

	@Autowired
	private EventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@BeforeEach
	void noConnectionsLeftByOtherTests() {
		await().atMost(EventRecorder.TIMEOUT).until(() -> this.server.stats().connections() == 0);
	}

	@Test
	void refusesHandshakeBeyondMaxConnectionsWith503() throws Exception {
		try (JdkWebSocketClient first = connect(); JdkWebSocketClient second = connect()) {
			long rejected = this.server.stats().rejectedHandshakes();
			int opens = this.recorder.opens().size();
			assertThat(handshakeStatus()).isEqualTo(503);
			assertThat(this.server.stats().rejectedHandshakes()).isEqualTo(rejected + 1);
			assertThat(this.recorder.opens()).hasSize(opens);
			assertThat(this.server.connections()).containsExactly(first.fd(), second.fd());
			assertThat(this.server.push(first.fd(), "still served")).isTrue();
			assertThat(first.nextText()).isEqualTo("still served");
		}
	}

	@Test
	void freesPlaceWhenClientClosesConnection() throws Exception {
		try (JdkWebSocketClient first = connect(); JdkWebSocketClient second = connect()) {
			assertThat(handshakeStatus()).isEqualTo(503);
			second.sendClose(1000, "");
			second.awaitClose();
			this.recorder.awaitClose(second.fd());
			try (JdkWebSocketClient third = connect()) {
				assertThat(this.server.connections()).containsExactly(first.fd(), third.fd());
				assertThat(handshakeStatus()).isEqualTo(503);
			}
		}
	}

	@Test
	void freesPlaceWhenServerDisconnects() throws Exception {
		try (JdkWebSocketClient first = connect(); JdkWebSocketClient second = connect()) {
			assertThat(this.server.disconnect(first.fd(), 4000, "make room")).isTrue();
			first.awaitClose();
			this.recorder.awaitClose(first.fd());
			try (JdkWebSocketClient third = connect()) {
				assertThat(this.server.connections()).containsExactly(second.fd(), third.fd());
			}
		}
	}

	@Test
	void freesPlaceWhenTcpConnectionDrops() throws Exception {
		long fd;
		try (JdkWebSocketClient first = connect(); JdkWebSocketClient second = connect()) {
			fd = first.fd();
		}
		this.recorder.awaitClose(fd);
		await().atMost(EventRecorder.TIMEOUT).until(() -> this.server.stats().connections() == 0);
		try (JdkWebSocketClient third = connect(); JdkWebSocketClient fourth = connect()) {
			assertThat(this.server.connections()).containsExactly(third.fd(), fourth.fd());
		}
	}

	@Test
	void doesNotCountRefusedHandshakes() throws Exception {
		for (int i = 0; i < 5; i++) {
			assertThat(handshakeStatus(Request.upgrade("/").set("Sec-WebSocket-Version", "8"))).isEqualTo(426);
			assertThat(handshakeStatus(Request.upgrade("/").method("POST").add("Content-Length", "0"))).isEqualTo(405);
		}
		try (JdkWebSocketClient first = connect(); JdkWebSocketClient second = connect()) {
			assertThat(this.server.connections()).containsExactly(first.fd(), second.fd());
		}
	}

	@Test
	void freesPlacesOfClientsThatLeaveDuringHandshake() throws Exception {
		for (int i = 0; i < 20; i++) {
			try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
				socket.write(Request.upgrade("/").toString());
			}
		}
		await().atMost(EventRecorder.TIMEOUT).until(() -> this.server.stats().connections() == 0);
		await().atMost(EventRecorder.TIMEOUT).untilAsserted(() -> {
			try (JdkWebSocketClient first = connect(); JdkWebSocketClient second = connect()) {
				assertThat(this.server.connections()).containsExactly(first.fd(), second.fd());
			}
		});
	}

	private JdkWebSocketClient connect() throws Exception {
		return JdkWebSocketClient.connectGreeted(URI.create("ws://localhost:" + this.port + "/"));
	}

	private int handshakeStatus() throws Exception {
		return handshakeStatus(Request.upgrade("/"));
	}

	private int handshakeStatus(Request request) throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(request);
			return response.status();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ EventRecorder.class, EventRecorder.Greeter.class })
	static class TestApplication {

	}

}
