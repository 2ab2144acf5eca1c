package io.wsboot;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

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
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the frame rules of RFC 6455 §5 that the server enforces on client frames, and
 * for the close codes (§7.4.1) it fails a connection with. Frames are written by hand on
 * a raw socket.
 */
@DirtiesContext
@RecordWebSocketEvents
@SpringBootTest(classes = FrameProtocolTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.main.web-application-type=reactive")
class FrameProtocolTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

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
	private WebSocketEventRecorder recorder;

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
	void closesWith1007BeforeTextFrameIsCompleteWhenItsBytesAreNotUtf8() throws Exception {
		// One frame in three pieces, the second not UTF-8: the close frame must come
		// before the third piece is sent
		byte[] payload = new byte[3 * 1000];
		Arrays.fill(payload, (byte) 'a');
		payload[1500] = (byte) 0xC3;
		payload[1501] = 0x28;
		byte[] frame = maskedFrame(FIN | TEXT, payload);
		int header = frame.length - payload.length;
		long fd;
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			fd = Greeter.readFd(socket);
			socket.write(Arrays.copyOfRange(frame, 0, header + 1000));
			socket.write(Arrays.copyOfRange(frame, header + 1000, header + 2000));
			ReceivedFrame close = socket.readFrame();
			assertThat(close.opcode()).as("opcode of the server's answer").isEqualTo(CLOSE);
			assertThat(close.closeCode()).as("close code of %s", close.closeReason()).isEqualTo(1007);
			try {
				socket.write(Arrays.copyOfRange(frame, header + 2000, frame.length));
			}
			catch (UncheckedIOException ex) {
				// the server may have closed the TCP connection already
			}
			assertThat(socket.awaitServerClose(TIMEOUT)).as("TCP connection ended").isTrue();
		}
		WebSocketCloseEvent event = this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(event.getCode()).isEqualTo(1007);
		assertThat(event.getClosedBy()).isEqualTo(ClosedBy.SERVER);
		assertThat(this.recorder.messages(fd)).isEmpty();
	}

	@Test
	void closesWith1007BeforeContinuationIsCompleteWhenItBreaksCharacterOfPreviousFrame() throws Exception {
		byte[] euro = bytes("€");
		byte[] rest = new byte[1000];
		Arrays.fill(rest, (byte) 'b');
		rest[0] = euro[1];
		rest[1] = 0x28;
		byte[] continuation = maskedFrame(FIN | CONTINUATION, rest);
		int header = continuation.length - rest.length;
		long fd;
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			fd = Greeter.readFd(socket);
			socket.sendFrame(TEXT, true, new byte[] { 'a', euro[0] });
			socket.write(Arrays.copyOfRange(continuation, 0, header + 500));
			ReceivedFrame close = socket.readFrame();
			assertThat(close.closeCode()).as("close code of %s", close.closeReason()).isEqualTo(1007);
		}
		assertThat(this.recorder.awaitClose(fd, TIMEOUT).getCode()).isEqualTo(1007);
	}

	@Test
	void deliversTextFrameThatArrivesInPieces() throws Exception {
		String text = "price: 10€, mood: 😀; ".repeat(100);
		byte[] frame = maskedFrame(FIN | TEXT, bytes(text));
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			long fd = Greeter.readFd(socket);
			for (int from = 0; from < frame.length; from += 333) {
				socket.write(Arrays.copyOfRange(frame, from, Math.min(frame.length, from + 333)));
			}
			assertThat(this.recorder.awaitMessages(fd, 1, TIMEOUT)).extracting(Frame::getData).containsExactly(text);
			assertThat(this.server.isEstablished(fd)).isTrue();
		}
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
			catch (UncheckedIOException ex) {
				// the server may have closed the TCP connection already
			}
		});
		assertThat(this.recorder.messages(fd)).extracting(Frame::getData).containsExactly("valid");
	}

	@Test
	void answersPingWithPongCarryingSamePayload() throws Exception {
		byte[] payload = new byte[125];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) (i * 7);
		}
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			long fd = Greeter.readFd(socket);
			socket.sendFrame(true, PING, payload);
			ReceivedFrame pong = socket.readFrame();
			assertThat(pong.opcode()).isEqualTo(PONG);
			assertThat(pong.fin()).isTrue();
			assertThat(pong.payload()).containsExactly(payload);
			socket.sendFrame(true, PING, new byte[0]);
			ReceivedFrame emptyPong = socket.readFrame();
			assertThat(emptyPong.opcode()).isEqualTo(PONG);
			assertThat(emptyPong.payload()).isEmpty();
			assertThat(this.server.isEstablished(fd)).isTrue();
			assertThat(this.recorder.messages(fd)).isEmpty();
		}
	}

	@Test
	void echoesCloseWithoutCodeAndEndsConnection() throws Exception {
		long fd;
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			fd = Greeter.readFd(socket);
			socket.sendFrame(true, CLOSE, new byte[0]);
			ReceivedFrame close = socket.readFrame();
			assertThat(close.opcode()).isEqualTo(CLOSE);
			assertThat(close.payload()).isEmpty();
			assertThat(socket.awaitServerClose(TIMEOUT)).isTrue();
		}
		WebSocketCloseEvent close = this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(close.getCode()).as("no status code received").isEqualTo(1005);
		assertThat(close.getClosedBy()).isEqualTo(ClosedBy.CLIENT);
		assertThat(this.server.exists(fd)).isFalse();
	}

	@Test
	void keepsOtherConnectionsWhenOneIsFailed() throws Exception {
		try (RawWebSocketConnection other = WebSocketTestClient.forPort(this.port).connectRaw()) {
			long otherFd = Greeter.readFd(other);
			assertFailedWith(1002, (socket) -> socket.sendFrame(FIN | 0x5, true, new byte[0]));
			other.sendText("still fine");
			assertThat(this.recorder.awaitMessages(otherFd, 1, TIMEOUT)).extracting(Frame::getData)
				.containsExactly("still fine");
			assertThat(this.server.push(otherFd, "pong")).isTrue();
			assertThat(other.expectText()).isEqualTo("pong");
		}
	}

	private long assertFailedWith(int code, ClientAction action) throws Exception {
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

	/**
	 * A client frame masked as RFC 6455 §5.3 requires, to be sent in pieces.
	 */
	private static byte[] maskedFrame(int firstByte, byte[] payload) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(firstByte);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xFF);
		}
		byte[] mask = { 0x5A, (byte) 0xC3, 0x11, 0x7E };
		frame.writeBytes(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		return frame.toByteArray();
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] all = new byte[first.length + second.length];
		System.arraycopy(first, 0, all, 0, first.length);
		System.arraycopy(second, 0, all, first.length, second.length);
		return all;
	}

}
