package io.wsboot.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encodes and decodes the WebSocket frames of a {@link RawWebSocketConnection} as they
 * are on the wire (RFC 6455 §5.2): a frame written is encoded as given, with any first
 * byte, masked or not and of any length; a frame read is checked to be unmasked (§5.1)
 * and taken as it is, reserved bits included.
 */
final class FrameCodec {

	private FrameCodec() {
	}

	/**
	 * Encode one frame, masked with a fresh random key when asked (RFC 6455 §5.3).
	 * @param firstByte the first byte of the frame: FIN, RSV1-3 and the opcode
	 * @param masked whether to mask the payload
	 * @param payload the payload, of any length
	 * @return the frame's bytes
	 */
	static byte[] encode(int firstByte, boolean masked, byte[] payload) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write(firstByte);
		int maskBit = masked ? 0x80 : 0;
		if (payload.length < 126) {
			frame.write(maskBit | payload.length);
		}
		else if (payload.length <= 0xFFFF) {
			frame.write(maskBit | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xFF);
		}
		else {
			frame.write(maskBit | 127);
			frame.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
		}
		if (!masked) {
			frame.writeBytes(payload);
		}
		else {
			byte[] mask = new byte[4];
			ThreadLocalRandom.current().nextBytes(mask);
			frame.writeBytes(mask);
			for (int i = 0; i < payload.length; i++) {
				frame.write(payload[i] ^ mask[i % 4]);
			}
		}
		return frame.toByteArray();
	}

	/**
	 * Read the next frame from the input, within the deadline the caller started.
	 * @param input the socket
	 * @param uri the URI the socket was opened to, for the messages of errors
	 * @return the frame
	 * @throws AssertionError when the frame is masked
	 * @throws IOException when the frame does not arrive whole in time, or the connection
	 * ends first
	 */
	static ReceivedFrame decode(RawSocket input, URI uri) throws IOException {
		int b0 = input.readByte();
		int b1 = input.readByte();
		assertThat(b1 & 0x80).as("mask bit of a frame from %s", uri).isZero();
		long length = b1 & 0x7F;
		if (length == 126) {
			length = ByteBuffer.wrap(input.readFully(2)).getShort() & 0xFFFF;
		}
		else if (length == 127) {
			length = ByteBuffer.wrap(input.readFully(8)).getLong();
		}
		return new ReceivedFrame((b0 & 0x80) != 0, (b0 >> 4) & 0x07, b0 & 0x0F,
				input.readFully(Math.toIntExact(length)));
	}

}
