package io.wsboot.test;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link FrameCodec}.
 */
class FrameCodecTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 125, 126, 0xFFFF, 0x10000 })
	void decodesWhatItEncodesInEachLengthForm(int length) throws IOException {
		byte[] payload = payload(length);
		byte[] encoded = FrameCodec.encode(0x80 | 0x40 | RawWebSocketConnection.BINARY, false, payload);
		int header = (length < 126) ? 2 : ((length <= 0xFFFF) ? 4 : 10);
		assertThat(encoded).hasSize(header + length);
		try (SocketPair pair = SocketPair.open(TIMEOUT)) {
			pair.serverWrites(encoded);
			pair.client().startRead();
			ReceivedFrame frame = FrameCodec.decode(pair.client(), pair.uri());
			assertThat(frame.fin()).isTrue();
			assertThat(frame.rsv()).isEqualTo(4);
			assertThat(frame.opcode()).isEqualTo(RawWebSocketConnection.BINARY);
			assertThat(frame.payload()).isEqualTo(payload);
		}
	}

	@Test
	void encodesTheLengthInTheShortestForm() {
		assertThat(Arrays.copyOf(FrameCodec.encode(0x81, false, payload(125)), 2)).containsExactly(0x81, 125);
		assertThat(Arrays.copyOf(FrameCodec.encode(0x81, false, payload(126)), 4)).containsExactly(0x81, 126, 0, 126);
		assertThat(Arrays.copyOfRange(FrameCodec.encode(0x81, false, payload(0x10000)), 1, 10)).containsExactly(127, 0,
				0, 0, 0, 0, 1, 0, 0);
	}

	@Test
	void masksThePayloadWithTheKeyAfterTheLength() {
		byte[] payload = payload(300);
		byte[] encoded = FrameCodec.encode(0x82, true, payload);
		assertThat(encoded).hasSize(4 + 4 + payload.length);
		assertThat(encoded[1] & 0xFF).isEqualTo(0x80 | 126);
		assertThat(ByteBuffer.wrap(encoded, 2, 2).getShort()).isEqualTo((short) 300);
		byte[] mask = Arrays.copyOfRange(encoded, 4, 8);
		byte[] unmasked = new byte[payload.length];
		for (int i = 0; i < payload.length; i++) {
			unmasked[i] = (byte) (encoded[8 + i] ^ mask[i % 4]);
		}
		assertThat(unmasked).isEqualTo(payload);
	}

	@Test
	void decodeRejectsAMaskedFrame() throws IOException {
		try (SocketPair pair = SocketPair.open(TIMEOUT)) {
			pair.serverWrites(FrameCodec.encode(0x81, true, payload(3)));
			pair.client().startRead();
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> FrameCodec.decode(pair.client(), pair.uri()))
				.withMessageContaining("mask bit of a frame from " + pair.uri());
		}
	}

	@Test
	void decodeOfAFrameCutShortByTheEndOfTheStreamFails() throws IOException {
		try (SocketPair pair = SocketPair.open(TIMEOUT)) {
			byte[] encoded = FrameCodec.encode(0x82, false, payload(10));
			pair.serverWrites(Arrays.copyOf(encoded, 7)).serverCloses();
			pair.client().startRead();
			assertThatExceptionOfType(EOFException.class).isThrownBy(() -> FrameCodec.decode(pair.client(), pair.uri()))
				.withMessage("Connection closed by the server after 5 of 10 bytes");
		}
	}

	@Test
	void decodeOfAFrameThatTricklesInPastTheDeadlineTimesOut() throws IOException {
		try (SocketPair pair = SocketPair.open(Duration.ofMillis(200))) {
			pair.serverWrites(new byte[] { (byte) 0x81 });
			pair.client().startRead();
			long start = System.nanoTime();
			assertThatExceptionOfType(SocketTimeoutException.class)
				.isThrownBy(() -> FrameCodec.decode(pair.client(), pair.uri()));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
		}
	}

	private static byte[] payload(int length) {
		byte[] payload = new byte[length];
		for (int i = 0; i < length; i++) {
			payload[i] = (byte) i;
		}
		return payload;
	}

}
