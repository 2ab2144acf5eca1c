package io.wsboot;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.wsboot.JdkWebSocketClient.CloseStatus;
import io.wsboot.RawWebSocket.Request;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.actuate.WebSocketEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient.BodyContentSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link WebSocketEndpoint} over HTTP: {@code GET /actuator/websocket},
 * {@code GET /actuator/websocket/{fd}} and {@code DELETE /actuator/websocket/{fd}}.
 */
@SpringBootTest(classes = WebSocketEndpointTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive",
				"management.endpoints.web.exposure.include=websocket,health", "wsboot.path=/chat/{room}",
				"wsboot.subprotocols=chat" })
class WebSocketEndpointTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final long UNKNOWN_FD = Long.MAX_VALUE - 13;

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketServer server;

	@Autowired
	private EventRecorder recorder;

	private WebTestClient http;

	private final List<JdkWebSocketClient> clients = new ArrayList<>();

	@BeforeEach
	void createHttpClient() {
		this.http = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(TIMEOUT)
			.build();
	}

	@AfterEach
	void closeClientsAndAwaitNoConnections() {
		this.clients.forEach(JdkWebSocketClient::close);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.server.stats().connections()).isZero());
	}

	@Test
	void getReturnsStatsAtTopLevelAndOpenConnections() throws Exception {
		JdkWebSocketClient first = connect("lobby", "chat");
		JdkWebSocketClient second = connect("kitchen");
		first.sendText("hello");
		this.recorder.awaitMessages(first.fd(), 1);
		assertThat(rawStatus(Request.upgrade("/chat/lobby").set("Sec-WebSocket-Version", "8"))).isEqualTo(426);
		WebSocketStats stats = this.server.stats();
		getWebSocket("").jsonPath("$.connections")
			.isEqualTo(2)
			.jsonPath("$.accepted")
			.isEqualTo((int) stats.accepted())
			.jsonPath("$.closed")
			.isEqualTo((int) stats.closed())
			.jsonPath("$.rejectedHandshakes")
			.isEqualTo((int) stats.rejectedHandshakes())
			.jsonPath("$.timers")
			.isEqualTo(2)
			.jsonPath("$.messagesReceived")
			.isEqualTo((int) stats.messagesReceived())
			.jsonPath("$.messagesSent")
			.isEqualTo((int) stats.messagesSent())
			.jsonPath("$.bytesReceived")
			.isEqualTo((int) stats.bytesReceived())
			.jsonPath("$.bytesSent")
			.isEqualTo((int) stats.bytesSent())
			.jsonPath("$.pushDropped")
			.isEqualTo((int) stats.pushDropped())
			.jsonPath("$.startTime")
			.value(String.class, (startTime) -> assertThat(Instant.parse(startTime)).isEqualTo(stats.startTime()))
			.jsonPath("$.cluster")
			.doesNotExist()
			.jsonPath("$.open.length()")
			.isEqualTo(2)
			.jsonPath("$.open[0].fd")
			.isEqualTo((int) first.fd())
			.jsonPath("$.open[0].remoteAddress")
			.value(String.class, (address) -> assertThat(address).matches("127\\.0\\.0\\.1:\\d+"))
			.jsonPath("$.open[0].path")
			.isEqualTo("/chat/lobby")
			.jsonPath("$.open[0].subprotocol")
			.isEqualTo("chat")
			.jsonPath("$.open[0].openedAt")
			.value(String.class, (openedAt) -> assertThat(Instant.parse(openedAt)).isBeforeOrEqualTo(Instant.now()))
			.jsonPath("$.open[0].bytesReceived")
			.isEqualTo(5)
			.jsonPath("$.open[0].bytesSent")
			.isEqualTo(("fd:" + first.fd()).length())
			.jsonPath("$.open[1].fd")
			.isEqualTo((int) second.fd())
			.jsonPath("$.open[1].path")
			.isEqualTo("/chat/kitchen")
			.jsonPath("$.open[1].subprotocol")
			.doesNotExist()
			.jsonPath("$.open[1].bytesReceived")
			.isEqualTo(0);
		assertThat(stats.rejectedHandshakes()).isPositive();
		assertThat(stats.accepted()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void getHasNoClusterSectionWithoutCluster() throws Exception {
		connect("lobby");
		byte[] body = getWebSocket("").returnResult().getResponseBodyContent();
		assertThat(body).isNotNull();
		// Left out, not null
		assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"startTime\"", "\"open\"")
			.doesNotContain("\"cluster\"");
	}

	@Test
	void getPagesConnectionsInFdOrder() throws Exception {
		JdkWebSocketClient first = connect("a");
		JdkWebSocketClient second = connect("b");
		JdkWebSocketClient third = connect("c");
		getWebSocket("?page=0&size=2").jsonPath("$.connections")
			.isEqualTo(3)
			.jsonPath("$.page")
			.isEqualTo(0)
			.jsonPath("$.size")
			.isEqualTo(2)
			.jsonPath("$.established")
			.isEqualTo(3)
			.jsonPath("$.open[*].fd")
			.isEqualTo(List.of((int) first.fd(), (int) second.fd()));
		getWebSocket("?page=1&size=2").jsonPath("$.page")
			.isEqualTo(1)
			.jsonPath("$.open[*].fd")
			.isEqualTo(List.of((int) third.fd()));
		getWebSocket("?page=2&size=2").jsonPath("$.connections").isEqualTo(3).jsonPath("$.open").isEmpty();
		getWebSocket("?size=1").jsonPath("$.page")
			.isEqualTo(0)
			.jsonPath("$.open[*].fd")
			.isEqualTo(List.of((int) first.fd()));
	}

	@Test
	void getWithoutParametersUsesFirstPageOf100() throws Exception {
		connect("lobby");
		getWebSocket("").jsonPath("$.page").isEqualTo(0).jsonPath("$.size").isEqualTo(100);
	}

	@Test
	void getClampsPageAndSize() throws Exception {
		JdkWebSocketClient client = connect("lobby");
		getWebSocket("?page=-3&size=5000").jsonPath("$.page")
			.isEqualTo(0)
			.jsonPath("$.size")
			.isEqualTo(1000)
			.jsonPath("$.open[*].fd")
			.isEqualTo(List.of((int) client.fd()));
		getWebSocket("?size=0").jsonPath("$.size").isEqualTo(1).jsonPath("$.open.length()").isEqualTo(1);
	}

	@Test
	void getWithInvalidParametersIsBadRequest() {
		this.http.get().uri("/actuator/websocket?page=first").exchange().expectStatus().isBadRequest();
		this.http.get().uri("/actuator/websocket/first").exchange().expectStatus().isBadRequest();
	}

	@Test
	void getShowsIpv6RemoteAddressInBrackets() throws Exception {
		JdkWebSocketClient client;
		try {
			client = JdkWebSocketClient.connectGreeted(URI.create("ws://[::1]:" + this.port + "/chat/lobby"));
		}
		catch (Exception ex) {
			Assumptions.abort("IPv6 loopback not available: " + ex);
			return;
		}
		this.clients.add(client);
		// host:port with an IPv6 host is ambiguous: RFC 3986 §3.2.2 puts it in brackets
		this.http.get()
			.uri("/actuator/websocket/" + client.fd())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.remoteAddress")
			.value(String.class, (address) -> assertThat(address).matches("\\[[0-9a-fA-F:]+\\]:\\d+"));
	}

	@Test
	void getFdReturnsOneConnection() throws Exception {
		JdkWebSocketClient client = connect("lobby", "chat");
		client.sendText("h\u00e9llo");
		this.recorder.awaitMessages(client.fd(), 1);
		this.http.get()
			.uri("/actuator/websocket/" + client.fd())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.fd")
			.isEqualTo((int) client.fd())
			.jsonPath("$.remoteAddress")
			.value(String.class, (address) -> assertThat(address).matches("127\\.0\\.0\\.1:\\d+"))
			.jsonPath("$.path")
			.isEqualTo("/chat/lobby")
			.jsonPath("$.subprotocol")
			.isEqualTo("chat")
			.jsonPath("$.openedAt")
			.value(String.class, (openedAt) -> assertThat(Instant.parse(openedAt)).isBeforeOrEqualTo(Instant.now()))
			.jsonPath("$.bytesReceived")
			.isEqualTo(6)
			.jsonPath("$.bytesSent")
			.isEqualTo(("fd:" + client.fd()).length());
	}

	@Test
	void getUnknownFdIsNotFound() {
		this.http.get().uri("/actuator/websocket/" + UNKNOWN_FD).exchange().expectStatus().isNotFound();
	}

	@Test
	void deleteFdDisconnectsWithPolicyViolation() throws Exception {
		JdkWebSocketClient client = connect("lobby");
		JdkWebSocketClient other = connect("lobby");
		this.http.delete().uri("/actuator/websocket/" + client.fd()).exchange().expectStatus().isNoContent();
		CloseStatus close = client.awaitClose();
		assertThat(close.code()).isEqualTo(1008);
		EventRecorder.Recorded event = this.recorder.awaitClose(client.fd());
		assertThat(event.code()).isEqualTo(1008);
		assertThat(event.closedBy()).isEqualTo(ClosedBy.SERVER);
		assertThat(this.server.isEstablished(other.fd())).isTrue();
		this.http.get().uri("/actuator/websocket/" + client.fd()).exchange().expectStatus().isNotFound();
		this.http.delete().uri("/actuator/websocket/" + client.fd()).exchange().expectStatus().isNotFound();
	}

	@Test
	void deleteUnknownFdIsNotFound() {
		this.http.delete().uri("/actuator/websocket/" + UNKNOWN_FD).exchange().expectStatus().isNotFound();
	}

	@Test
	void statsReturnToZeroConnectionsAndTimersAfterClientsLeave() throws Exception {
		JdkWebSocketClient first = connect("lobby");
		JdkWebSocketClient second = connect("lobby");
		getWebSocket("").jsonPath("$.connections").isEqualTo(2).jsonPath("$.timers").isEqualTo(2);
		first.sendClose(1000, "");
		first.awaitClose();
		this.recorder.awaitClose(first.fd());
		second.close();
		this.recorder.awaitClose(second.fd());
		await().atMost(TIMEOUT)
			.untilAsserted(() -> getWebSocket("").jsonPath("$.connections")
				.isEqualTo(0)
				.jsonPath("$.timers")
				.isEqualTo(0)
				.jsonPath("$.established")
				.isEqualTo(0)
				.jsonPath("$.open")
				.isEmpty());
	}

	private BodyContentSpec getWebSocket(String query) {
		return this.http.get()
			.uri("/actuator/websocket" + query)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith("application/vnd.spring-boot.actuator.v3+json")
			.expectBody();
	}

	private JdkWebSocketClient connect(String room, String... subprotocols) throws Exception {
		JdkWebSocketClient client = JdkWebSocketClient
			.connectGreeted(URI.create("ws://127.0.0.1:" + this.port + "/chat/" + room), subprotocols);
		this.clients.add(client);
		return client;
	}

	private int rawStatus(Request request) throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			return socket.send(request).status();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ EventRecorder.class, EventRecorder.Greeter.class, ConnectionTicker.class })
	static class TestApplication {

	}

	/**
	 * Starts an hourly connection-bound timer for every connection.
	 */
	static class ConnectionTicker {

		@EventListener
		void onOpen(WebSocketOpenEvent event) {
			event.getSource().tick(event.getFd(), Duration.ofHours(1), () -> {
			});
		}

	}

}
