package io.wsboot.benchmarks.load;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/**
 * Reads the ASCII payloads of the cluster runs where they arrive, without copying them:
 * {@code fd:<fd>} greetings, {@code <seq>:...} broadcasts and
 * {@code <kind><seq>:<nanos>:...} pushes.
 *
 * @since 0.1.0
 */
final class Payloads {

	private Payloads() {
	}

	/**
	 * Whether a payload starts with an ASCII prefix.
	 * @param buffer the buffer
	 * @param index where the payload starts
	 * @param length the payload's length
	 * @param prefix the prefix
	 * @return whether it does
	 */
	static boolean startsWith(ByteBuf buffer, int index, int length, String prefix) {
		if (index < 0 || length < prefix.length()) {
			return false;
		}
		for (int i = 0; i < prefix.length(); i++) {
			if (buffer.getByte(index + i) != prefix.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Read the decimal number that starts at an index and ends at the first byte that is
	 * not a digit.
	 * @param buffer the buffer
	 * @param from where the number starts
	 * @param end where the payload ends
	 * @return the number, or -1 when there is no digit at {@code from}
	 */
	static long number(ByteBuf buffer, int from, int end) {
		long value = 0;
		int i = from;
		for (; i < end; i++) {
			int digit = buffer.getByte(i) - '0';
			if (digit < 0 || digit > 9) {
				break;
			}
			value = value * 10 + digit;
		}
		return (i > from) ? value : -1;
	}

	/**
	 * Return the index of the byte after the next colon.
	 * @param buffer the buffer
	 * @param from where to look from
	 * @param end where the payload ends
	 * @return the index after the colon, or {@code end} when there is none
	 */
	static int afterColon(ByteBuf buffer, int from, int end) {
		int colon = buffer.indexOf(from, end, (byte) ':');
		return (colon < 0) ? end : colon + 1;
	}

	/**
	 * Return a payload as text, for messages.
	 * @param buffer the buffer
	 * @param index where the payload starts, -1 when it is not at hand
	 * @param length its length
	 * @return the text
	 */
	static String text(ByteBuf buffer, int index, int length) {
		return (index >= 0) ? buffer.toString(index, length, StandardCharsets.US_ASCII) : "(" + length + " bytes)";
	}

}
