package io.wsboot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.wsboot.EventRecorder.Kind;
import io.wsboot.EventRecorder.Recorded;
import io.wsboot.RawWebSocket.ServerFrame;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
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
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the frame rules of RFC 6455 §5 that the server enforces on client frames, and
 * for the close codes (§7.4.1) it fails a connection with. Frames are written by hand on
 * a raw socket.
 */
@DirtiesContext
@SpringBootTest(classes = FrameProtocolTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.main.web-application-type=reactive")
class FrameProtocolTests {

	private static final int FIN = 0x80;

	private static final int TEXT = 0x1;

	private static final int BINARY = 0x2;

	private static final int CONTINUATION = 0x0;

	private static final int CLOSE = 0x8;

	private static final int PING = 0x9;

	private static final int PONG = 0xA;

	@LocalServerPort
	private int port;

	@Autowired
	private EventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Test
	void closesWith1002WhenClientFrameIsNotMasked() throws Exception {
		assertFailedWith(1002, (socket) -> socket.sendFrame(FIN | TEXT, false, bytes("unmasked")));
	}

	@ParameterizedTest
	@ValueSource(ints = { 0x40, 0x20, 0x10 })
	void closesWith1002WhenReservedBitIsSetWithoutExtension(int rsv) throws Exception {
		assertFailedWith(1002, (socket) -> socket.sendFrame(FIN | rsv | TEXT, true, bytes("rsv")));
	}

	@ParameterizedTest
	@ValueSource(ints = { 0x3, 0x7 })
	void closesWith1002WhenDataFrameUsesReservedOpcode(int opcode) throws Exception {
		assertFailedWith(1002, (socket) -> socket.sendFrame(FIN | opcode, true, bytes("data")));
	}

	@ParameterizedTest
	@ValueSource(ints = { 0xB, 0xF })
	void closesWith1002WhenControlFrameUsesReservedOpcode(int opcode) throws Exception {
		assertFailedWith(1002, (socket) -> socket.sendFrame(FIN | opcode, true, bytes("control")));
	}

	@Test
	void closesWith1002WhenPingIsFragmented() throws Exception {
		assertFailedWith(1002, (socket) -> socket.sendFrame(PING, true, bytes("half a ping")));
	}

	@Test
	void closesWith1002WhenPingCarriesMoreThan125Bytes() throws Exception {
		assertFailedWith(1002, (socket) -> socket.sendFrame(FIN | PING, true, new byte[126]));
	}

	@Test
	void closesWith1002WhenCloseFrameCarriesMoreThan125Bytes() throws Exception {
		byte[] payload = new byte[126];
		payload[0] = 0x03;
		payload[1] = (byte) 0xE8;
		assertFailedWith(1002, (socket) -> socket.sendFrame(FIN | CLOSE, true, payload));
	}

	@Test
	void closesWith1002WhenContinuationHasNoStart() throws Exception {
		assertFailedWith(1002, (socket) -> socket.sendFrame(FIN | CONTINUATION, true, bytes("orphan")));
	}

	@Test
	void closesWith1002WhenNewMessageStartsInsideFragmentedMessage() throws Exception {
		assertFailedWith(1002, (socket) -> {
			socket.sendFrame(TEXT, true, bytes("first half"));
			socket.sendFrame(FIN | BINARY, true, new byte[] { 1 });
		});
	}

	@Test
	void closesWith1007WhenInvalidUtf8IsSplitAcrossFragments() throws Exception {
		// 0xC3 starts a two-byte sequence, 0x28 cannot continue it
		assertFailedWith(1007, (socket) -> {
			socket.sendFrame(TEXT, true, new byte[] { 'a', (byte) 0xC3 });
			socket.sendFrame(FIN | CONTINUATION, true, new byte[] { 0x28, 'b' });
		});
	}

	@Test
	void closesWith1007WhenFirstFragmentIsInvalidUtf8() throws Exception {
		assertFailedWith(1007, (socket) -> socket.sendFrame(TEXT, true, new byte[] { 'a', (byte) 0xFF }));
	}

	@Test
	void closesWith1007AtFirstFragmentThatCannotContinueAsUtf8() throws Exception {
		// 0xF4 0x90 would begin a character above U+10FFFF: no later fragment can mend it
		assertFailedWith(1007, (socket) -> {
			socket.sendFrame(TEXT, true, concat(bytes("κόσμε"), new byte[] { (byte) 0xF4 }));
			socket.sendFrame(CONTINUATION, true, new byte[] { (byte) 0x90 });
		});
	}

	@Test
	void closesWith1007WhenTextMessageEndsInsideCharacter() throws Exception {
		// the first two bytes of the three of the euro sign
		assertFailedWith(1007, (socket) -> {
			socket.sendFrame(TEXT, true, bytes("price: "));
			socket.sendFrame(FIN | CONTINUATION, true, new byte[] { (byte) 0xE2, (byte) 0x82 });
		});
	}

	@Test
	void deliversNothingOfMessageThatFailedUtf8Check() throws Exception {
		long fd = assertFailedWith(1007, (socket) -> {
			socket.sendText("valid");
			socket.sendFrame(TEXT, true, bytes("in"));
			socket.sendFrame(FIN | CONTINUATION, true, new byte[] { (byte) 0xC0, (byte) 0xAF });
			try {
				socket.sendText("after the failure");
			}
			catch (IOException ex) {
				// the server may have closed the TCP connection already
			}
		});
		assertThat(this.recorder.texts(fd)).containsExactly("valid");
	}

	@Test
	void answersPingWithPongCarryingSamePayload() throws Exception {
		byte[] payload = new byte[125];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) (i * 7);
		}
		try (RawWebSocket socket = RawWebSocket.open(this.port, "/")) {
			long fd = greetedFd(socket);
			socket.sendFrame(true, PING, payload);
			ServerFrame pong = socket.readFrame();
			assertThat(pong.opcode()).isEqualTo(PONG);
			assertThat(pong.fin()).isTrue();
			assertThat(pong.payload()).containsExactly(payload);
			socket.sendFrame(true, PING, new byte[0]);
			ServerFrame emptyPong = socket.readFrame();
			assertThat(emptyPong.opcode()).isEqualTo(PONG);
			assertThat(emptyPong.payload()).isEmpty();
			assertThat(this.server.isEstablished(fd)).isTrue();
			assertThat(this.recorder.frames(fd)).isEmpty();
		}
	}

	@Test
	void echoesCloseWithoutCodeAndEndsConnection() throws Exception {
		long fd;
		try (RawWebSocket socket = RawWebSocket.open(this.port, "/")) {
			fd = greetedFd(socket);
			socket.sendFrame(true, CLOSE, new byte[0]);
			ServerFrame close = socket.readFrame();
			assertThat(close.opcode()).isEqualTo(CLOSE);
			assertThat(close.payload()).isEmpty();
			assertThat(socket.awaitServerClose(RawWebSocket.TIMEOUT)).isTrue();
		}
		Recorded close = this.recorder.awaitClose(fd);
		assertThat(close.code()).as("no status code received").isEqualTo(1005);
		assertThat(close.closedBy()).isEqualTo(ClosedBy.CLIENT);
		assertThat(this.server.exists(fd)).isFalse();
	}

	@Test
	void keepsOtherConnectionsWhenOneIsFailed() throws Exception {
		try (RawWebSocket other = RawWebSocket.open(this.port, "/")) {
			long otherFd = greetedFd(other);
			assertFailedWith(1002, (socket) -> socket.sendFrame(FIN | 0x5, true, new byte[0]));
			other.sendText("still fine");
			assertThat(this.recorder.awaitMessages(otherFd, 1)).extracting(Frame::getData)
				.containsExactly("still fine");
			assertThat(this.server.push(otherFd, "pong")).isTrue();
			assertThat(other.readText()).isEqualTo("pong");
		}
	}

	/**
	 * Run an action that breaks the protocol and check that the server fails the
	 * connection: a close frame with the code, the end of the TCP connection and one
	 * close event with the code.
	 */
	private long assertFailedWith(int code, ClientAction action) throws Exception {
		long fd;
		try (RawWebSocket socket = RawWebSocket.open(this.port, "/")) {
			fd = greetedFd(socket);
			action.accept(socket);
			ServerFrame close = socket.readFrame();
			assertThat(close.opcode()).as("opcode of the server's answer").isEqualTo(CLOSE);
			assertThat(close.closeCode()).as("close code of %s", close.closeReason()).isEqualTo(code);
			try {
				socket.sendClose(code, "");
			}
			catch (IOException ex) {
				// a failed connection may be dropped without waiting for the answer
			}
			assertThat(socket.awaitServerClose(RawWebSocket.TIMEOUT)).as("TCP connection ended").isTrue();
		}
		Recorded event = this.recorder.awaitClose(fd);
		assertThat(event.code()).as("code of the close event").isEqualTo(code);
		assertThat(event.closedBy()).isEqualTo(ClosedBy.SERVER);
		assertThat(this.recorder.kinds(fd)).filteredOn((kind) -> kind == Kind.CLOSE).hasSize(1);
		assertThat(this.server.exists(fd)).isFalse();
		return fd;
	}

	private static long greetedFd(RawWebSocket socket) throws Exception {
		String greeting = socket.readText();
		assertThat(greeting).startsWith("fd:");
		return Long.parseLong(greeting.substring(3));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@FunctionalInterface
	interface ClientAction {

		void accept(RawWebSocket socket) throws Exception;

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ EventRecorder.class, EventRecorder.Greeter.class })
	static class TestApplication {

	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] all = new byte[first.length + second.length];
		System.arraycopy(first, 0, all, 0, first.length);
		System.arraycopy(second, 0, all, first.length, second.length);
		return all;
	}

}
