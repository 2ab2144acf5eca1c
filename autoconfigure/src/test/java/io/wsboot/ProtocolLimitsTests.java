package io.wsboot;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.wsboot.ProtocolFailures.ClientAction;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the frame and message limits and the close codes of protocol errors (RFC 6455
 * §5.5.1, §7.4), and for delivering control frames as {@link WebSocketMessageEvent}s.
 */
@RecordWebSocketEvents
@SpringBootTest(classes = ProtocolLimitsTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.max-frame-size=1KB",
				"wsboot.max-message-size=4KB", "wsboot.deliver-ping-frames=true", "wsboot.deliver-pong-frames=true",
				"wsboot.deliver-close-frames=true" })
class ProtocolLimitsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Test
	void acceptsFrameOfMaxFrameSize() throws Exception {
		try (RawWebSocketConnection socket = open()) {
			long fd = Greeter.readFd(socket);
			socket.sendFrame(true, 0x2, new byte[1024]);
			assertThat(this.recorder.awaitMessages(fd, 1, TIMEOUT).get(0).getBytes()).hasSize(1024);
		}
	}

	@Test
	void closesWith1009WhenFrameExceedsMaxFrameSize() throws Exception {
		assertFailedWith(1009, (socket) -> socket.sendFrame(true, 0x2, new byte[1025]));
	}

	@Test
	void acceptsMessageOfMaxMessageSize() throws Exception {
		try (RawWebSocketConnection socket = open()) {
			long fd = Greeter.readFd(socket);
			for (int i = 0; i < 4; i++) {
				socket.sendFrame(i == 3, (i == 0) ? 0x2 : 0x0, new byte[1024]);
			}
			assertThat(this.recorder.awaitMessages(fd, 1, TIMEOUT).get(0).getBytes()).hasSize(4096);
		}
	}

	@Test
	void closesWith1009WhenMessageExceedsMaxMessageSize() throws Exception {
		assertFailedWith(1009, (socket) -> {
			for (int i = 0; i < 5; i++) {
				socket.sendFrame(i == 4, (i == 0) ? 0x2 : 0x0, new byte[1000]);
			}
		});
	}

	@Test
	void closesWith1002WhenCloseFrameHasOneBytePayload() throws Exception {
		assertFailedWith(1002, (socket) -> socket.sendFrame(true, 0x8, new byte[] { 3 }));
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535 })
	void closesWith1002WhenCloseCodeMayNotAppearOnWire(int code) throws Exception {
		assertFailedWith(1002, (socket) -> socket.sendClose(code, ""));
	}

	@Test
	void closesWith1007WhenCloseReasonIsNotUtf8() throws Exception {
		byte[] payload = ByteBuffer.allocate(4).putShort((short) 4000).put((byte) 0xC3).put((byte) 0x28).array();
		assertFailedWith(1007, (socket) -> socket.sendFrame(true, 0x8, payload));
	}

	@Test
	void closesWith1007WhenTextIsNotUtf8() throws Exception {
		assertFailedWith(1007, (socket) -> socket.sendFrame(true, 0x1, new byte[] { 'a', (byte) 0xC3, 0x28 }));
	}

	@Test
	void deliversPingPongAndCloseFramesWhenConfigured() throws Exception {
		long fd;
		try (RawWebSocketConnection socket = open()) {
			fd = Greeter.readFd(socket);
			socket.sendFrame(true, 0x9, bytes("ping!"));
			ReceivedFrame pong = socket.readFrame();
			assertThat(pong.opcode()).isEqualTo(0xA);
			assertThat(pong.text()).isEqualTo("ping!");
			socket.sendFrame(true, 0xA, bytes("pong!"));
			socket.sendClose(4000, "done");
			ReceivedFrame close = socket.readFrame();
			assertThat(close.opcode()).isEqualTo(0x8);
			assertThat(close.closeCode()).isEqualTo(4000);
		}
		WebSocketCloseEvent close = this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(close.getClosedBy()).isEqualTo(ClosedBy.CLIENT);
		assertThat(this.recorder.events(fd)).hasExactlyElementsOfTypes(WebSocketOpenEvent.class,
				WebSocketMessageEvent.class, WebSocketMessageEvent.class, WebSocketMessageEvent.class,
				WebSocketCloseEvent.class);
		List<Frame> frames = this.recorder.messages(fd);
		assertThat(frames).extracting(Frame::getOpcode).containsExactly(Opcode.PING, Opcode.PONG, Opcode.CLOSE);
		assertThat(frames.get(0).getData()).isEqualTo("ping!");
		assertThat(frames.get(1).getData()).isEqualTo("pong!");
		byte[] closePayload = frames.get(2).getBytes();
		assertThat(ByteBuffer.wrap(closePayload).getShort() & 0xFFFF).isEqualTo(4000);
		assertThat(new String(Arrays.copyOfRange(closePayload, 2, closePayload.length), StandardCharsets.UTF_8))
			.isEqualTo("done");
	}

	private RawWebSocketConnection open() {
		return WebSocketTestClient.forPort(this.port).connectRaw();
	}

	private long assertFailedWith(int code, ClientAction action) {
		return ProtocolFailures.assertFailedWith(WebSocketTestClient.forPort(this.port), this.recorder, this.server,
				code, action);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
