package io.wsboot;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import io.wsboot.test.WebSocketTestConnection.CloseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link WebSocketServer}.
 */
@RecordWebSocketEvents
@SpringBootTest(classes = WebSocketServerTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.subprotocols=chat" })
@ExtendWith(OutputCaptureExtension.class)
class WebSocketServerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final long UNKNOWN_FD = Long.MAX_VALUE - 7;

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketServer server;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Test
	void pushesTextAndBinaryToClient() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			assertThat(this.server.push(Greeter.fd(client), "hello")).isTrue();
			assertThat(client.expectText()).isEqualTo("hello");
			assertThat(this.server.push(Greeter.fd(client), new byte[] { 4, 5, 6 })).isTrue();
			assertThat(client.expectBinary()).containsExactly(4, 5, 6);
		}
	}

	@Test
	void pushesAndBroadcastsPayloadsOfEveryHeaderLength() throws Exception {
		// 7-bit, 16-bit and 64-bit payload lengths (RFC 6455 5.2), at their edges
		int[] sizes = { 0, 1, 125, 126, 127, 65_535, 65_536, 200_000 };
		try (WebSocketTestConnection client = connect()) {
			for (int size : sizes) {
				byte[] data = new byte[size];
				for (int i = 0; i < size; i++) {
					data[i] = (byte) (i * 31);
				}
				assertThat(this.server.push(Greeter.fd(client), data)).isTrue();
				assertThat(client.expectBinary()).as("binary push of %d bytes", size).containsExactly(data);
				assertThat(this.server.broadcast(data)).isEqualTo(1);
				assertThat(client.expectBinary()).as("binary broadcast of %d bytes", size).containsExactly(data);
				// two bytes of UTF-8 a character, and one ASCII character for odd sizes
				String text = "é".repeat(size / 2) + ((size % 2 == 1) ? "a" : "");
				assertThat(this.server.push(Greeter.fd(client), text)).isTrue();
				assertThat(client.expectText()).as("text push of %d characters", text.length()).isEqualTo(text);
				assertThat(this.server.broadcast(text)).isEqualTo(1);
				assertThat(client.expectText()).as("text broadcast of %d characters", text.length()).isEqualTo(text);
			}
		}
	}

	@Test
	void logsNoErrorWhenClientsLeaveRightAfterHandshake(CapturedOutput output) throws Exception {
		// The greeting pushed from the open listener finds the TCP connection reset
		long acceptedBefore = this.server.stats().accepted();
		int clients = 20;
		for (int i = 0; i < clients; i++) {
			try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).openSocket()) {
				socket.write("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
						+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
			}
		}
		// Some clients are gone before their upgrade, the others once it is done
		await().atMost(TIMEOUT).until(() -> {
			WebSocketStats stats = this.server.stats();
			return stats.accepted() > acceptedBefore && stats.accepted() == stats.closed()
					&& this.server.connections().isEmpty();
		});
		assertThat(output).doesNotContain("ERROR").doesNotContain("onUncaughtException");
	}

	@Test
	void sendsTextWithLoneSurrogateAsUtf8() throws Exception {
		// An emoji cut in half, then a character beyond ASCII
		String text = "cut \uD83D…";
		String expected = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
		try (WebSocketTestConnection client = connect()) {
			assertThat(this.server.push(Greeter.fd(client), text)).isTrue();
			assertThat(client.expectText()).isEqualTo(expected).isEqualTo("cut ?…");
			assertThat(this.server.broadcast(text)).isEqualTo(1);
			assertThat(client.expectText()).isEqualTo(expected);
		}
	}

	@Test
	void pushesMessageInFragments() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			assertThat(this.server.push(Greeter.fd(client), "frag", Opcode.TEXT, false)).isTrue();
			assertThat(this.server.push(Greeter.fd(client), "ment", Opcode.CONTINUATION, true)).isTrue();
			assertThat(client.expectText()).isEqualTo("fragment");
			assertThat(this.server.push(Greeter.fd(client), new byte[] { 1 }, Opcode.BINARY, false)).isTrue();
			assertThat(this.server.push(Greeter.fd(client), new byte[] { 2 }, Opcode.CONTINUATION, true)).isTrue();
			assertThat(client.expectBinary()).containsExactly(1, 2);
		}
	}

	@Test
	void refusesInvalidControlFrames() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			long fd = Greeter.fd(client);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.server.push(fd, new byte[0], Opcode.CLOSE, true));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.server.push(fd, new byte[126], Opcode.PING, true));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.server.push(fd, new byte[1], Opcode.PING, false));
			assertThat(this.server.push(fd, "still open")).isTrue();
			assertThat(client.expectText()).isEqualTo("still open");
		}
	}

	@Test
	void answersFalseForUnknownFd() {
		assertThat(this.server.push(UNKNOWN_FD, "lost")).isFalse();
		assertThat(this.server.push(UNKNOWN_FD, new byte[] { 1 })).isFalse();
		assertThat(this.server.push(UNKNOWN_FD, "lost", Opcode.TEXT, true)).isFalse();
		assertThat(this.server.exists(UNKNOWN_FD)).isFalse();
		assertThat(this.server.isEstablished(UNKNOWN_FD)).isFalse();
		assertThat(this.server.disconnect(UNKNOWN_FD, 4000, "bye")).isFalse();
		assertThat(this.server.info(UNKNOWN_FD)).isEmpty();
		assertThat(this.server.tick(UNKNOWN_FD, Duration.ofMillis(10), () -> {
		})).isEqualTo(-1);
		assertThat(this.server.after(UNKNOWN_FD, Duration.ofMillis(10), () -> {
		})).isEqualTo(-1);
		assertThat(this.server.clearTimer(UNKNOWN_FD)).isFalse();
	}

	@Test
	void existsAndIsEstablishedOnlyWhileOpen() throws Exception {
		long fd;
		try (WebSocketTestConnection client = connect()) {
			fd = Greeter.fd(client);
			assertThat(this.server.exists(fd)).isTrue();
			assertThat(this.server.isEstablished(fd)).isTrue();
			assertThat(this.server.connections()).contains(fd);
			client.close(1000, "");
			client.expectClose();
		}
		this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(this.server.exists(fd)).isFalse();
		assertThat(this.server.isEstablished(fd)).isFalse();
		assertThat(this.server.push(fd, "too late")).isFalse();
		assertThat(this.server.info(fd)).isEmpty();
		assertThat(this.server.connections()).doesNotContain(fd);
	}

	@Test
	void disconnectSendsCloseCodeAndReason() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			long fd = Greeter.fd(client);
			assertThat(this.server.disconnect(fd, 4000, "bye")).isTrue();
			assertThat(client.expectClose()).isEqualTo(new CloseStatus(4000, "bye"));
			this.recorder.awaitClose(fd, TIMEOUT);
			assertThat(this.server.disconnect(fd, 4000, "bye")).isFalse();
		}
	}

	@Test
	void disconnectRefusesCodesServerMayNotSendAndLongReasons() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			long fd = Greeter.fd(client);
			for (int code : new int[] { 999, 1004, 1005, 1006, 1015, 2999, 5000 }) {
				assertThatIllegalArgumentException().as("code %d", code)
					.isThrownBy(() -> this.server.disconnect(fd, code, ""));
			}
			assertThatIllegalArgumentException().isThrownBy(() -> this.server.disconnect(fd, 4000, "x".repeat(124)));
			assertThat(this.server.isEstablished(fd)).isTrue();
		}
	}

	@Test
	void broadcastReachesEveryOpenClientOnceAndReturnsCount() throws Exception {
		List<WebSocketTestConnection> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				clients.add(connect());
			}
			List<Long> fds = clients.stream().map(Greeter::fd).toList();
			await().atMost(TIMEOUT).until(this.server::connections, (open) -> open.equals(fds));
			assertThat(this.server.broadcast("news")).isEqualTo(3);
			assertThat(this.server.broadcast("bytes".getBytes(StandardCharsets.UTF_8))).isEqualTo(3);
			assertThat(this.server.broadcast("only first", (fd) -> fd == fds.get(0))).isEqualTo(1);
			for (WebSocketTestConnection client : clients) {
				assertThat(this.server.push(Greeter.fd(client), "end")).isTrue();
			}
			assertThat(clients.get(0).expectText()).isEqualTo("news");
			assertThat(clients.get(0).expectBinary()).asString(StandardCharsets.UTF_8).isEqualTo("bytes");
			assertThat(clients.get(0).expectText()).isEqualTo("only first");
			assertThat(clients.get(0).expectText()).isEqualTo("end");
			for (WebSocketTestConnection client : clients.subList(1, 3)) {
				assertThat(client.expectText()).isEqualTo("news");
				assertThat(client.expectBinary()).asString(StandardCharsets.UTF_8).isEqualTo("bytes");
				assertThat(client.expectText()).isEqualTo("end");
			}
			clients.forEach((client) -> client.expectNoMessage(Duration.ZERO));
		}
		finally {
			clients.forEach(WebSocketTestConnection::close);
		}
	}

	@Test
	void broadcastSkipsClosedConnections() throws Exception {
		try (WebSocketTestConnection open = connect(); WebSocketTestConnection closing = connect()) {
			closing.close(1000, "");
			closing.expectClose();
			this.recorder.awaitClose(Greeter.fd(closing), TIMEOUT);
			await().atMost(TIMEOUT).until(this.server::connections, (fds) -> fds.equals(List.of(Greeter.fd(open))));
			assertThat(this.server.broadcast("news")).isEqualTo(1);
			assertThat(open.expectText()).isEqualTo("news");
		}
	}

	@Test
	void connectionsListsOpenFdsInAscendingOrder() throws Exception {
		try (WebSocketTestConnection first = connect();
				WebSocketTestConnection second = connect();
				WebSocketTestConnection third = connect()) {
			List<Long> fds = List.of(Greeter.fd(first), Greeter.fd(second), Greeter.fd(third));
			await().atMost(TIMEOUT).until(this.server::connections, (open) -> open.equals(fds));
			assertThat(this.server.connections()).isSorted();
			second.close(1000, "");
			second.expectClose();
			await().atMost(TIMEOUT)
				.until(this.server::connections, (open) -> open.equals(List.of(Greeter.fd(first), Greeter.fd(third))));
		}
	}

	@Test
	void infoDescribesConnection() throws Exception {
		try (WebSocketTestConnection client = Greeter
			.connect(WebSocketTestClient.forPort(this.port).path("/?room=1").subprotocols("chat"))) {
			long fd = Greeter.fd(client);
			client.sendText("abc");
			this.recorder.awaitMessages(fd, 1, TIMEOUT);
			ConnectionInfo info = this.server.info(fd).orElseThrow();
			assertThat(info.fd()).isEqualTo(fd);
			assertThat(info.path()).isEqualTo("/");
			assertThat(info.pathVariables()).isEmpty();
			assertThat(info.subprotocol()).isEqualTo("chat");
			assertThat(info.attributes()).isEmpty();
			assertThat(info.established()).isTrue();
			assertThat(info.remoteAddress()).isNotNull();
			assertThat(info.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
			assertThat(info.openedAt()).isNotNull();
			assertThat(info.bytesReceived()).isEqualTo(3);
			assertThat(info.bytesSent()).isGreaterThanOrEqualTo(("fd:" + fd).length());
		}
	}

	@Test
	void stopsConnectionTimersWhenConnectionCloses() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		long fd;
		try (WebSocketTestConnection client = connect()) {
			fd = Greeter.fd(client);
			long timer = this.server.tick(fd, Duration.ofMillis(20), runs::incrementAndGet);
			assertThat(timer).isNotEqualTo(-1);
			await().atMost(TIMEOUT).until(() -> runs.get() >= 3);
			assertThat(this.server.stats().timers()).isPositive();
			client.close(1000, "");
			client.expectClose();
		}
		this.recorder.awaitClose(fd, TIMEOUT);
		int afterClose = runs.get();
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == afterClose);
		await().atMost(TIMEOUT).until(() -> this.server.stats().timers() == 0);
		assertThat(this.server.tick(fd, Duration.ofMillis(20), runs::incrementAndGet)).isEqualTo(-1);
	}

	@Test
	void runsConnectionBoundAfterOnlyWhileOpen() throws Exception {
		CountDownLatch ran = new CountDownLatch(1);
		AtomicInteger late = new AtomicInteger();
		long fd;
		try (WebSocketTestConnection client = connect()) {
			fd = Greeter.fd(client);
			assertThat(this.server.after(fd, Duration.ofMillis(20), ran::countDown)).isNotEqualTo(-1);
			assertThat(ran.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			assertThat(this.server.after(fd, Duration.ofMillis(500), late::incrementAndGet)).isNotEqualTo(-1);
		}
		this.recorder.awaitClose(fd, TIMEOUT);
		await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() -> late.get() == 0);
		await().atMost(TIMEOUT).until(() -> this.server.stats().timers() == 0);
	}

	@Test
	void runsAndClearsGlobalTimers() throws Exception {
		AtomicInteger ticks = new AtomicInteger();
		long tick = this.server.tick(Duration.ofMillis(20), ticks::incrementAndGet);
		try {
			await().atMost(TIMEOUT).until(() -> ticks.get() >= 3);
			assertThat(this.server.stats().timers()).isPositive();
		}
		finally {
			assertThat(this.server.clearTimer(tick)).isTrue();
		}
		int cleared = ticks.get();
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> ticks.get() <= cleared + 1);
		int settled = ticks.get();
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> ticks.get() == settled);
		assertThat(this.server.clearTimer(tick)).isFalse();

		CountDownLatch once = new CountDownLatch(1);
		long after = this.server.after(Duration.ofMillis(20), once::countDown);
		assertThat(after).isNotEqualTo(tick);
		assertThat(once.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		await().atMost(TIMEOUT).until(() -> !this.server.clearTimer(after));

		AtomicInteger cancelled = new AtomicInteger();
		long pending = this.server.after(Duration.ofMillis(300), cancelled::incrementAndGet);
		assertThat(this.server.clearTimer(pending)).isTrue();
		await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> cancelled.get() == 0);
		await().atMost(TIMEOUT).until(() -> this.server.stats().timers() == 0);
	}

	@Test
	void runsDeferredTaskSoon() throws Exception {
		CountDownLatch ran = new CountDownLatch(1);
		this.server.defer(ran::countDown);
		assertThat(ran.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
	}

	@Test
	void neverReusesFds() throws Exception {
		List<Long> fds = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			try (WebSocketTestConnection client = connect()) {
				fds.add(Greeter.fd(client));
				client.close(1000, "");
				client.expectClose();
			}
			this.recorder.awaitClose(fds.get(i), TIMEOUT);
		}
		assertThat(fds).doesNotHaveDuplicates().isSorted();
		assertThat(fds.get(0)).isNotNegative();
	}

	@Test
	void countsConnectionsAndMessages() throws Exception {
		WebSocketStats before = this.server.stats();
		try (WebSocketTestConnection client = connect()) {
			client.sendText("abc");
			this.recorder.awaitMessages(Greeter.fd(client), 1, TIMEOUT);
			await().atMost(TIMEOUT).untilAsserted(() -> {
				WebSocketStats stats = this.server.stats();
				assertThat(stats.connections()).isPositive();
				assertThat(stats.accepted()).isGreaterThan(before.accepted());
				assertThat(stats.messagesReceived()).isGreaterThan(before.messagesReceived());
				assertThat(stats.bytesReceived()).isGreaterThanOrEqualTo(before.bytesReceived() + 3);
				assertThat(stats.messagesSent()).isGreaterThan(before.messagesSent());
				assertThat(stats.startTime()).isEqualTo(before.startTime());
			});
		}
	}

	private WebSocketTestConnection connect() {
		return Greeter.connect(WebSocketTestClient.forPort(this.port));
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
