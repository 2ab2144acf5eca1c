package io.wsboot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.autoconfigure.WsbootProperties;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import io.wsboot.test.WebSocketTestConnection.CloseStatus;
import org.junit.jupiter.api.Nested;
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
 * Tests for {@link WsbootProperties#getIdleTimeout()} and
 * {@link WsbootProperties#getPingInterval()}: a connection that receives nothing for the
 * idle timeout is closed with 1001; a pong counts as received.
 */
class IdleTimeoutTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final int PING = 0x9;

	private static final int PONG = 0xA;

	private static final int CLOSE = 0x8;

	@Nested
	@DirtiesContext
	@RecordWebSocketEvents
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "spring.main.web-application-type=reactive", "wsboot.idle-timeout=500ms" })
	class WithoutPings {

		@LocalServerPort
		private int port;

		@Autowired
		private WebSocketEventRecorder recorder;

		@Autowired
		private WebSocketServer server;

		@Test
		void closesSilentConnectionWith1001AfterIdleTimeout() throws Exception {
			long start = System.nanoTime();
			long fd;
			try (WebSocketTestConnection client = connect(this.port)) {
				fd = Greeter.fd(client);
				CloseStatus close = client.expectClose();
				assertThat(close.code()).isEqualTo(WebSocketServer.GOING_AWAY);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
			}
			WebSocketCloseEvent event = this.recorder.awaitClose(fd, TIMEOUT);
			assertThat(event.getCode()).isEqualTo(WebSocketServer.GOING_AWAY);
			assertThat(event.getClosedBy()).isEqualTo(ClosedBy.SERVER);
			assertThat(this.server.exists(fd)).isFalse();
		}

		@Test
		void keepsConnectionThatKeepsSendingMessages() throws Exception {
			try (WebSocketTestConnection client = connect(this.port)) {
				for (int i = 0; i < 8; i++) {
					client.sendText("m" + i);
					assertStaysEstablished(this.server, Greeter.fd(client), Duration.ofMillis(200));
				}
				assertThat(client.isOpen()).isTrue();
				assertThat(this.recorder.awaitMessages(Greeter.fd(client), 8, TIMEOUT)).hasSize(8);
			}
		}

		@Test
		void countsUnsolicitedPongsAsReceived() throws Exception {
			try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
				long fd = greetedFd(socket);
				for (int i = 0; i < 8; i++) {
					socket.sendFrame(true, PONG, new byte[0]);
					assertStaysEstablished(this.server, fd, Duration.ofMillis(200));
				}
				assertThat(this.recorder.messages(fd)).as("pongs are not messages").isEmpty();
			}
		}

		@Test
		void closesConnectionThatOnlyReceivesPushes() throws Exception {
			try (WebSocketTestConnection client = connect(this.port)) {
				long fd = Greeter.fd(client);
				long timer = this.server.tick(fd, Duration.ofMillis(50), () -> this.server.push(fd, "news"));
				assertThat(timer).isNotEqualTo(-1);
				assertThat(client.expectClose().code()).isEqualTo(WebSocketServer.GOING_AWAY);
				assertThat(this.recorder.awaitClose(fd, TIMEOUT).getCode()).isEqualTo(WebSocketServer.GOING_AWAY);
			}
		}

	}

	@Nested
	@DirtiesContext
	@RecordWebSocketEvents
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
			"spring.main.web-application-type=reactive", "wsboot.idle-timeout=600ms", "wsboot.ping-interval=150ms" })
	class WithPingInterval {

		@LocalServerPort
		private int port;

		@Autowired
		private WebSocketEventRecorder recorder;

		@Autowired
		private WebSocketServer server;

		@Test
		void keepsClientThatAnswersPings() throws Exception {
			try (WebSocketTestConnection client = connect(this.port)) {
				assertStaysEstablished(this.server, Greeter.fd(client), Duration.ofMillis(2000));
				assertThat(client.isOpen()).isTrue();
				assertThat(this.server.push(Greeter.fd(client), "still here")).isTrue();
				assertThat(client.expectText()).isEqualTo("still here");
			}
		}

		@Test
		void keepsRawClientThatAnswersEachPingWithPong() throws Exception {
			try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
				long fd = greetedFd(socket);
				long start = System.nanoTime();
				int pings = 0;
				while (Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofMillis(1500)) < 0) {
					ReceivedFrame frame = socket.readFrame();
					assertThat(frame.opcode()).as("frame %s", frame).isEqualTo(PING);
					socket.sendFrame(true, PONG, frame.payload());
					pings++;
				}
				assertThat(pings).isGreaterThanOrEqualTo(5);
				assertThat(this.server.isEstablished(fd)).isTrue();
			}
		}

		@Test
		void closesClientThatDoesNotAnswerPingsWith1001() throws Exception {
			long fd;
			List<ReceivedFrame> frames = new ArrayList<>();
			try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
				fd = greetedFd(socket);
				ReceivedFrame frame;
				do {
					frame = socket.readFrame();
					frames.add(frame);
				}
				while (frame.opcode() == PING);
				assertThat(frame.opcode()).as("frame %s", frame).isEqualTo(CLOSE);
				assertThat(frame.closeCode()).isEqualTo(WebSocketServer.GOING_AWAY);
				socket.sendClose(WebSocketServer.GOING_AWAY, "");
				assertThat(socket.awaitServerClose(TIMEOUT)).isTrue();
			}
			assertThat(frames).filteredOn((frame) -> frame.opcode() == PING).hasSizeGreaterThanOrEqualTo(2);
			WebSocketCloseEvent event = this.recorder.awaitClose(fd, TIMEOUT);
			assertThat(event.getCode()).isEqualTo(WebSocketServer.GOING_AWAY);
			assertThat(event.getClosedBy()).isEqualTo(ClosedBy.SERVER);
		}

	}

	private static WebSocketTestConnection connect(int port) throws Exception {
		return Greeter.connect(WebSocketTestClient.forPort(port));
	}

	private static void assertStaysEstablished(WebSocketServer server, long fd, Duration duration) {
		await().during(duration).atMost(duration.plusSeconds(2)).until(() -> server.isEstablished(fd));
	}

	private static long greetedFd(RawWebSocketConnection socket) throws Exception {
		String greeting = socket.expectText();
		assertThat(greeting).startsWith("fd:");
		return Long.parseLong(greeting.substring(3));
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
