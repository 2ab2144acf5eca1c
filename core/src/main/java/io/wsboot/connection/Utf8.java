package io.wsboot.connection;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Checks that text payloads are UTF-8 (RFC 6455 §8.1): eight bytes at a time while they
 * are ASCII, then with
 * {@link ByteBufUtil#isText(ByteBuf, int, int, java.nio.charset.Charset) Netty's check}.
 * Bytes that arrive piece by piece, still masked, go through an automaton (after Bjoern
 * Hoehrmann's UTF-8 decoder) whose state carries the character a piece ends inside.
 */
final class Utf8 {

	private static final long NON_ASCII = 0x8080808080808080L;

	/**
	 * The automaton's state between whole characters.
	 */
	static final int ACCEPT = 0;

	/**
	 * The automaton's state once the bytes cannot be UTF-8, whatever follows.
	 */
	static final int REJECT = 1;

	private static final int CLASSES = 12;

	/** The class of each byte value. */
	private static final byte[] CLASS = new byte[256];

	/** The next state, by state and class. */
	private static final byte[] NEXT = new byte[9 * CLASSES];

	static {
		fill(CLASS, 0x00, 0x7F, 0);
		fill(CLASS, 0x80, 0x8F, 1);
		fill(CLASS, 0x90, 0x9F, 9);
		fill(CLASS, 0xA0, 0xBF, 7);
		fill(CLASS, 0xC0, 0xC1, 8);
		fill(CLASS, 0xC2, 0xDF, 2);
		fill(CLASS, 0xE0, 0xE0, 10);
		fill(CLASS, 0xE1, 0xEC, 3);
		fill(CLASS, 0xED, 0xED, 4);
		fill(CLASS, 0xEE, 0xEF, 3);
		fill(CLASS, 0xF0, 0xF0, 11);
		fill(CLASS, 0xF1, 0xF3, 6);
		fill(CLASS, 0xF4, 0xF4, 5);
		fill(CLASS, 0xF5, 0xFF, 8);
		// States: 0 between characters, 1 rejected, 2 and 3 one and two continuation
		// bytes to go, 4 after E0, 5 after ED, 6 after F0, 7 after F1-F3, 8 after F4
		Arrays.fill(NEXT, (byte) REJECT);
		int[] fromAccept = { 0, REJECT, 2, 3, 5, 8, 7, REJECT, REJECT, REJECT, 4, 6 };
		for (int type = 0; type < CLASSES; type++) {
			NEXT[ACCEPT * CLASSES + type] = (byte) fromAccept[type];
		}
		// Continuation bytes: 80-8F (class 1), 90-9F (class 9), A0-BF (class 7)
		continuation(2, ACCEPT, 1, 9, 7);
		continuation(3, 2, 1, 9, 7);
		continuation(4, 2, 7);
		continuation(5, 2, 1, 9);
		continuation(6, 3, 9, 7);
		continuation(7, 3, 1, 9, 7);
		continuation(8, 3, 1);
	}

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
	 * Run the automaton over bytes that are masked as a client's payload is (RFC 6455
	 * §5.3), without unmasking them in place.
	 * @param state the state before the bytes
	 * @param buffer the masked bytes
	 * @param index where they start
	 * @param length how many
	 * @param mask the masking key
	 * @param offset the position of the first byte in the frame's payload, which selects
	 * its byte of the key
	 * @return the state after the bytes, {@link #REJECT} as soon as they cannot be UTF-8
	 */
	static int scanMasked(int state, ByteBuf buffer, int index, int length, int mask, int offset) {
		int end = index + length;
		int i = index;
		int position = offset;
		while (i < end && state != REJECT) {
			if (state == ACCEPT && i <= end - 8) {
				int key = Integer.rotateLeft(mask, 8 * (position & 3));
				long longKey = ((long) key << 32) | (key & 0xFFFFFFFFL);
				if (((buffer.getLong(i) ^ longKey) & NON_ASCII) == 0) {
					i += 8;
					position += 8;
					continue;
				}
			}
			int value = (buffer.getByte(i) ^ (mask >>> (24 - 8 * (position & 3)))) & 0xFF;
			state = NEXT[state * CLASSES + CLASS[value]];
			i++;
			position++;
		}
		return state;
	}

	/**
	 * Run the automaton over unmasked bytes.
	 * @param state the state before the bytes
	 * @param buffer the bytes
	 * @param index where they start
	 * @param length how many
	 * @return the state after them
	 */
	static int scan(int state, ByteBuf buffer, int index, int length) {
		return scanMasked(state, buffer, index, length, 0, 0);
	}

	/**
	 * The state after bytes that are UTF-8 up to their last character, cheaply: only that
	 * character is looked at when there are more than a few bytes. Bytes that are not
	 * UTF-8 may give a state other than {@link #REJECT}; whole-message checks catch them.
	 * @param state the state before the bytes
	 * @param buffer the bytes
	 * @param index where they start
	 * @param length how many
	 * @return the state after them
	 */
	static int stateAfter(int state, ByteBuf buffer, int index, int length) {
		if (length <= 8) {
			return scan(state, buffer, index, length);
		}
		int end = index + length;
		// A character has at most four bytes: its first is among the last four
		for (int i = end - 1; i >= end - 4; i--) {
			if ((buffer.getByte(i) & 0xC0) != 0x80) {
				return scan(ACCEPT, buffer, i, end - i);
			}
		}
		return REJECT;
	}

	private static void fill(byte[] table, int from, int to, int value) {
		for (int i = from; i <= to; i++) {
			table[i] = (byte) value;
		}
	}

	private static void continuation(int state, int next, int... classes) {
		for (int type : classes) {
			NEXT[state * CLASSES + type] = (byte) next;
		}
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
