package io.wsboot.netty;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Checks that text payloads are UTF-8 (RFC 6455 §8.1): eight bytes at a time while they
 * are ASCII, then with
 * {@link ByteBufUtil#isText(ByteBuf, int, int, java.nio.charset.Charset) Netty's check}.
 */
final class Utf8 {

	private static final long NON_ASCII = 0x8080808080808080L;

	private Utf8() {
	}

	/**
	 * Whether bytes are UTF-8 and end with a whole character.
	 * @param buffer the bytes
	 * @param index where they start
	 * @param length how many
	 * @return whether they are UTF-8
	 */
	static boolean isValid(ByteBuf buffer, int index, int length) {
		int end = index + length;
		int i = index;
		while (i <= end - 8 && (buffer.getLong(i) & NON_ASCII) == 0) {
			i += 8;
		}
		return i == end || ByteBufUtil.isText(buffer, i, end - i, StandardCharsets.UTF_8);
	}

	/**
	 * Where the last whole character of bytes that may end inside a character ends: the
	 * part of a fragmented message that can be checked before the next fragment arrives.
	 * @param buffer the bytes
	 * @param index where they start
	 * @param end where they end
	 * @return the end of the last whole character, or {@code end} when the last bytes
	 * cannot start a character (the check then fails at once)
	 */
	static int wholeCharactersEnd(ByteBuf buffer, int index, int end) {
		// A character has at most four bytes: look back at most three for its first
		for (int i = end - 1; i >= Math.max(index, end - 3); i--) {
			int b = buffer.getByte(i) & 0xFF;
			if ((b & 0xC0) != 0x80) {
				int needed = (b < 0x80) ? 1
						: ((b & 0xE0) == 0xC0) ? 2 : ((b & 0xF0) == 0xE0) ? 3 : ((b & 0xF8) == 0xF0) ? 4 : 1;
				return (end - i < needed) ? i : end;
			}
		}
		return end;
	}

}
