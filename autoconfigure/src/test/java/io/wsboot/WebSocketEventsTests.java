package io.wsboot;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import io.wsboot.EventRecorder.Kind;
import io.wsboot.EventRecorder.Recorded;
import io.wsboot.JdkWebSocketClient.CloseStatus;
import io.wsboot.RawWebSocket.ServerFrame;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebSocketOpenEvent}, {@link WebSocketMessageEvent} and
 * {@link WebSocketCloseEvent}.
 */
@SpringBootTest(classes = WebSocketEventsTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.main.web-application-type=reactive")
class WebSocketEventsTests {

	@LocalServerPort
	private int port;

	@Autowired
	private EventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Test
	void publishesOpenMessagesAndCloseInOrder() throws Exception {
		long fd;
		try (JdkWebSocketClient client = connect()) {
			fd = client.fd();
			client.sendText("one");
			client.sendBinary(new byte[] { 1, 2, 3 });
			client.sendText("two");
			client.sendClose(4001, "done");
			assertThat(client.awaitClose().code()).isEqualTo(4001);
		}
		Recorded close = this.recorder.awaitClose(fd);
		assertThat(this.recorder.kinds(fd)).containsExactly(Kind.OPEN, Kind.MESSAGE, Kind.MESSAGE, Kind.MESSAGE,
				Kind.CLOSE);
		List<Frame> frames = this.recorder.frames(fd);
		assertThat(frames).allSatisfy((frame) -> {
			assertThat(frame.getFd()).isEqualTo(fd);
			assertThat(frame.isFinish()).isTrue();
		});
		assertThat(frames.get(0).getOpcode()).isEqualTo(Opcode.TEXT);
		assertThat(frames.get(0).getData()).isEqualTo("one");
		assertThat(frames.get(1).getOpcode()).isEqualTo(Opcode.BINARY);
		assertThat(frames.get(1).getBytes()).containsExactly(1, 2, 3);
		assertThat(frames.get(2).getData()).isEqualTo("two");
		assertThat(close.code()).isEqualTo(4001);
		assertThat(close.reason()).isEqualTo("done");
		assertThat(close.closedBy()).isEqualTo(ClosedBy.CLIENT);
	}

	@Test
	void publishesOpenEventWithHandshakeRequest() throws Exception {
		try (JdkWebSocketClient client = connect()) {
			client.sendText("sync");
			this.recorder.awaitMessages(client.fd(), 1);
			assertThat(this.recorder.opens()).filteredOn((event) -> event.fd() == client.fd()).hasSize(1);
		}
	}

	@Test
	void runsListenersOfConnectionInOrderOnItsEventLoop() throws Exception {
		long fd;
		try (JdkWebSocketClient client = connect()) {
			fd = client.fd();
			for (int i = 0; i < 50; i++) {
				client.sendText("m" + i);
			}
			this.recorder.awaitMessages(fd, 50);
			client.sendClose(1000, "");
			client.awaitClose();
		}
		this.recorder.awaitClose(fd);
		List<Recorded> events = this.recorder.events(fd);
		assertThat(events).extracting(Recorded::eventLoop).containsOnly(true);
		assertThat(events).extracting(Recorded::thread).containsOnly(events.get(0).thread());
		assertThat(this.recorder.texts(fd))
			.containsExactlyElementsOf(IntStream.range(0, 50).mapToObj((i) -> "m" + i).toList());
		assertThat(this.recorder.overlaps()).isZero();
	}

	@Test
	void deliversFragmentedTextMessageReassembledAsOneEvent() throws Exception {
		try (RawWebSocket socket = RawWebSocket.open(this.port, "/")) {
			long fd = greetedFd(socket);
			socket.sendFrame(false, 0x1, bytes("Hel"));
			socket.sendFrame(true, 0x9, bytes("between"));
			socket.sendFrame(false, 0x0, bytes("lo, "));
			socket.sendFrame(true, 0x0, bytes("world"));
			socket.sendText("next");
			ServerFrame pong = socket.readFrame();
			assertThat(pong.opcode()).isEqualTo(0xA);
			assertThat(pong.text()).isEqualTo("between");
			List<Frame> frames = this.recorder.awaitMessages(fd, 2);
			assertThat(frames).extracting(Frame::getData).containsExactly("Hello, world", "next");
			assertThat(frames.get(0).getOpcode()).isEqualTo(Opcode.TEXT);
			assertThat(frames.get(0).isFinish()).isTrue();
		}
	}

	@Test
	void reassemblesCharacterSplitAcrossFragments() throws Exception {
		try (RawWebSocket socket = RawWebSocket.open(this.port, "/")) {
			long fd = greetedFd(socket);
			byte[] text = "h\u00e9llo \u20ac".getBytes(StandardCharsets.UTF_8);
			socket.sendFrame(false, 0x1, Arrays.copyOfRange(text, 0, 2));
			socket.sendFrame(false, 0x0, Arrays.copyOfRange(text, 2, text.length - 1));
			socket.sendFrame(true, 0x0, Arrays.copyOfRange(text, text.length - 1, text.length));
			assertThat(this.recorder.awaitMessages(fd, 1)).extracting(Frame::getData)
				.containsExactly("h\u00e9llo \u20ac");
		}
	}

	@Test
	void deliversFragmentedBinaryMessageReassembledAsOneEvent() throws Exception {
		try (RawWebSocket socket = RawWebSocket.open(this.port, "/")) {
			long fd = greetedFd(socket);
			socket.sendFrame(false, 0x2, new byte[] { 1, 2 });
			socket.sendFrame(true, 0x0, new byte[] { 3 });
			List<Frame> frames = this.recorder.awaitMessages(fd, 1);
			assertThat(frames).hasSize(1);
			assertThat(frames.get(0).getOpcode()).isEqualTo(Opcode.BINARY);
			assertThat(frames.get(0).getBytes()).containsExactly(1, 2, 3);
		}
	}

	@Test
	void answersClientCloseAndPublishesItsCodeAndReason() throws Exception {
		long fd;
		try (RawWebSocket socket = RawWebSocket.open(this.port, "/")) {
			fd = greetedFd(socket);
			socket.sendClose(4003, "leaving");
			ServerFrame close = socket.readFrame();
			assertThat(close.opcode()).isEqualTo(0x8);
			assertThat(close.closeCode()).isEqualTo(4003);
			assertThat(socket.awaitServerClose(RawWebSocket.TIMEOUT)).isTrue();
		}
		Recorded close = this.recorder.awaitClose(fd);
		assertThat(close.code()).isEqualTo(4003);
		assertThat(close.reason()).isEqualTo("leaving");
		assertThat(close.closedBy()).isEqualTo(ClosedBy.CLIENT);
	}

	@Test
	void waitsForClientCloseAfterServerClose() throws Exception {
		long fd;
		try (RawWebSocket socket = RawWebSocket.open(this.port, "/")) {
			fd = greetedFd(socket);
			assertThat(this.server.disconnect(fd, 4005, "")).isTrue();
			assertThat(socket.readFrame().closeCode()).isEqualTo(4005);
			assertThat(socket.awaitServerClose(Duration.ofMillis(300))).as("TCP dropped before the client's close")
				.isFalse();
			socket.sendClose(4005, "");
			assertThat(socket.awaitServerClose(RawWebSocket.TIMEOUT)).isTrue();
		}
		Recorded close = this.recorder.awaitClose(fd);
		assertThat(close.code()).isEqualTo(4005);
		assertThat(close.closedBy()).isEqualTo(ClosedBy.SERVER);
	}

	@Test
	void dropsConnectionWhenClientDoesNotAnswerServerClose() throws Exception {
		long fd;
		try (RawWebSocket socket = RawWebSocket.open(this.port, "/")) {
			fd = greetedFd(socket);
			assertThat(this.server.disconnect(fd, 4004, "answer me")).isTrue();
			ServerFrame close = socket.readFrame();
			assertThat(close.opcode()).isEqualTo(0x8);
			assertThat(close.closeCode()).isEqualTo(4004);
			assertThat(close.closeReason()).isEqualTo("answer me");
			assertThat(socket.awaitServerClose(Duration.ofSeconds(8))).isTrue();
		}
		assertThat(this.recorder.awaitClose(fd).closedBy()).isEqualTo(ClosedBy.SERVER);
	}

	@Test
	void publishesCloseEventForServerDisconnect() throws Exception {
		long fd;
		try (JdkWebSocketClient client = connect()) {
			fd = client.fd();
			assertThat(this.server.disconnect(fd, 4002, "kicked")).isTrue();
			assertThat(client.awaitClose()).isEqualTo(new CloseStatus(4002, "kicked"));
		}
		Recorded close = this.recorder.awaitClose(fd);
		assertThat(close.code()).isEqualTo(4002);
		assertThat(close.closedBy()).isEqualTo(ClosedBy.SERVER);
		assertThat(this.recorder.kinds(fd)).containsExactly(Kind.OPEN, Kind.CLOSE);
	}

	@Test
	void publishesAbnormalCloseEventWhenTcpConnectionDrops() throws Exception {
		long fd;
		try (RawWebSocket socket = RawWebSocket.open(this.port, "/")) {
			fd = greetedFd(socket);
			socket.sendText("last words");
			this.recorder.awaitMessages(fd, 1);
		}
		Recorded close = this.recorder.awaitClose(fd);
		assertThat(close.code()).isEqualTo(WebSocketCloseEvent.ABNORMAL_CLOSURE);
		assertThat(close.closedBy()).isEqualTo(ClosedBy.CLIENT);
		assertThat(this.recorder.kinds(fd)).containsExactly(Kind.OPEN, Kind.MESSAGE, Kind.CLOSE);
	}

	@Test
	void keepsConnectionWhenListenerThrows() throws Exception {
		try (JdkWebSocketClient client = connect()) {
			client.sendText("boom");
			client.sendText("after");
			assertThat(this.recorder.awaitMessages(client.fd(), 2)).extracting(Frame::getData)
				.containsExactly("boom", "after");
			assertThat(this.server.isEstablished(client.fd())).isTrue();
			assertThat(this.server.push(client.fd(), "still here")).isTrue();
			assertThat(client.nextText()).isEqualTo("still here");
		}
	}

	private JdkWebSocketClient connect() throws Exception {
		return JdkWebSocketClient.connectGreeted(URI.create("ws://localhost:" + this.port + "/"));
	}

	private static long greetedFd(RawWebSocket socket) throws Exception {
		String greeting = socket.readText();
		assertThat(greeting).startsWith("fd:");
		return Long.parseLong(greeting.substring(3));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ EventRecorder.class, EventRecorder.Greeter.class, ThrowingListener.class })
	static class TestApplication {

	}

	static class ThrowingListener {

		@EventListener
		void onMessage(WebSocketMessageEvent event) {
			if ("boom".equals(event.getFrame().getData())) {
				throw new IllegalStateException("Listener failed on purpose");
			}
		}

	}

}
