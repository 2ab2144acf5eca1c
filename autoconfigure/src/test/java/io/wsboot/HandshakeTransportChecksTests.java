package io.wsboot;

import java.net.URI;

import io.wsboot.RawWebSocket.Request;
import io.wsboot.RawWebSocket.Response;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the transport checks (RFC 6455 §4.2.1) that {@link WebSocketServer} runs on
 * every handshake, and for which requests it claims.
 */
@SpringBootTest(classes = HandshakeTransportChecksTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "spring.main.web-application-type=reactive",
				"wsboot.allowed-origins=https://good.example,https://*.trusted.example" })
class HandshakeTransportChecksTests {

	@LocalServerPort
	private int port;

	@Autowired
	private EventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Test
	void acceptsHandshakeOfJdkClient() throws Exception {
		try (JdkWebSocketClient client = JdkWebSocketClient
			.connectGreeted(URI.create("ws://localhost:" + this.port + "/"))) {
			assertThat(client.subprotocol()).isEmpty();
			client.sendText("hello");
			assertThat(this.recorder.awaitMessages(client.fd(), 1)).extracting(Frame::getData).containsExactly("hello");
		}
	}

	@Test
	void acceptsValidUpgradeWithCorrectAcceptHeader() throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Request request = Request.upgrade("/");
			Response response = socket.send(request).assertSwitchingProtocols(request);
			assertThat(response.headers("sec-websocket-protocol")).isEmpty();
			assertThat(socket.readText()).startsWith("fd:");
		}
	}

	@Test
	void acceptsUpgradeAndConnectionTokensInAnyCase() throws Exception {
		Request request = Request.upgrade("/").set("Upgrade", "WebSocket").set("Connection", "keep-alive, UPGRADE");
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			socket.send(request).assertSwitchingProtocols(request);
		}
	}

	@Test
	void rejectsMethodOtherThanGetWith405() throws Exception {
		assertThat(send(Request.upgrade("/").method("POST").add("Content-Length", "0")).status()).isEqualTo(405);
	}

	@Test
	void rejectsConnectionHeaderWithoutUpgradeTokenWith400() throws Exception {
		assertThat(send(Request.upgrade("/").set("Connection", "keep-alive")).status()).isEqualTo(400);
	}

	@Test
	void rejectsMissingConnectionHeaderWith400() throws Exception {
		assertThat(send(Request.upgrade("/").remove("Connection")).status()).isEqualTo(400);
	}

	@Test
	void acceptsWebsocketAmongOtherUpgradeTokens() throws Exception {
		Request request = Request.upgrade("/").set("Upgrade", "h2c, websocket");
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			socket.send(request).assertSwitchingProtocols(request);
			assertThat(socket.readText()).startsWith("fd:");
		}
	}

	@Test
	void leavesUpgradeToOtherProtocolNamedLikeWebsocketToApplication() throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(Request.upgrade("/").set("Upgrade", "websocketx"));
			assertThat(response.status()).isEqualTo(200);
			assertThat(socket.readBody(response)).isEqualTo("home");
		}
	}

	@Test
	void rejectsVersion8With426AndSupportedVersion() throws Exception {
		Response response = send(Request.upgrade("/").set("Sec-WebSocket-Version", "8"));
		assertThat(response.status()).isEqualTo(426);
		assertThat(response.headers("sec-websocket-version")).containsExactly("13");
	}

	@Test
	void rejectsMissingVersionWith426AndSupportedVersion() throws Exception {
		Response response = send(Request.upgrade("/").remove("Sec-WebSocket-Version"));
		assertThat(response.status()).isEqualTo(426);
		assertThat(response.headers("sec-websocket-version")).containsExactly("13");
	}

	@Test
	void rejectsMissingKeyWith400() throws Exception {
		assertThat(send(Request.upgrade("/").remove("Sec-WebSocket-Key")).status()).isEqualTo(400);
	}

	@Test
	void rejectsKeyOfTenBytesWith400() throws Exception {
		assertThat(send(Request.upgrade("/").set("Sec-WebSocket-Key", "dGhlIHNhbXBsZQ==")).status()).isEqualTo(400);
	}

	@Test
	void rejectsKeyInUrlSafeAlphabetWith400() throws Exception {
		// 16 bytes in the URL-safe alphabet, invalid in the standard one
		assertThat(send(Request.upgrade("/").set("Sec-WebSocket-Key", "-_-_-_-_-_-_-_-_-_-_-w==")).status())
			.isEqualTo(400);
	}

	@Test
	void rejectsKeyThatIsNotBase64With400() throws Exception {
		assertThat(send(Request.upgrade("/").set("Sec-WebSocket-Key", "not a key at all!")).status()).isEqualTo(400);
	}

	@Test
	void rejectsHeadersOverLimitWith431() throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(Request.upgrade("/").add("X-Padding", "x".repeat(16 * 1024)));
			assertThat(response.status()).isEqualTo(431);
			assertThat(socket.awaitServerClose(RawWebSocket.TIMEOUT)).as("connection closed after the 431").isTrue();
		}
	}

	@Test
	void rejectsOriginNotAllowedWith403() throws Exception {
		assertThat(send(Request.upgrade("/").add("Origin", "https://evil.example")).status()).isEqualTo(403);
	}

	@Test
	void acceptsAllowedOrigin() throws Exception {
		Request request = Request.upgrade("/").add("Origin", "https://good.example");
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			socket.send(request).assertSwitchingProtocols(request);
		}
	}

	@Test
	void acceptsOriginMatchingAllowedPattern() throws Exception {
		Request request = Request.upgrade("/").add("Origin", "https://app.trusted.example");
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			socket.send(request).assertSwitchingProtocols(request);
		}
	}

	@Test
	void rejectsOriginOutsideAllowedPatternWith403() throws Exception {
		assertThat(send(Request.upgrade("/").add("Origin", "https://trusted.example")).status()).isEqualTo(403);
		assertThat(send(Request.upgrade("/").add("Origin", "https://app.trusted.example.evil")).status())
			.isEqualTo(403);
	}

	@Test
	void acceptsHandshakeWithoutOrigin() throws Exception {
		Request request = Request.upgrade("/").remove("Origin");
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			socket.send(request).assertSwitchingProtocols(request);
		}
	}

	@Test
	void countsRejectedHandshakes() throws Exception {
		long rejected = this.server.stats().rejectedHandshakes();
		assertThat(send(Request.upgrade("/").set("Sec-WebSocket-Version", "8")).status()).isEqualTo(426);
		await().atMost(EventRecorder.TIMEOUT).until(() -> this.server.stats().rejectedHandshakes() > rejected);
	}

	@Test
	void leavesGetWithoutUpgradeOnPathToApplication() throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(Request.get("/"));
			assertThat(response.status()).isEqualTo(200);
			assertThat(socket.readBody(response)).isEqualTo("home");
		}
	}

	@Test
	void leavesOtherUpgradeOnPathToApplication() throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(Request.get("/")
				.add("Upgrade", "h2c")
				.add("Connection", "Upgrade, HTTP2-Settings")
				.add("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA"));
			assertThat(response.status()).isEqualTo(200);
			assertThat(socket.readBody(response)).isEqualTo("home");
		}
	}

	private Response send(Request request) throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(request);
			assertThat(response.status()).as("status of a refused handshake").isNotEqualTo(101);
			return response;
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ EventRecorder.class, EventRecorder.Greeter.class })
	static class TestApplication {

		@Bean
		RouterFunction<ServerResponse> home() {
			return RouterFunctions.route(RequestPredicates.GET("/"),
					(request) -> ServerResponse.ok().bodyValue("home"));
		}

	}

}
