package io.wsboot.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * Client frames encoded once: masked (RFC 6455 §5.3) with a fixed key, which the servers
 * unmask like any other, so sending costs no work per message.
 *
 * @since 0.1.0
 */
public final class Frames {

	private static final byte[] MASK = { 0x37, (byte) 0xFA, 0x21, 0x3D };

	private Frames() {
	}

	/**
	 * Encode {@code count} copies of one message, back to back, in a direct buffer that
	 * {@link ByteBuf#release()} leaves alone: write slices of it.
	 * @param text whether they are text frames (else binary)
	 * @param size the payload size
	 * @param count how many copies
	 * @return the frames
	 */
	public static ByteBuf messages(boolean text, int size, int count) {
		byte[] payload = new byte[size];
		Arrays.fill(payload, (byte) 'x');
		return encode(text ? WsConnection.OPCODE_TEXT : WsConnection.OPCODE_BINARY, payload, count);
	}

	/**
	 * Encode one text frame.
	 * @param text the text
	 * @return the frame
	 */
	public static ByteBuf text(String text) {
		return encode(WsConnection.OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8), 1);
	}

	/**
	 * Encode one text frame of ASCII text into a buffer of an allocator, for messages
	 * that differ each time (a timestamp, a sequence number); the write releases it.
	 * @param allocator the allocator, the channel's
	 * @param text the text, ASCII only
	 * @return the frame
	 */
	public static ByteBuf text(ByteBufAllocator allocator, CharSequence text) {
		int size = text.length();
		ByteBuf frame = allocator.buffer(frameSize(size));
		writeHeader(frame, WsConnection.OPCODE_TEXT, size);
		for (int i = 0; i < size; i++) {
			frame.writeByte(text.charAt(i) ^ MASK[i & 3]);
		}
		return frame;
	}

	/**
	 * Return the size of one encoded frame.
	 * @param size the payload size
	 * @return the frame size
	 */
	public static int frameSize(int size) {
		return 2 + ((size < 126) ? 0 : (size < 65536) ? 2 : 8) + 4 + size;
	}

	private static ByteBuf encode(int opcode, byte[] payload, int count) {
		int size = payload.length;
		ByteBuf frames = Unpooled.directBuffer(frameSize(size) * count);
		for (int n = 0; n < count; n++) {
			writeHeader(frames, opcode, size);
			for (int i = 0; i < size; i++) {
				frames.writeByte(payload[i] ^ MASK[i & 3]);
			}
		}
		return Unpooled.unreleasableBuffer(frames);
	}

	/**
	 * Write the header of a final, masked frame: FIN and opcode, the payload length and
	 * the masking key (RFC 6455 §5.2).
	 */
	private static void writeHeader(ByteBuf frame, int opcode, int size) {
		frame.writeByte(0x80 | opcode);
		if (size < 126) {
			frame.writeByte(0x80 | size);
		}
		else if (size < 65536) {
			frame.writeByte(0x80 | 126);
			frame.writeShort(size);
		}
		else {
			frame.writeByte(0x80 | 127);
			frame.writeLong(size);
		}
		frame.writeBytes(MASK);
	}

}
