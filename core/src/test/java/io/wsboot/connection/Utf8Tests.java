package io.wsboot.connection;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Tests for {@link Utf8}.
 */
class Utf8Tests {

	@Test
	void acceptsAsciiAndMultiByteCharactersAtEveryOffset() {
		String text = "0123456789abcdef" + "é€😀" + "0123456789abcdef" + "€";
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		for (int start = 0; start < 8; start++) {
			byte[] shifted = new byte[start + bytes.length];
			System.arraycopy(bytes, 0, shifted, start, bytes.length);
			assertThat(isValid(Unpooled.wrappedBuffer(shifted).skipBytes(start))).as("offset %d", start).isTrue();
		}
		assertThat(isValid(Unpooled.EMPTY_BUFFER)).isTrue();
	}

	@Test
	void refusesBytesThatAreNotUtf8AfterAsciiRun() {
		byte[][] invalid = { { (byte) 0xFF }, { (byte) 0xC3, 0x28 }, { (byte) 0xC0, (byte) 0xAF },
				{ (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 },
				{ (byte) 0xE2, (byte) 0x82 } };
		for (byte[] tail : invalid) {
			for (int ascii = 0; ascii < 20; ascii++) {
				ByteBuf buffer = Unpooled.buffer();
				buffer.writeBytes("x".repeat(ascii).getBytes(StandardCharsets.US_ASCII)).writeBytes(tail);
				assertThat(isValid(buffer)).as("%d ASCII bytes then %s", ascii, java.util.Arrays.toString(tail))
					.isFalse();
			}
		}
		ByteBuf validThenInvalid = Unpooled.buffer().writeBytes("é".repeat(10).getBytes(StandardCharsets.UTF_8));
		validThenInvalid.writeBytes("abcdefghij".getBytes(StandardCharsets.US_ASCII)).writeByte(0x80);
		assertThat(isValid(validThenInvalid)).isFalse();
	}

	@Test
	void findsEndOfLastWholeCharacter() {
		byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
		byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);
		assertThat(wholeCharactersEnd(bytes('a', 'b'))).isEqualTo(2);
		assertThat(wholeCharactersEnd(concat(bytes('a'), euro))).isEqualTo(4);
		assertThat(wholeCharactersEnd(concat(bytes('a'), euro[0]))).isEqualTo(1);
		assertThat(wholeCharactersEnd(concat(bytes('a'), euro[0], euro[1]))).isEqualTo(1);
		assertThat(wholeCharactersEnd(concat(bytes('a'), emoji[0], emoji[1], emoji[2]))).isEqualTo(1);
		assertThat(wholeCharactersEnd(concat(bytes('a'), emoji))).isEqualTo(5);
		assertThat(wholeCharactersEnd(bytes('a', 0xFF))).as("cannot start a character: checked now").isEqualTo(2);
	}

	@Test
	void holdsBackOnlyBytesThatCanBeginCharacter() {
		int[][] canBegin = { { 0xC2 }, { 0xDF }, { 0xE0, 0xA0 }, { 0xED, 0x9F }, { 0xEF, 0xBF }, { 0xF0, 0x90 },
				{ 0xF4, 0x8F }, { 0xF4, 0x8F, 0xBF }, { 0xF1, 0x80, 0x80 } };
		for (int[] tail : canBegin) {
			byte[] bytes = concat(bytes('a', 'b', 'c'), bytes(tail));
			assertThat(wholeCharactersEnd(bytes)).as(java.util.Arrays.toString(tail)).isEqualTo(3);
		}
		int[][] cannotBegin = { { 0xC0 }, { 0xC1 }, { 0xF5 }, { 0xF7 }, { 0xE0, 0x80 }, { 0xED, 0xA0 }, { 0xF0, 0x80 },
				{ 0xF4, 0x90 }, { 0xF4, 0x90, 0x80 } };
		for (int[] tail : cannotBegin) {
			byte[] bytes = concat(bytes('a', 'b', 'c'), bytes(tail));
			assertThat(wholeCharactersEnd(bytes)).as(java.util.Arrays.toString(tail)).isEqualTo(bytes.length);
			assertThat(isValid(Unpooled.wrappedBuffer(bytes))).isFalse();
		}
	}

	@Test
	void automatonAgreesWithTheWholeCheckOnEverySequenceOfUpToThreeBytes() {
		ByteBuf buffer = Unpooled.buffer(3);
		for (int length = 1; length <= 3; length++) {
			int count = 1 << (8 * length);
			for (int value = 0; value < count; value++) {
				buffer.clear();
				for (int i = length - 1; i >= 0; i--) {
					buffer.writeByte(value >>> (8 * i));
				}
				boolean valid = Utf8.isValid(buffer, 0, length);
				int state = Utf8.scan(Utf8.ACCEPT, buffer, 0, length);
				if ((state == Utf8.ACCEPT) != valid) {
					fail("State " + state + " after " + Arrays.toString(ByteBufUtil.getBytes(buffer)) + ", which is "
							+ (valid ? "" : "not ") + "UTF-8");
				}
				if (state == Utf8.REJECT) {
					// Nothing after bytes that cannot be UTF-8 makes them UTF-8
					assertThat(Utf8.scan(state, buffer, 0, 1)).isEqualTo(Utf8.REJECT);
				}
			}
		}
	}

	@Test
	void automatonAcceptsEveryCharacterAndRejectsOnlyWhatCannotContinue() {
		ByteBuf buffer = Unpooled.buffer(4);
		for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
			if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
				continue;
			}
			byte[] character = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
			buffer.clear().writeBytes(character);
			int state = Utf8.ACCEPT;
			for (int i = 0; i < character.length; i++) {
				state = Utf8.scan(state, buffer, i, 1);
				boolean last = i == character.length - 1;
				if (last != (state == Utf8.ACCEPT) || state == Utf8.REJECT) {
					fail("State " + state + " after " + (i + 1) + " bytes of U+" + Integer.toHexString(codePoint));
				}
			}
		}
		int[][] cannotContinue = { { 0xC0 }, { 0xF5 }, { 0xE0, 0x80 }, { 0xED, 0xA0 }, { 0xF0, 0x80 }, { 0xF4, 0x90 },
				{ 0xC3, 0x28 }, { 0x80 } };
		for (int[] bytes : cannotContinue) {
			assertThat(Utf8.scan(Utf8.ACCEPT, Unpooled.wrappedBuffer(bytes(bytes)), 0, bytes.length))
				.as(Arrays.toString(bytes))
				.isEqualTo(Utf8.REJECT);
		}
	}

	@Test
	void maskedScanUnmasksWithTheKeyByteOfEachPosition() {
		byte[] text = "ascii then é€😀 and ascii again, long enough for eight-byte steps"
			.getBytes(StandardCharsets.UTF_8);
		int mask = 0x9A3C5E71;
		for (int offset = 0; offset < 4; offset++) {
			byte[] masked = new byte[text.length];
			for (int i = 0; i < text.length; i++) {
				masked[i] = (byte) (text[i] ^ (mask >>> (24 - 8 * ((offset + i) & 3))));
			}
			ByteBuf buffer = Unpooled.wrappedBuffer(masked);
			assertThat(Utf8.scanMasked(Utf8.ACCEPT, buffer, 0, masked.length, mask, offset)).as("offset %d", offset)
				.isEqualTo(Utf8.ACCEPT);
			// a space made a lone continuation byte
			masked[20] ^= (byte) 0x80;
			assertThat(Utf8.scanMasked(Utf8.ACCEPT, buffer, 0, masked.length, mask, offset)).as("offset %d", offset)
				.isEqualTo(Utf8.REJECT);
		}
	}

	@Test
	void stateAfterLongBytesLooksAtTheirLastCharacter() {
		byte[] text = "0123456789€".getBytes(StandardCharsets.UTF_8);
		for (int cut = 0; cut <= text.length; cut++) {
			ByteBuf buffer = Unpooled.wrappedBuffer(text, 0, cut);
			assertThat(Utf8.stateAfter(Utf8.ACCEPT, buffer, 0, cut)).as("first %d bytes", cut)
				.isEqualTo(Utf8.scan(Utf8.ACCEPT, buffer, 0, cut));
		}
	}

	private static boolean isValid(ByteBuf buffer) {
		return Utf8.isValid(buffer, buffer.readerIndex(), buffer.readableBytes());
	}

	private static int wholeCharactersEnd(byte[] bytes) {
		return Utf8.wholeCharactersEnd(Unpooled.wrappedBuffer(bytes), 0, bytes.length);
	}

	private static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

	private static byte[] concat(byte[] first, byte... rest) {
		byte[] all = new byte[first.length + rest.length];
		System.arraycopy(first, 0, all, 0, first.length);
		System.arraycopy(rest, 0, all, first.length, rest.length);
		return all;
	}

}
