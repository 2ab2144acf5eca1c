package io.wsboot.connection;

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
	 * The bytes after it are held back only when they can begin a character (RFC 3629
	 * §4), so that a message fails at the first fragment that cannot be UTF-8.
	 * @param buffer the bytes
	 * @param index where they start
	 * @param end where they end
	 * @return the end of the last whole character, or {@code end} when the last bytes
	 * cannot begin a character (the check then fails at once)
	 */
	static int wholeCharactersEnd(ByteBuf buffer, int index, int end) {
		// A character has at most four bytes: look back at most three for its first
		for (int i = end - 1; i >= Math.max(index, end - 3); i--) {
			int first = buffer.getByte(i) & 0xFF;
			if ((first & 0xC0) != 0x80) {
				int held = end - i;
				if (held >= length(first) || !beginsCharacter(first, (held > 1) ? buffer.getByte(i + 1) & 0xFF : -1)) {
					return end;
				}
				return i;
			}
		}
		return end;
	}

	/**
	 * The length of the character that a byte begins, 1 for a byte that cannot begin one.
	 */
	private static int length(int first) {
		if (first >= 0xC2 && first <= 0xDF) {
			return 2;
		}
		if (first >= 0xE0 && first <= 0xEF) {
			return 3;
		}
		if (first >= 0xF0 && first <= 0xF4) {
			return 4;
		}
		return 1;
	}

	/**
	 * Whether a first byte and, when known, the second can begin a character: the second
	 * byte's range depends on the first (no overlong forms, no surrogates, nothing above
	 * U+10FFFF).
	 */
	private static boolean beginsCharacter(int first, int second) {
		if (length(first) == 1) {
			return false;
		}
		if (second < 0) {
			return true;
		}
		return switch (first) {
			case 0xE0 -> second >= 0xA0 && second <= 0xBF;
			case 0xED -> second >= 0x80 && second <= 0x9F;
			case 0xF0 -> second >= 0x90 && second <= 0xBF;
			case 0xF4 -> second >= 0x80 && second <= 0x8F;
			default -> second >= 0x80 && second <= 0xBF;
		};
	}

}
