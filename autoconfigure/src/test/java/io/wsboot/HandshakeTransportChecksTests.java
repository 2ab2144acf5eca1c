package io.wsboot;

import java.time.Duration;

import io.wsboot.test.HandshakeResult;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
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
@RecordWebSocketEvents
@SpringBootTest(classes = HandshakeTransportChecksTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "spring.main.web-application-type=reactive",
				"wsboot.allowed-origins=https://good.example,https://*.trusted.example" })
class HandshakeTransportChecksTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Test
	void acceptsHandshakeOfJdkClient() throws Exception {
		try (WebSocketTestConnection client = Greeter.connect(client())) {
			assertThat(client.subprotocol()).isEmpty();
			client.sendText("hello");
			assertThat(this.recorder.awaitMessages(Greeter.fd(client), 1, TIMEOUT)).extracting(Frame::getData)
				.containsExactly("hello");
		}
	}

	@Test
	void acceptsValidUpgradeWithCorrectAcceptHeader() throws Exception {
		try (RawWebSocketConnection socket = client().connectRaw()) {
			assertThat(socket.handshakeResult().headerValues("sec-websocket-protocol")).isEmpty();
			assertThat(socket.expectText()).startsWith("fd:");
		}
	}

	@Test
	void acceptsUpgradeAndConnectionTokensInAnyCase() throws Exception {
		client().header("Upgrade", "WebSocket")
			.header("Connection", "keep-alive, UPGRADE")
			.handshake()
			.expectSwitchingProtocols();
	}

	@Test
	void rejectsMethodOtherThanGetWith405() throws Exception {
		assertThat(refuse(client().header("Content-Length", "0"), "POST").status()).isEqualTo(405);
	}

	@Test
	void rejectsConnectionHeaderWithoutUpgradeTokenWith400() throws Exception {
		assertThat(refuse(client().header("Connection", "keep-alive")).status()).isEqualTo(400);
	}

	@Test
	void rejectsMissingConnectionHeaderWith400() throws Exception {
		assertThat(refuse(client().withoutHeader("Connection")).status()).isEqualTo(400);
	}

	@Test
	void acceptsWebsocketAmongOtherUpgradeTokens() throws Exception {
		try (RawWebSocketConnection socket = client().header("Upgrade", "h2c, websocket").connectRaw()) {
			assertThat(socket.expectText()).startsWith("fd:");
		}
	}

	@Test
	void leavesUpgradeToOtherProtocolNamedLikeWebsocketToApplication() throws Exception {
		HandshakeResult response = client().header("Upgrade", "websocketx").handshake();
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("home");
	}

	@Test
	void rejectsVersion8With426AndSupportedVersion() throws Exception {
		HandshakeResult response = refuse(client().header("Sec-WebSocket-Version", "8"));
		assertThat(response.status()).isEqualTo(426);
		assertThat(response.headerValues("sec-websocket-version")).containsExactly("13");
	}

	@Test
	void rejectsMissingVersionWith426AndSupportedVersion() throws Exception {
		HandshakeResult response = refuse(client().withoutHeader("Sec-WebSocket-Version"));
		assertThat(response.status()).isEqualTo(426);
		assertThat(response.headerValues("sec-websocket-version")).containsExactly("13");
	}

	@Test
	void rejectsMissingKeyWith400() throws Exception {
		assertThat(refuse(client().withoutHeader("Sec-WebSocket-Key")).status()).isEqualTo(400);
	}

	@Test
	void rejectsKeyOfTenBytesWith400() throws Exception {
		assertThat(refuse(client().header("Sec-WebSocket-Key", "dGhlIHNhbXBsZQ==")).status()).isEqualTo(400);
	}

	@Test
	void rejectsKeyInUrlSafeAlphabetWith400() throws Exception {
		// 16 bytes in the URL-safe alphabet, invalid in the standard one
		assertThat(refuse(client().header("Sec-WebSocket-Key", "-_-_-_-_-_-_-_-_-_-_-w==")).status()).isEqualTo(400);
	}

	@Test
	void rejectsKeyThatIsNotBase64With400() throws Exception {
		assertThat(refuse(client().header("Sec-WebSocket-Key", "not a key at all!")).status()).isEqualTo(400);
	}

	@Test
	void rejectsHeadersOverLimitWith431() throws Exception {
		try (RawWebSocketConnection socket = client().header("X-Padding", "x".repeat(16 * 1024)).openSocket()) {
			assertThat(socket.handshake().status()).isEqualTo(431);
			assertThat(socket.awaitServerClose(TIMEOUT)).as("connection closed after the 431").isTrue();
		}
	}

	@Test
	void rejectsOriginNotAllowedWith403() throws Exception {
		assertThat(refuse(client().header("Origin", "https://evil.example")).status()).isEqualTo(403);
	}

	@Test
	void acceptsAllowedOrigin() throws Exception {
		client().header("Origin", "https://good.example").handshake().expectSwitchingProtocols();
	}

	@Test
	void acceptsOriginMatchingAllowedPattern() throws Exception {
		client().header("Origin", "https://app.trusted.example").handshake().expectSwitchingProtocols();
	}

	@Test
	void rejectsOriginOutsideAllowedPatternWith403() throws Exception {
		assertThat(refuse(client().header("Origin", "https://trusted.example")).status()).isEqualTo(403);
		assertThat(refuse(client().header("Origin", "https://app.trusted.example.evil")).status()).isEqualTo(403);
	}

	@Test
	void acceptsHandshakeWithoutOrigin() throws Exception {
		client().withoutHeader("Origin").handshake().expectSwitchingProtocols();
	}

	@Test
	void countsRejectedHandshakes() throws Exception {
		long rejected = this.server.stats().rejectedHandshakes();
		assertThat(refuse(client().header("Sec-WebSocket-Version", "8")).status()).isEqualTo(426);
		await().atMost(TIMEOUT).until(() -> this.server.stats().rejectedHandshakes() > rejected);
	}

	@Test
	void leavesGetWithoutUpgradeOnPathToApplication() throws Exception {
		try (RawWebSocketConnection socket = client().openSocket()) {
			socket.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
			HandshakeResult response = socket.readResponse();
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("home");
		}
	}

	@Test
	void leavesOtherUpgradeOnPathToApplication() throws Exception {
		HandshakeResult response = client().header("Upgrade", "h2c")
			.header("Connection", "Upgrade, HTTP2-Settings")
			.header("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA")
			.withoutHeader("Sec-WebSocket-Key")
			.withoutHeader("Sec-WebSocket-Version")
			.handshake();
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("home");
	}

	private WebSocketTestClient client() {
		return WebSocketTestClient.forPort(this.port);
	}

	private HandshakeResult refuse(WebSocketTestClient client) {
		return refuse(client, "GET");
	}

	private HandshakeResult refuse(WebSocketTestClient client, String method) {
		HandshakeResult response = client.handshake(method);
		assertThat(response.status()).as("status of a refused handshake").isNotEqualTo(101);
		return response;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

		@Bean
		RouterFunction<ServerResponse> home() {
			return RouterFunctions.route(RequestPredicates.GET("/"),
					(request) -> ServerResponse.ok().bodyValue("home"));
		}

	}

}
