package io.wsboot;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import io.netty.util.concurrent.FastThreadLocalThread;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import io.wsboot.test.WebSocketTestConnection.CloseStatus;
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

/**
 * Tests for {@link WebSocketOpenEvent}, {@link WebSocketMessageEvent} and
 * {@link WebSocketCloseEvent}.
 */
@RecordWebSocketEvents
@SpringBootTest(classes = WebSocketEventsTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.main.web-application-type=reactive")
class WebSocketEventsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Test
	void publishesOpenMessagesAndCloseInOrder() throws Exception {
		long fd;
		try (WebSocketTestConnection client = connect()) {
			fd = Greeter.fd(client);
			client.sendText("one");
			client.sendBinary(new byte[] { 1, 2, 3 });
			client.sendText("two");
			client.close(4001, "done");
			assertThat(client.expectClose().code()).isEqualTo(4001);
		}
		WebSocketCloseEvent close = this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(this.recorder.events(fd)).hasExactlyElementsOfTypes(WebSocketOpenEvent.class,
				WebSocketMessageEvent.class, WebSocketMessageEvent.class, WebSocketMessageEvent.class,
				WebSocketCloseEvent.class);
		List<Frame> frames = this.recorder.messages(fd);
		assertThat(frames).allSatisfy((frame) -> {
			assertThat(frame.getFd()).isEqualTo(fd);
			assertThat(frame.isFinish()).isTrue();
		});
		assertThat(frames.get(0).getOpcode()).isEqualTo(Opcode.TEXT);
		assertThat(frames.get(0).getData()).isEqualTo("one");
		assertThat(frames.get(1).getOpcode()).isEqualTo(Opcode.BINARY);
		assertThat(frames.get(1).getBytes()).containsExactly(1, 2, 3);
		assertThat(frames.get(2).getData()).isEqualTo("two");
		assertThat(close.getCode()).isEqualTo(4001);
		assertThat(close.getReason()).isEqualTo("done");
		assertThat(close.getClosedBy()).isEqualTo(ClosedBy.CLIENT);
	}

	@Test
	void publishesOpenEventWithHandshakeRequest() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendText("sync");
			this.recorder.awaitMessages(Greeter.fd(client), 1, TIMEOUT);
			assertThat(this.recorder.events(WebSocketOpenEvent.class))
				.filteredOn((event) -> event.getFd() == Greeter.fd(client))
				.hasSize(1);
		}
	}

	@Test
	void runsListenersOfConnectionInOrderOnItsEventLoop() throws Exception {
		long fd;
		try (WebSocketTestConnection client = connect()) {
			fd = Greeter.fd(client);
			for (int i = 0; i < 50; i++) {
				client.sendText("m" + i);
			}
			this.recorder.awaitMessages(fd, 50, TIMEOUT);
			client.close(1000, "");
			client.expectClose();
		}
		this.recorder.awaitClose(fd, TIMEOUT);
		List<ApplicationEvent> events = this.recorder.events(fd);
		assertThat(events).extracting(this.recorder::thread)
			.allSatisfy((thread) -> assertThat(thread).isInstanceOf(FastThreadLocalThread.class))
			.containsOnly(this.recorder.thread(events.get(0)));
		assertThat(this.recorder.messages(fd)).extracting(Frame::getData)
			.containsExactlyElementsOf(IntStream.range(0, 50).mapToObj((i) -> "m" + i).toList());
		assertThat(this.recorder.overlaps()).isZero();
	}

	@Test
	void deliversFragmentedTextMessageReassembledAsOneEvent() throws Exception {
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			long fd = greetedFd(socket);
			socket.sendFrame(false, 0x1, bytes("Hel"));
			socket.sendFrame(true, 0x9, bytes("between"));
			socket.sendFrame(false, 0x0, bytes("lo, "));
			socket.sendFrame(true, 0x0, bytes("world"));
			socket.sendText("next");
			ReceivedFrame pong = socket.readFrame();
			assertThat(pong.opcode()).isEqualTo(0xA);
			assertThat(pong.text()).isEqualTo("between");
			List<Frame> frames = this.recorder.awaitMessages(fd, 2, TIMEOUT);
			assertThat(frames).extracting(Frame::getData).containsExactly("Hello, world", "next");
			assertThat(frames.get(0).getOpcode()).isEqualTo(Opcode.TEXT);
			assertThat(frames.get(0).isFinish()).isTrue();
		}
	}

	@Test
	void reassemblesCharacterSplitAcrossFragments() throws Exception {
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			long fd = greetedFd(socket);
			byte[] text = "h\u00e9llo \u20ac".getBytes(StandardCharsets.UTF_8);
			socket.sendFrame(false, 0x1, Arrays.copyOfRange(text, 0, 2));
			socket.sendFrame(false, 0x0, Arrays.copyOfRange(text, 2, text.length - 1));
			socket.sendFrame(true, 0x0, Arrays.copyOfRange(text, text.length - 1, text.length));
			assertThat(this.recorder.awaitMessages(fd, 1, TIMEOUT)).extracting(Frame::getData)
				.containsExactly("h\u00e9llo \u20ac");
		}
	}

	@Test
	void deliversFragmentedBinaryMessageReassembledAsOneEvent() throws Exception {
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			long fd = greetedFd(socket);
			socket.sendFrame(false, 0x2, new byte[] { 1, 2 });
			socket.sendFrame(true, 0x0, new byte[] { 3 });
			List<Frame> frames = this.recorder.awaitMessages(fd, 1, TIMEOUT);
			assertThat(frames).hasSize(1);
			assertThat(frames.get(0).getOpcode()).isEqualTo(Opcode.BINARY);
			assertThat(frames.get(0).getBytes()).containsExactly(1, 2, 3);
		}
	}

	@Test
	void answersClientCloseAndPublishesItsCodeAndReason() throws Exception {
		long fd;
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			fd = greetedFd(socket);
			socket.sendClose(4003, "leaving");
			ReceivedFrame close = socket.readFrame();
			assertThat(close.opcode()).isEqualTo(0x8);
			assertThat(close.closeCode()).isEqualTo(4003);
			assertThat(socket.awaitServerClose(TIMEOUT)).isTrue();
		}
		WebSocketCloseEvent close = this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(close.getCode()).isEqualTo(4003);
		assertThat(close.getReason()).isEqualTo("leaving");
		assertThat(close.getClosedBy()).isEqualTo(ClosedBy.CLIENT);
	}

	@Test
	void waitsForClientCloseAfterServerClose() throws Exception {
		long fd;
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			fd = greetedFd(socket);
			assertThat(this.server.disconnect(fd, 4005, "")).isTrue();
			assertThat(socket.readFrame().closeCode()).isEqualTo(4005);
			assertThat(socket.awaitServerClose(Duration.ofMillis(300))).as("TCP dropped before the client's close")
				.isFalse();
			socket.sendClose(4005, "");
			assertThat(socket.awaitServerClose(TIMEOUT)).isTrue();
		}
		WebSocketCloseEvent close = this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(close.getCode()).isEqualTo(4005);
		assertThat(close.getClosedBy()).isEqualTo(ClosedBy.SERVER);
	}

	@Test
	void dropsConnectionWhenClientDoesNotAnswerServerClose() throws Exception {
		long fd;
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			fd = greetedFd(socket);
			assertThat(this.server.disconnect(fd, 4004, "answer me")).isTrue();
			ReceivedFrame close = socket.readFrame();
			assertThat(close.opcode()).isEqualTo(0x8);
			assertThat(close.closeCode()).isEqualTo(4004);
			assertThat(close.closeReason()).isEqualTo("answer me");
			assertThat(socket.awaitServerClose(Duration.ofSeconds(8))).isTrue();
		}
		assertThat(this.recorder.awaitClose(fd, TIMEOUT).getClosedBy()).isEqualTo(ClosedBy.SERVER);
	}

	@Test
	void publishesCloseEventForServerDisconnect() throws Exception {
		long fd;
		try (WebSocketTestConnection client = connect()) {
			fd = Greeter.fd(client);
			assertThat(this.server.disconnect(fd, 4002, "kicked")).isTrue();
			assertThat(client.expectClose()).isEqualTo(new CloseStatus(4002, "kicked"));
		}
		WebSocketCloseEvent close = this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(close.getCode()).isEqualTo(4002);
		assertThat(close.getClosedBy()).isEqualTo(ClosedBy.SERVER);
		assertThat(this.recorder.events(fd)).hasExactlyElementsOfTypes(WebSocketOpenEvent.class,
				WebSocketCloseEvent.class);
	}

	@Test
	void publishesAbnormalCloseEventWhenTcpConnectionDrops() throws Exception {
		long fd;
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			fd = greetedFd(socket);
			socket.sendText("last words");
			this.recorder.awaitMessages(fd, 1, TIMEOUT);
		}
		WebSocketCloseEvent close = this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(close.getCode()).isEqualTo(WebSocketCloseEvent.ABNORMAL_CLOSURE);
		assertThat(close.getClosedBy()).isEqualTo(ClosedBy.CLIENT);
		assertThat(this.recorder.events(fd)).hasExactlyElementsOfTypes(WebSocketOpenEvent.class,
				WebSocketMessageEvent.class, WebSocketCloseEvent.class);
	}

	@Test
	void keepsConnectionWhenListenerThrows() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendText("boom");
			client.sendText("after");
			assertThat(this.recorder.awaitMessages(Greeter.fd(client), 2, TIMEOUT)).extracting(Frame::getData)
				.containsExactly("boom", "after");
			assertThat(this.server.isEstablished(Greeter.fd(client))).isTrue();
			assertThat(this.server.push(Greeter.fd(client), "still here")).isTrue();
			assertThat(client.expectText()).isEqualTo("still here");
		}
	}

	private WebSocketTestConnection connect() {
		return Greeter.connect(WebSocketTestClient.forPort(this.port));
	}

	private static long greetedFd(RawWebSocketConnection socket) {
		String greeting = socket.expectText();
		assertThat(greeting).startsWith("fd:");
		return Long.parseLong(greeting.substring(3));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Greeter.class, ThrowingListener.class })
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
