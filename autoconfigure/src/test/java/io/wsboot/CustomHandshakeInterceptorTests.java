package io.wsboot;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsboot.RawWebSocket.Request;
import io.wsboot.RawWebSocket.Response;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for a custom {@link HandshakeInterceptor}, with {@code wsboot.path=/chat/{room}}.
 */
@SpringBootTest(classes = CustomHandshakeInterceptorTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.path=/chat/{room}" })
class CustomHandshakeInterceptorTests {

	@LocalServerPort
	private int port;

	@Autowired
	private ModalHandshake handshake;

	@Autowired
	private EventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Test
	void acceptsWith101() throws Exception {
		Request request = Request.upgrade("/chat/lobby?mode=accept");
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(request).assertSwitchingProtocols(request);
			assertThat(response.headers("sec-websocket-protocol")).isEmpty();
		}
	}

	@Test
	void acceptsSeedStyleHandshakeThatSetsItsOwnHeaders() throws Exception {
		Request request = Request.upgrade("/chat/lobby?mode=seed").add("Sec-WebSocket-Protocol", "chat");
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(request).assertSwitchingProtocols(request);
			assertThat(response.headers("sec-websocket-protocol")).containsExactly("chat");
			assertThat(socket.readText()).startsWith("fd:");
		}
	}

	@Test
	void rejectsWithStatusHeadersAndBodyOfInterceptor() throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(Request.upgrade("/chat/lobby?mode=reject"));
			assertThat(response.status()).isEqualTo(403);
			assertThat(response.headers("x-reject-reason")).containsExactly("not-invited");
			assertThat(socket.readBody(response)).isEqualTo("not welcome");
		}
	}

	@Test
	void rejectsWith400WhenInterceptorReturnsFalseWithoutStatus() throws Exception {
		assertThat(refuse(Request.upgrade("/chat/lobby?mode=false")).status()).isEqualTo(400);
	}

	@Test
	void rejectsWith400WhenInterceptorReturnsTrueWithoutStatus() throws Exception {
		assertThat(refuse(Request.upgrade("/chat/lobby?mode=true-without-status")).status()).isEqualTo(400);
	}

	@Test
	void countsRejectionsOfInterceptor() throws Exception {
		long rejected = this.server.stats().rejectedHandshakes();
		assertThat(refuse(Request.upgrade("/chat/lobby?mode=reject")).status()).isEqualTo(403);
		await().atMost(EventRecorder.TIMEOUT).until(() -> this.server.stats().rejectedHandshakes() > rejected);
	}

	@Test
	void sendsSubprotocolSetByInterceptor() throws Exception {
		URI uri = URI.create("ws://localhost:" + this.port + "/chat/lobby?mode=last-offered");
		try (JdkWebSocketClient client = JdkWebSocketClient.connectGreeted(uri, "chat", "superchat")) {
			assertThat(client.subprotocol()).isEqualTo("superchat");
			assertThat(this.server.info(client.fd()))
				.hasValueSatisfying((info) -> assertThat(info.subprotocol()).isEqualTo("superchat"));
		}
	}

	@Test
	void publishesNoOpenEvent() throws Exception {
		URI uri = URI.create("ws://localhost:" + this.port + "/chat/lobby");
		try (JdkWebSocketClient client = JdkWebSocketClient.connectGreeted(uri)) {
			client.sendText("hello");
			assertThat(this.recorder.awaitMessages(client.fd(), 1)).extracting(Frame::getData).containsExactly("hello");
			assertThat(this.recorder.kinds(client.fd())).containsExactly(EventRecorder.Kind.MESSAGE);
			assertThat(this.recorder.opens()).isEmpty();
		}
	}

	@Test
	void runsTaskDeferredInHandshakeAfterEstablishmentAsFirstFrameAfter101() throws Exception {
		Request request = Request.upgrade("/chat/lobby?mode=check");
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			socket.send(request).assertSwitchingProtocols(request);
			assertThat(socket.readText()).isEqualTo("established:true info:true");
		}
	}

	@Test
	void doesNotRunTaskDeferredInRefusedHandshake() throws Exception {
		int before = this.handshake.deferredAfterRejection.get();
		assertThat(refuse(Request.upgrade("/chat/lobby?mode=defer-reject")).status()).isEqualTo(403);
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(2))
			.until(() -> this.handshake.deferredAfterRejection.get() == before);
	}

	@Test
	void refusesWith500When101CarriesSubprotocolNotOffered() throws Exception {
		assertThat(refuse(Request.upgrade("/chat/lobby?mode=unoffered").add("Sec-WebSocket-Protocol", "chat")).status())
			.isEqualTo(500);
	}

	@Test
	void refusesWith500When101CarriesTwoSubprotocols() throws Exception {
		assertThat(refuse(Request.upgrade("/chat/lobby?mode=two").add("Sec-WebSocket-Protocol", "chat, superchat"))
			.status()).isEqualTo(500);
	}

	@Test
	void refusesWith500When101CarriesWrongAccept() throws Exception {
		assertThat(refuse(Request.upgrade("/chat/lobby?mode=bad-accept")).status()).isEqualTo(500);
	}

	@Test
	void refusesWith500WhenInterceptorThrows() throws Exception {
		assertThat(refuse(Request.upgrade("/chat/lobby?mode=throw")).status()).isEqualTo(500);
	}

	@Test
	void runsTransportChecksBeforeInterceptor() throws Exception {
		int calls = this.handshake.calls.get();
		assertThat(refuse(Request.upgrade("/chat/lobby").set("Sec-WebSocket-Version", "8")).status()).isEqualTo(426);
		assertThat(refuse(Request.upgrade("/chat/lobby").method("POST").add("Content-Length", "0")).status())
			.isEqualTo(405);
		assertThat(refuse(Request.upgrade("/chat/lobby").remove("Sec-WebSocket-Key")).status()).isEqualTo(400);
		assertThat(this.handshake.calls.get()).isEqualTo(calls);
	}

	@Test
	void keepsPathPathVariablesAttributesAndSubprotocolOnConnection() throws Exception {
		URI uri = URI.create("ws://localhost:" + this.port + "/chat/lobby?mode=last-offered&user=alice");
		try (JdkWebSocketClient client = JdkWebSocketClient.connectGreeted(uri, "chat", "superchat")) {
			ConnectionInfo info = this.server.info(client.fd()).orElseThrow();
			assertThat(info.fd()).isEqualTo(client.fd());
			assertThat(info.path()).isEqualTo("/chat/lobby");
			assertThat(info.pathVariables()).containsExactly(Map.entry("room", "lobby"));
			assertThat(info.attributes()).containsEntry("user", "alice")
				.containsEntry("room", "lobby")
				.containsEntry("path", "/chat/lobby");
			assertThat(info.subprotocol()).isEqualTo("superchat");
			assertThat(info.established()).isTrue();
			assertThat(info.remoteAddress()).isNotNull();
			assertThat(info.openedAt()).isNotNull();
		}
	}

	@Test
	void doesNotClaimUpgradeOffPath() throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			assertThat(socket.send(Request.upgrade("/")).status()).isEqualTo(404);
		}
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			assertThat(socket.send(Request.upgrade("/chat/lobby/more")).status()).isEqualTo(404);
		}
	}

	private Response refuse(Request request) throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(request);
			assertThat(response.status()).as("status of a refused handshake").isNotEqualTo(101);
			return response;
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(EventRecorder.class)
	static class TestApplication {

		@Bean
		ModalHandshake customHandshake(ObjectProvider<WebSocketServer> server) {
			return new ModalHandshake(server);
		}

	}

	/**
	 * Decides a handshake by its {@code mode} query parameter. Accepted connections are
	 * greeted with {@code fd:<fd>} from a deferred task.
	 */
	static class ModalHandshake implements HandshakeInterceptor {

		final AtomicInteger calls = new AtomicInteger();

		final AtomicInteger deferredAfterRejection = new AtomicInteger();

		private final ObjectProvider<WebSocketServer> server;

		ModalHandshake(ObjectProvider<WebSocketServer> server) {
			this.server = server;
		}

		@Override
		public boolean handshake(HandshakeRequest request, HandshakeResponse response) {
			this.calls.incrementAndGet();
			WebSocketServer server = this.server.getObject();
			long fd = request.getFd();
			String mode = request.getQueryParams().getFirst("mode");
			String user = request.getQueryParams().getFirst("user");
			if (user != null) {
				request.getAttributes().put("user", user);
			}
			request.getAttributes().put("path", request.getPath());
			String room = request.getPathVariables().get("room");
			if (room != null) {
				request.getAttributes().put("room", room);
			}
			Runnable greeting = () -> server.push(fd, "fd:" + fd);
			switch ((mode != null) ? mode : "accept") {
				case "reject" -> {
					response.status(403).header("X-Reject-Reason", "not-invited");
					response.end("not welcome");
					return false;
				}
				case "false" -> {
					return false;
				}
				case "true-without-status" -> {
					return true;
				}
				case "defer-reject" -> {
					server.defer(this.deferredAfterRejection::incrementAndGet);
					response.status(403);
					response.end();
					return false;
				}
				case "throw" -> throw new IllegalStateException("Handshake failed on purpose");
				case "unoffered" -> response.header("Sec-WebSocket-Protocol", "unoffered");
				case "two" -> response.header("Sec-WebSocket-Protocol", "chat, superchat");
				case "bad-accept" -> response.header("Sec-WebSocket-Accept", "d3JvbmcgYWNjZXB0IHZhbHVl");
				case "last-offered" -> {
					List<String> offered = request.getOfferedSubprotocols();
					if (!offered.isEmpty()) {
						response.header("Sec-WebSocket-Protocol", offered.get(offered.size() - 1));
					}
				}
				case "check" -> greeting = () -> server.push(fd,
						"established:" + server.isEstablished(fd) + " info:" + server.info(fd).isPresent());
				case "seed" -> {
					String key = request.getHeader("Sec-WebSocket-Key");
					response.header("Upgrade", "websocket")
						.header("Connection", "Upgrade")
						.header("Sec-WebSocket-Accept", HandshakeInterceptor.acceptKey((key != null) ? key : ""))
						.header("Sec-WebSocket-Version", "13");
					String protocol = request.getHeader("Sec-WebSocket-Protocol");
					if (protocol != null) {
						response.header("Sec-WebSocket-Protocol", protocol);
					}
				}
				default -> {
				}
			}
			server.defer(greeting);
			response.status(101);
			response.end();
			return true;
		}

	}

}
