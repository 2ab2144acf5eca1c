package io.wsboot.test;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.wsboot.Frame;
import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketOpenEvent;
import io.wsboot.WebSocketServer;
import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link WebSocketTestClient}, {@link WebSocketTestConnection},
 * {@link HandshakeResult} and {@link WebSocketEventRecorder} against a running wsboot
 * server, configured by {@link AutoConfigureWebSocketTestClient}.
 */
@SpringBootTest(classes = WebSocketTestClientIntegrationTests.EchoApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "wsboot.path=/ws", "wsboot.subprotocols=chat,superchat",
				"wsboot.allowed-origins=https://good.example" })
@AutoConfigureWebSocketTestClient
class WebSocketTestClientIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketTestClient client;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Test
	void clientConnectsToTheRandomPortAndTheEndpointPath() {
		assertThat(this.client.uri()).isEqualTo(URI.create("ws://localhost:" + this.port + "/ws"));
	}

	@Test
	void sendsAndExpectsText() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.expectTextMatching("fd:\\d+").sendText("hi").expectText("echo:hi");
			connection.sendText("again");
			assertThat(connection.expectText()).isEqualTo("echo:again");
		}
	}

	@Test
	void sendsAndExpectsBinary() {
		byte[] data = { 1, 2, 3 };
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.expectTextMatching((text) -> text.startsWith("fd:")).sendBinary(data).expectBinary(data);
		}
	}

	@Test
	void offersSubprotocols() {
		try (WebSocketTestConnection connection = this.client.subprotocols("other", "superchat").connect()) {
			assertThat(connection.subprotocol()).isEqualTo("superchat");
		}
		try (WebSocketTestConnection connection = this.client.connect()) {
			assertThat(connection.subprotocol()).isEmpty();
		}
	}

	@Test
	void sendsHeaders() {
		try (WebSocketTestConnection connection = this.client.header("Origin", "https://good.example").connect()) {
			connection.expectTextMatching("fd:\\d+");
		}
		assertThat(this.recorder.awaitOpen(TIMEOUT).getRequest().getHeaders().getFirst("Origin"))
			.isEqualTo("https://good.example");
	}

	@Test
	void expectsCloseCodeAndReasonOfTheServer() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.sendText("close:4000:bye").expectClose(4000, "bye").expectClose(4000);
			assertThat(connection.expectClose()).isEqualTo(new WebSocketTestConnection.CloseStatus(4000, "bye"));
			connection.expectNoMessage(Duration.ofSeconds(10));
			assertThatExceptionOfType(AssertionError.class).isThrownBy(connection::expectText)
				.withMessageContaining("Expected a text message")
				.withMessageContaining("close frame 4000 \"bye\"");
		}
	}

	@Test
	void expectCloseSkipsMessagesBeforeTheClose() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.sendText("one").sendText("close:4001:done").expectClose(4001);
		}
	}

	@Test
	void expectCloseFailsWithWhatWasReceivedWhenTheConnectionStaysOpen() {
		try (WebSocketTestConnection connection = this.client.timeout(Duration.ofMillis(300)).connect()) {
			connection.sendText("hi");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> connection.expectClose(1000))
				.withMessageContaining("within 300ms but the connection is still open")
				.withMessageContaining("text message \"echo:hi\"");
		}
	}

	@Test
	void closeIsAnsweredByTheServer() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.expectTextMatching("fd:\\d+").close(1000, "done").expectClose(1000);
		}
	}

	@Test
	void closeCodeReachesTheServer() {
		long fd;
		try (WebSocketTestConnection connection = this.client.connect()) {
			fd = this.recorder.awaitOpen(TIMEOUT).getFd();
			connection.close(1001, "going").expectClose();
		}
		WebSocketCloseEvent close = this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(close.getCode()).isEqualTo(1001);
		assertThat(close.getReason()).isEqualTo("going");
	}

	@Test
	void expectCloseFailsWithTheCodeReceived() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.sendText("close:4002:nope");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> connection.expectClose(1000))
				.withMessageContaining("4002")
				.withMessageContaining("nope");
		}
	}

	@Test
	void expectNoMessagePassesWhenNothingArrives() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.expectTextMatching("fd:\\d+").expectNoMessage(Duration.ofMillis(200));
		}
	}

	@Test
	void expectNoMessageFailsWithTheMessageThatArrived() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.expectTextMatching("fd:\\d+").sendText("hi");
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> connection.expectNoMessage(Duration.ofSeconds(2)))
				.withMessageContaining("Expected no message")
				.withMessageContaining("text message \"echo:hi\"");
		}
	}

	@Test
	void expectTextWaitsNoLongerThanTheTimeout() {
		try (WebSocketTestConnection connection = this.client.timeout(Duration.ofMillis(300)).connect()) {
			connection.expectTextMatching("fd:\\d+");
			long start = System.nanoTime();
			assertThatExceptionOfType(AssertionError.class).isThrownBy(connection::expectText)
				.withMessageContaining("within 300ms but received nothing");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		}
	}

	@Test
	void expectTextWithATimeoutWaitsNoLongerThanIt() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.expectTextMatching("fd:\\d+");
			long start = System.nanoTime();
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> connection.expectText(Duration.ofMillis(300)))
				.withMessageContaining("within 300ms but received nothing");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WebSocketTestClient.DEFAULT_TIMEOUT);
			connection.sendText("hi");
			assertThat(connection.expectText(Duration.ofSeconds(2))).isEqualTo("echo:hi");
		}
	}

	@Test
	void expectTextFailsWithTheTextReceived() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.expectTextMatching("fd:\\d+").sendText("hi");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> connection.expectText("echo:bye"))
				.withMessageContaining("echo:hi")
				.withMessageContaining("echo:bye");
		}
	}

	@Test
	void expectTextFailsOnBinaryMessage() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.expectTextMatching("fd:\\d+").sendBinary(new byte[] { 1, 2, 3 });
			assertThatExceptionOfType(AssertionError.class).isThrownBy(connection::expectText)
				.withMessageContaining("but received binary message of 3 bytes");
		}
	}

	@Test
	void connectFailsWithTheStatusOfARefusedHandshake() {
		WebSocketTestClient foreign = this.client.header("Origin", "https://evil.example");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(foreign::connect)
			.withMessageContaining("refused with status 403");
	}

	@Test
	void connectRefusesHeadersTheJdkClientCannotSend() {
		WebSocketTestClient client = this.client.header("Sec-WebSocket-Version", "8");
		assertThatIllegalArgumentException().isThrownBy(client::connect).withMessageContaining("handshake()");
	}

	@Test
	void rawHandshakeSwitchesProtocols() {
		this.client.handshake().expectSwitchingProtocols().expectNoHeader("Sec-WebSocket-Protocol");
		this.client.subprotocols("chat")
			.handshake()
			.expectSwitchingProtocols()
			.expectHeader("Sec-WebSocket-Protocol", "chat");
	}

	@Test
	void rawHandshakeWithAnotherVersionGets426() {
		HandshakeResult result = this.client.header("Sec-WebSocket-Version", "8")
			.handshake()
			.expectStatus(426)
			.expectHeader("Sec-WebSocket-Version", "13");
		assertThat(result.header("sec-websocket-version")).isEqualTo("13");
		assertThat(result.statusLine()).startsWith("HTTP/1.1 426");
	}

	@Test
	void rawHandshakeWithoutKeyGets400() {
		this.client.withoutHeader("Sec-WebSocket-Key").handshake().expectStatus(400);
	}

	@Test
	void rawHandshakeWithAnotherMethodGets405() {
		this.client.header("Content-Length", "0").handshake("POST").expectStatus(405);
	}

	@Test
	void rawHandshakeFromAForeignOriginGets403() {
		this.client.header("Origin", "https://evil.example").handshake().expectStatus(403);
		this.client.header("Origin", "https://good.example").handshake().expectStatus(101);
	}

	@Test
	void rawHandshakeFailureShowsTheResponse() {
		HandshakeResult result = this.client.handshake();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> result.expectStatus(200))
			.withMessageContaining("HTTP/1.1 101")
			.withMessageContaining("sec-websocket-accept: ");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> result.expectHeader("Sec-WebSocket-Protocol", "chat"))
			.withMessageContaining("HTTP/1.1 101");
	}

	@Test
	void rawHandshakeWithoutHeaderThenWithItAgainSendsIt() {
		this.client.withoutHeader("Origin").header("Origin", "https://evil.example").handshake().expectStatus(403);
		this.client.header("Origin", "https://evil.example")
			.withoutHeader("origin")
			.handshake()
			.expectSwitchingProtocols();
	}

	@Test
	void recordsTheEventsOfAConnection() {
		long fd;
		try (WebSocketTestConnection connection = this.client.connect()) {
			fd = this.recorder.awaitOpen(TIMEOUT).getFd();
			connection.expectText("fd:" + fd).sendText("a").sendText("b");
			assertThat(this.recorder.awaitMessages(fd, 2, TIMEOUT)).extracting(Frame::getData)
				.containsExactly("a", "b");
		}
		WebSocketCloseEvent close = this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(close.getCode()).isEqualTo(1000);
		assertThat(close.getClosedBy()).isEqualTo(ClosedBy.CLIENT);
		assertThat(this.recorder.events(fd)).hasExactlyElementsOfTypes(WebSocketOpenEvent.class,
				WebSocketMessageEvent.class, WebSocketMessageEvent.class, WebSocketCloseEvent.class);
		assertThat(this.recorder.messages(fd)).hasSize(2);
		assertThat(this.recorder.events(WebSocketOpenEvent.class)).singleElement()
			.extracting(WebSocketOpenEvent::getFd)
			.isEqualTo(fd);
	}

	@Test
	void recordsServerClose() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			long fd = this.recorder.awaitOpen(TIMEOUT).getFd();
			connection.sendText("close:4003:later");
			WebSocketCloseEvent close = this.recorder.awaitClose(fd, TIMEOUT);
			assertThat(close.getCode()).isEqualTo(4003);
			assertThat(close.getReason()).isEqualTo("later");
			assertThat(close.getClosedBy()).isEqualTo(ClosedBy.SERVER);
		}
	}

	@Test
	void awaitsEventsMeetingACondition() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.sendText("one").sendText("two");
			WebSocketMessageEvent event = this.recorder.awaitEvent(WebSocketMessageEvent.class,
					(candidate) -> candidate.getFrame().getData().equals("two"), TIMEOUT);
			assertThat(event.getFd()).isEqualTo(this.recorder.awaitOpen(TIMEOUT).getFd());
		}
	}

	@Test
	void awaitFailsWithTheEventsRecorded() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			long fd = this.recorder.awaitOpen(TIMEOUT).getFd();
			connection.sendText("only");
			this.recorder.awaitMessages(fd, 1, TIMEOUT);
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> this.recorder.awaitClose(fd, Duration.ofMillis(200)))
				.withMessageContaining("No WebSocketCloseEvent of fd " + fd + " within 200ms")
				.withMessageContaining("open{fd=" + fd + ", path=/ws}")
				.withMessageContaining("message{fd=" + fd + ", TEXT \"only\"}");
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> this.recorder.awaitMessages(fd, 2, Duration.ofMillis(200)))
				.withMessageContaining("Expected 2 message event(s) of fd " + fd + " within 200ms but recorded 1");
		}
	}

	@Test
	void rawConnectionExchangesFramesAsOnTheWire() {
		try (RawWebSocketConnection connection = this.client.connectRaw()) {
			connection.handshakeResult().expectSwitchingProtocols();
			ReceivedFrame greeting = connection.readFrame();
			assertThat(greeting.fin()).isTrue();
			assertThat(greeting.rsv()).isZero();
			assertThat(greeting.opcode()).isEqualTo(RawWebSocketConnection.TEXT);
			assertThat(greeting.text()).matches("fd:\\d+");
			connection.sendText("hi").expectText("echo:hi");
			connection.sendBinary(new byte[] { 1, 2 });
			assertThat(connection.expectBinary()).containsExactly(1, 2);
			connection.sendFrame(false, RawWebSocketConnection.TEXT, "frag".getBytes(StandardCharsets.UTF_8))
				.sendFrame(true, RawWebSocketConnection.CONTINUATION, "ment".getBytes(StandardCharsets.UTF_8))
				.expectText("echo:fragment");
			connection.sendPing("p".getBytes(StandardCharsets.UTF_8));
			ReceivedFrame pong = connection.readFrame();
			assertThat(pong.opcode()).isEqualTo(RawWebSocketConnection.PONG);
			assertThat(pong.text()).isEqualTo("p");
			connection.sendClose(1000, "done");
			connection.expectClose(1000);
			assertThat(connection.awaitServerClose(TIMEOUT)).isTrue();
		}
	}

	@Test
	void rawConnectionSendsFramesACompliantClientWouldNot() {
		try (RawWebSocketConnection connection = this.client.connectRaw()) {
			connection.expectText();
			connection.sendFrame(0x80 | 0x20 | RawWebSocketConnection.TEXT, true, new byte[] { 'x' }).expectClose(1002);
		}
		try (RawWebSocketConnection connection = this.client.connectRaw()) {
			connection.sendFrame(0x80 | RawWebSocketConnection.TEXT, false, new byte[] { 'x' }).expectClose(1002);
		}
		try (RawWebSocketConnection connection = this.client.connectRaw()) {
			connection.sendClose(1005, "").expectClose(1002);
		}
		try (RawWebSocketConnection connection = this.client.connectRaw()) {
			connection.sendPing(new byte[126]).expectClose(1002);
		}
	}

	@Test
	void rawConnectionSeesTheServerCloseAHalfClosedSocket() {
		try (RawWebSocketConnection connection = this.client.connectRaw()) {
			assertThat(connection.awaitServerClose(Duration.ofMillis(200))).as("closed while open").isFalse();
			connection.shutdownOutput();
			assertThat(connection.awaitServerClose(TIMEOUT)).isTrue();
		}
	}

	@Test
	void rawConnectionFailsClearlyWhenNoFrameComes() {
		try (RawWebSocketConnection connection = this.client.timeout(Duration.ofMillis(300)).connectRaw()) {
			connection.expectText();
			long start = System.nanoTime();
			assertThatExceptionOfType(AssertionError.class).isThrownBy(connection::expectClose)
				.withMessageContaining("within 300ms")
				.withMessageContaining("expected a close frame");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		}
	}

	@Test
	void rawConnectionFailsWithTheFrameReceivedInstead() {
		try (RawWebSocketConnection connection = this.client.connectRaw()) {
			connection.expectText();
			connection.sendBinary(new byte[] { 1 });
			assertThatExceptionOfType(AssertionError.class).isThrownBy(connection::expectText)
				.withMessageContaining("opcode of frame{fin=true, rsv=0, opcode=2, length=1}");
		}
	}

	@Test
	void connectRawFailsWithTheResponseOfARefusedHandshake() {
		WebSocketTestClient foreign = this.client.header("Origin", "https://evil.example");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(foreign::connectRaw)
			.withMessageContaining("HTTP/1.1 403");
	}

	@Test
	void socketKeepsTheConnectionOfARefusedHandshake() {
		try (RawWebSocketConnection connection = this.client.header("Sec-WebSocket-Version", "8").openSocket()) {
			connection.handshake().expectStatus(426).expectHeader("Sec-WebSocket-Version", "13");
			assertThat(connection.handshakeResult().status()).isEqualTo(426);
			connection.handshake().expectStatus(426);
		}
	}

	@Test
	void socketSendsRequestsWrittenByHand() {
		try (RawWebSocketConnection connection = this.client.openSocket()) {
			connection.write("GET /ws HTTP/1.1\r\nHost: localhost\r\n");
			assertThat(connection.awaitServerClose(Duration.ofMillis(200))).isFalse();
			connection.write("Upgrade: websocket\r\nConnection: Upgrade\r\n")
				.write("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
			HandshakeResult result = connection.readResponse()
				.expectStatus(101)
				.expectHeader("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
			assertThat(result.body()).isEmpty();
			assertThat(connection.expectText()).startsWith("fd:");
		}
	}

	@Test
	void socketReadsTheBodyOfAResponse() {
		try (RawWebSocketConnection connection = this.client.path("/nothing-here").openSocket()) {
			connection.write("GET /nothing-here HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(connection.readResponse().status()).isEqualTo(404);
		}
	}

	@Test
	void writeToASocketTheServerClosedFails() {
		try (RawWebSocketConnection connection = this.client.connectRaw()) {
			connection.sendText("close:4000:bye").expectClose(4000);
			// Answered, the server drops the connection at once rather than after its
			// close timeout, which is as long as this test's
			connection.sendClose(4000, "");
			assertThat(connection.awaitServerClose(TIMEOUT)).isTrue();
			assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> {
				for (int i = 0; i < 100; i++) {
					connection.sendBinary(new byte[8192]);
				}
			});
		}
	}

	@Test
	void recordsTheThreadOfEachEvent() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			// Found by its message: an earlier test's connection may still be closing
			connection.sendText("thread of each event");
			this.recorder.awaitEvent(WebSocketMessageEvent.class,
					(event) -> "thread of each event".equals(event.getFrame().getData()), TIMEOUT);
		}
		List<ApplicationEvent> events = this.recorder.events();
		assertThat(events).isNotEmpty();
		assertThat(events).extracting(this.recorder::thread)
			.allSatisfy((thread) -> assertThat(thread.getName()).contains("-http-"));
		assertThat(this.recorder.overlaps()).isZero();
		assertThatIllegalArgumentException().isThrownBy(() -> this.recorder.thread(new ApplicationEvent(this) {
		})).withMessageContaining("'event' was not recorded");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ WsbootServerConfiguration.class, EchoListener.class })
	static class EchoApplication {

	}

	/**
	 * Greets every connection with {@code fd:<fd>}, echoes messages ({@code echo:} before
	 * text) and closes a connection that sends {@code close:<code>:<reason>}.
	 */
	static class EchoListener {

		private final WebSocketServer server;

		EchoListener(WebSocketServer server) {
			this.server = server;
		}

		@EventListener
		void onOpen(WebSocketOpenEvent event) {
			this.server.push(event.getFd(), "fd:" + event.getFd());
		}

		@EventListener
		void onMessage(WebSocketMessageEvent event) {
			Frame frame = event.getFrame();
			if (!frame.isText()) {
				this.server.push(frame.getFd(), frame.getBytes());
				return;
			}
			String text = frame.getData();
			if (text.startsWith("close:")) {
				String[] parts = text.split(":", 3);
				this.server.disconnect(frame.getFd(), Integer.parseInt(parts[1]), parts[2]);
				return;
			}
			this.server.push(frame.getFd(), "echo:" + text);
		}

	}

}
