package io.wsboot;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.actuate.WebSocketEndpoint;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import io.wsboot.test.WebSocketTestConnection.CloseStatus;
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
@RecordWebSocketEvents
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
	private WebSocketEventRecorder recorder;

	private WebTestClient http;

	private final List<WebSocketTestConnection> clients = new ArrayList<>();

	@BeforeEach
	void createHttpClient() {
		this.http = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(TIMEOUT)
			.build();
	}

	@AfterEach
	void closeClientsAndAwaitNoConnections() {
		this.clients.forEach(WebSocketTestConnection::close);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.server.stats().connections()).isZero());
	}

	@Test
	void getReturnsStatsAtTopLevelAndOpenConnections() throws Exception {
		WebSocketTestConnection first = connect("lobby", "chat");
		WebSocketTestConnection second = connect("kitchen");
		first.sendText("hello");
		this.recorder.awaitMessages(Greeter.fd(first), 1, TIMEOUT);
		assertThat(rawStatus(
				WebSocketTestClient.forPort(this.port).path("/chat/lobby").header("Sec-WebSocket-Version", "8")))
			.isEqualTo(426);
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
			.isEqualTo((int) Greeter.fd(first))
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
			.isEqualTo(("fd:" + Greeter.fd(first)).length())
			.jsonPath("$.open[1].fd")
			.isEqualTo((int) Greeter.fd(second))
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
		WebSocketTestConnection first = connect("a");
		WebSocketTestConnection second = connect("b");
		WebSocketTestConnection third = connect("c");
		getWebSocket("?page=0&size=2").jsonPath("$.connections")
			.isEqualTo(3)
			.jsonPath("$.page")
			.isEqualTo(0)
			.jsonPath("$.size")
			.isEqualTo(2)
			.jsonPath("$.established")
			.isEqualTo(3)
			.jsonPath("$.open[*].fd")
			.isEqualTo(List.of((int) Greeter.fd(first), (int) Greeter.fd(second)));
		getWebSocket("?page=1&size=2").jsonPath("$.page")
			.isEqualTo(1)
			.jsonPath("$.open[*].fd")
			.isEqualTo(List.of((int) Greeter.fd(third)));
		getWebSocket("?page=2&size=2").jsonPath("$.connections").isEqualTo(3).jsonPath("$.open").isEmpty();
		getWebSocket("?size=1").jsonPath("$.page")
			.isEqualTo(0)
			.jsonPath("$.open[*].fd")
			.isEqualTo(List.of((int) Greeter.fd(first)));
	}

	@Test
	void getWithoutParametersUsesFirstPageOf100() throws Exception {
		connect("lobby");
		getWebSocket("").jsonPath("$.page").isEqualTo(0).jsonPath("$.size").isEqualTo(100);
	}

	@Test
	void getClampsPageAndSize() throws Exception {
		WebSocketTestConnection client = connect("lobby");
		getWebSocket("?page=-3&size=5000").jsonPath("$.page")
			.isEqualTo(0)
			.jsonPath("$.size")
			.isEqualTo(1000)
			.jsonPath("$.open[*].fd")
			.isEqualTo(List.of((int) Greeter.fd(client)));
		getWebSocket("?size=0").jsonPath("$.size").isEqualTo(1).jsonPath("$.open.length()").isEqualTo(1);
	}

	@Test
	void getWithInvalidParametersIsBadRequest() {
		this.http.get().uri("/actuator/websocket?page=first").exchange().expectStatus().isBadRequest();
		this.http.get().uri("/actuator/websocket/first").exchange().expectStatus().isBadRequest();
	}

	@Test
	void getShowsIpv6RemoteAddressInBrackets() throws Exception {
		WebSocketTestConnection client;
		try {
			client = Greeter.connect(WebSocketTestClient.create(URI.create("ws://[::1]:" + this.port + "/chat/lobby")));
		}
		catch (Exception ex) {
			Assumptions.abort("IPv6 loopback not available: " + ex);
			return;
		}
		this.clients.add(client);
		// host:port with an IPv6 host is ambiguous: RFC 3986 §3.2.2 puts it in brackets
		this.http.get()
			.uri("/actuator/websocket/" + Greeter.fd(client))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.remoteAddress")
			.value(String.class, (address) -> assertThat(address).matches("\\[[0-9a-fA-F:]+\\]:\\d+"));
	}

	@Test
	void getFdReturnsOneConnection() throws Exception {
		WebSocketTestConnection client = connect("lobby", "chat");
		client.sendText("h\u00e9llo");
		this.recorder.awaitMessages(Greeter.fd(client), 1, TIMEOUT);
		this.http.get()
			.uri("/actuator/websocket/" + Greeter.fd(client))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.fd")
			.isEqualTo((int) Greeter.fd(client))
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
			.isEqualTo(("fd:" + Greeter.fd(client)).length());
	}

	@Test
	void getUnknownFdIsNotFound() {
		this.http.get().uri("/actuator/websocket/" + UNKNOWN_FD).exchange().expectStatus().isNotFound();
	}

	@Test
	void deleteFdDisconnectsWithPolicyViolation() throws Exception {
		WebSocketTestConnection client = connect("lobby");
		WebSocketTestConnection other = connect("lobby");
		this.http.delete().uri("/actuator/websocket/" + Greeter.fd(client)).exchange().expectStatus().isNoContent();
		CloseStatus close = client.expectClose();
		assertThat(close.code()).isEqualTo(1008);
		WebSocketCloseEvent event = this.recorder.awaitClose(Greeter.fd(client), TIMEOUT);
		assertThat(event.getCode()).isEqualTo(1008);
		assertThat(event.getClosedBy()).isEqualTo(ClosedBy.SERVER);
		assertThat(this.server.isEstablished(Greeter.fd(other))).isTrue();
		this.http.get().uri("/actuator/websocket/" + Greeter.fd(client)).exchange().expectStatus().isNotFound();
		this.http.delete().uri("/actuator/websocket/" + Greeter.fd(client)).exchange().expectStatus().isNotFound();
	}

	@Test
	void deleteUnknownFdIsNotFound() {
		this.http.delete().uri("/actuator/websocket/" + UNKNOWN_FD).exchange().expectStatus().isNotFound();
	}

	@Test
	void statsReturnToZeroConnectionsAndTimersAfterClientsLeave() throws Exception {
		WebSocketTestConnection first = connect("lobby");
		WebSocketTestConnection second = connect("lobby");
		getWebSocket("").jsonPath("$.connections").isEqualTo(2).jsonPath("$.timers").isEqualTo(2);
		first.close(1000, "");
		first.expectClose();
		this.recorder.awaitClose(Greeter.fd(first), TIMEOUT);
		second.close();
		this.recorder.awaitClose(Greeter.fd(second), TIMEOUT);
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

	private WebSocketTestConnection connect(String room, String... subprotocols) {
		WebSocketTestConnection client = Greeter
			.connect(WebSocketTestClient.create(URI.create("ws://127.0.0.1:" + this.port + "/chat/" + room))
				.subprotocols(subprotocols));
		this.clients.add(client);
		return client;
	}

	private int rawStatus(WebSocketTestClient client) {
		return client.handshake().status();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Greeter.class, ConnectionTicker.class })
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
