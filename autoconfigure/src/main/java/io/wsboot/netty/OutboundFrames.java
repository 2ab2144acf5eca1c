package io.wsboot.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * Encodes the frames a server sends (RFC 6455 §5.2, never masked) straight into one
 * pooled buffer: header and payload together, written below Netty's frame encoder. A push
 * then costs one buffer and one copy of its payload, and a broadcast encodes its frame
 * once for every connection. Used only where no extension (permessage-deflate) has to
 * transform the frames.
 */
final class OutboundFrames {

	static final int TEXT = 0x1;

	static final int BINARY = 0x2;

	private static final int FIN = 0x80;

	private OutboundFrames() {
	}

	/**
	 * Encode a final text frame.
	 * @param allocator where the buffer comes from
	 * @param text the text, written as UTF-8
	 * @param length the length of the text in UTF-8,
	 * {@link ByteBufUtil#utf8Bytes(CharSequence)}
	 * @return the frame, header and payload
	 */
	static ByteBuf text(ByteBufAllocator allocator, CharSequence text, int length) {
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
	static ByteBuf binary(ByteBufAllocator allocator, byte[] data) {
		ByteBuf frame = allocator.directBuffer(headerLength(data.length) + data.length);
		writeHeader(frame, BINARY, data.length);
		frame.writeBytes(data);
		return frame;
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
