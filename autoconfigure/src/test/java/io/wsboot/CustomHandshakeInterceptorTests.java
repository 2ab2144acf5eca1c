package io.wsboot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsboot.test.HandshakeResult;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for a custom {@link HandshakeInterceptor}, with {@code wsboot.path=/chat/{room}}.
 */
@RecordWebSocketEvents
@SpringBootTest(classes = CustomHandshakeInterceptorTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.path=/chat/{room}" })
class CustomHandshakeInterceptorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private ModalHandshake handshake;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Test
	void acceptsWith101() throws Exception {
		HandshakeResult response = client("/chat/lobby?mode=accept").handshake().expectSwitchingProtocols();
		assertThat(response.headerValues("sec-websocket-protocol")).isEmpty();
	}

	@Test
	void acceptsSeedStyleHandshakeThatSetsItsOwnHeaders() throws Exception {
		try (RawWebSocketConnection socket = client("/chat/lobby?mode=seed").subprotocols("chat").connectRaw()) {
			assertThat(socket.handshakeResult().headerValues("sec-websocket-protocol")).containsExactly("chat");
			assertThat(socket.expectText()).startsWith("fd:");
		}
	}

	@Test
	void rejectsWithStatusHeadersAndBodyOfInterceptor() throws Exception {
		HandshakeResult response = client("/chat/lobby?mode=reject").handshake();
		assertThat(response.status()).isEqualTo(403);
		assertThat(response.headerValues("x-reject-reason")).containsExactly("not-invited");
		assertThat(response.body()).isEqualTo("not welcome");
	}

	@Test
	void rejectsWith400WhenInterceptorReturnsFalseWithoutStatus() throws Exception {
		assertThat(refuse(client("/chat/lobby?mode=false")).status()).isEqualTo(400);
	}

	@Test
	void rejectsWith400WhenInterceptorReturnsTrueWithoutStatus() throws Exception {
		assertThat(refuse(client("/chat/lobby?mode=true-without-status")).status()).isEqualTo(400);
	}

	@Test
	void countsRejectionsOfInterceptor() throws Exception {
		long rejected = this.server.stats().rejectedHandshakes();
		assertThat(refuse(client("/chat/lobby?mode=reject")).status()).isEqualTo(403);
		await().atMost(TIMEOUT).until(() -> this.server.stats().rejectedHandshakes() > rejected);
	}

	@Test
	void sendsSubprotocolSetByInterceptor() throws Exception {
		try (WebSocketTestConnection client = Greeter
			.connect(client("/chat/lobby?mode=last-offered").subprotocols("chat", "superchat"))) {
			assertThat(client.subprotocol()).isEqualTo("superchat");
			assertThat(this.server.info(Greeter.fd(client)))
				.hasValueSatisfying((info) -> assertThat(info.subprotocol()).isEqualTo("superchat"));
		}
	}

	@Test
	void publishesNoOpenEvent() throws Exception {
		try (WebSocketTestConnection client = Greeter.connect(client("/chat/lobby"))) {
			client.sendText("hello");
			assertThat(this.recorder.awaitMessages(Greeter.fd(client), 1, TIMEOUT)).extracting(Frame::getData)
				.containsExactly("hello");
			assertThat(this.recorder.events(Greeter.fd(client))).hasExactlyElementsOfTypes(WebSocketMessageEvent.class);
			assertThat(this.recorder.events(WebSocketOpenEvent.class)).isEmpty();
		}
	}

	@Test
	void runsTaskDeferredInHandshakeAfterEstablishmentAsFirstFrameAfter101() throws Exception {
		try (RawWebSocketConnection socket = client("/chat/lobby?mode=check").connectRaw()) {
			assertThat(socket.expectText()).isEqualTo("established:true info:true");
		}
	}

	@Test
	void doesNotRunTaskDeferredInRefusedHandshake() throws Exception {
		int before = this.handshake.deferredAfterRejection.get();
		assertThat(refuse(client("/chat/lobby?mode=defer-reject")).status()).isEqualTo(403);
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(2))
			.until(() -> this.handshake.deferredAfterRejection.get() == before);
	}

	@Test
	void refusesWith500When101CarriesSubprotocolNotOffered() throws Exception {
		assertThat(refuse(client("/chat/lobby?mode=unoffered").subprotocols("chat")).status()).isEqualTo(500);
	}

	@Test
	void refusesWith500When101CarriesTwoSubprotocols() throws Exception {
		assertThat(refuse(client("/chat/lobby?mode=two").subprotocols("chat", "superchat")).status()).isEqualTo(500);
	}

	@Test
	void refusesWith500When101CarriesWrongAccept() throws Exception {
		assertThat(refuse(client("/chat/lobby?mode=bad-accept")).status()).isEqualTo(500);
	}

	@Test
	void refusesWith500WhenInterceptorThrows() throws Exception {
		assertThat(refuse(client("/chat/lobby?mode=throw")).status()).isEqualTo(500);
	}

	@Test
	void runsTransportChecksBeforeInterceptor() throws Exception {
		int calls = this.handshake.calls.get();
		assertThat(refuse(client("/chat/lobby").header("Sec-WebSocket-Version", "8")).status()).isEqualTo(426);
		assertThat(refuse(client("/chat/lobby").header("Content-Length", "0"), "POST").status()).isEqualTo(405);
		assertThat(refuse(client("/chat/lobby").withoutHeader("Sec-WebSocket-Key")).status()).isEqualTo(400);
		assertThat(this.handshake.calls.get()).isEqualTo(calls);
	}

	@Test
	void keepsPathPathVariablesAttributesAndSubprotocolOnConnection() throws Exception {
		try (WebSocketTestConnection client = Greeter
			.connect(client("/chat/lobby?mode=last-offered&user=alice").subprotocols("chat", "superchat"))) {
			ConnectionInfo info = this.server.info(Greeter.fd(client)).orElseThrow();
			assertThat(info.fd()).isEqualTo(Greeter.fd(client));
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
		assertThat(client("/").handshake().status()).isEqualTo(404);
		assertThat(client("/chat/lobby/more").handshake().status()).isEqualTo(404);
	}

	private WebSocketTestClient client(String target) {
		return WebSocketTestClient.forPort(this.port).path(target);
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
