package io.wsboot.connection;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * Encodes the frames a server sends (RFC 6455 §5.2, never masked) straight into one
 * pooled buffer: header and payload together, written below Netty's frame encoder. A push
 * then costs one buffer and one copy of its payload, and a broadcast encodes its frame
 * once for every connection. Used only where no extension (permessage-deflate) has to
 * transform the frames.
 * <p>
 * Text is written as UTF-8 by Netty, but a string with a lone surrogate (half of a
 * character cut in two) is written as the JDK writes it, a {@code ?} in its place: Netty
 * writes the character after a lone high surrogate as one raw byte, which is not UTF-8,
 * and a client then fails the connection (1007).
 */
public final class OutboundFrames {

	static final int TEXT = 0x1;

	static final int BINARY = 0x2;

	private static final int FIN = 0x80;

	private OutboundFrames() {
	}

	/**
	 * Encode a final text frame.
	 * @param allocator where the buffer comes from
	 * @param text the text, written as UTF-8
	 * @return the frame, header and payload
	 */
	public static ByteBuf text(ByteBufAllocator allocator, CharSequence text) {
		int length = utf8Length(text);
		if (length < 0) {
			return frame(allocator, TEXT, text.toString().getBytes(StandardCharsets.UTF_8));
		}
		ByteBuf frame = allocator.directBuffer(headerLength(length) + length);
		writeHeader(frame, TEXT, length);
		ByteBufUtil.reserveAndWriteUtf8(frame, text, length);
		return frame;
	}

	/**
	 * Encode a final binary frame.
	 * @param allocator where the buffer comes from
	 * @param data the payload
	 * @return the frame, header and payload
	 */
	public static ByteBuf binary(ByteBufAllocator allocator, byte[] data) {
		return frame(allocator, BINARY, data);
	}

	/**
	 * Write text as UTF-8, the payload alone, for Netty's frame encoder.
	 * @param allocator where the buffer comes from
	 * @param text the text
	 * @return the payload
	 */
	static ByteBuf utf8(ByteBufAllocator allocator, CharSequence text) {
		if (utf8Length(text) < 0) {
			return Unpooled.wrappedBuffer(text.toString().getBytes(StandardCharsets.UTF_8));
		}
		return ByteBufUtil.writeUtf8(allocator, text);
	}

	/**
	 * Return the payload length of a frame encoded here, read from its header.
	 * @param frame the frame
	 * @return its payload's length
	 */
	public static int payloadLength(ByteBuf frame) {
		int index = frame.readerIndex();
		int length = frame.getByte(index + 1) & 0x7F;
		if (length == 126) {
			return frame.getUnsignedShort(index + 2);
		}
		return (length == 127) ? (int) frame.getLong(index + 2) : length;
	}

	private static ByteBuf frame(ByteBufAllocator allocator, int opcode, byte[] data) {
		ByteBuf frame = allocator.directBuffer(headerLength(data.length) + data.length);
		writeHeader(frame, opcode, data.length);
		frame.writeBytes(data);
		return frame;
	}

	/**
	 * The length of text in UTF-8, or -1 when it has a lone surrogate.
	 */
	static int utf8Length(CharSequence text) {
		int length = 0;
		int count = text.length();
		for (int i = 0; i < count; i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				length++;
			}
			else if (c < 0x800) {
				length += 2;
			}
			else if (!Character.isSurrogate(c)) {
				length += 3;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < count && Character.isLowSurrogate(text.charAt(i + 1))) {
				length += 4;
				i++;
			}
			else {
				return -1;
			}
		}
		return length;
	}

	static int headerLength(int payloadLength) {
		if (payloadLength <= 125) {
			return 2;
		}
		return (payloadLength <= 0xFFFF) ? 4 : 10;
	}

	private static void writeHeader(ByteBuf frame, int opcode, int length) {
		frame.writeByte(FIN | opcode);
		if (length <= 125) {
			frame.writeByte(length);
		}
		else if (length <= 0xFFFF) {
			frame.writeByte(126);
			frame.writeShort(length);
		}
		else {
			frame.writeByte(127);
			frame.writeLong(length);
		}
	}

}
