package io.wsboot.connection;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OutboundFrames}.
 */
class OutboundFramesTests {

	private final ByteBufAllocator allocator = UnpooledByteBufAllocator.DEFAULT;

	@Test
	void writesHeaderOfEveryPayloadLength() {
		int[][] cases = { { 0, 2 }, { 125, 2 }, { 126, 4 }, { 65_535, 4 }, { 65_536, 10 }, { 1_000_000, 10 } };
		for (int[] each : cases) {
			int size = each[0];
			ByteBuf frame = OutboundFrames.binary(this.allocator, new byte[size]);
			try {
				assertThat(frame.getUnsignedByte(0)).as("FIN and binary").isEqualTo((short) 0x82);
				assertThat(frame.getUnsignedByte(1) & 0x80).as("not masked").isZero();
				assertThat(frame.readableBytes()).as("frame of %d bytes", size).isEqualTo(each[1] + size);
				assertThat(OutboundFrames.headerLength(size)).isEqualTo(each[1]);
				assertThat(OutboundFrames.payloadLength(frame)).isEqualTo(size);
			}
			finally {
				frame.release();
			}
		}
	}

	@Test
	void writesTextAsUtf8EvenWithLoneSurrogates() {
		String[] texts = { "", "ascii", "é€😀", "cut \uD83D…", "\uDE00 low first", "end \uD83D" };
		for (String text : texts) {
			byte[] expected = text.getBytes(StandardCharsets.UTF_8);
			ByteBuf frame = OutboundFrames.text(this.allocator, text);
			ByteBuf payload = OutboundFrames.utf8(this.allocator, text);
			try {
				assertThat(frame.getUnsignedByte(0)).as("FIN and text").isEqualTo((short) 0x81);
				assertThat(OutboundFrames.payloadLength(frame)).isEqualTo(expected.length);
				byte[] written = new byte[expected.length];
				frame.getBytes(frame.readableBytes() - expected.length, written);
				assertThat(written).as(text).containsExactly(expected);
				byte[] alone = new byte[payload.readableBytes()];
				payload.getBytes(0, alone);
				assertThat(alone).as(text).containsExactly(expected);
			}
			finally {
				frame.release();
				payload.release();
			}
		}
		assertThat(OutboundFrames.utf8Length("é€😀")).isEqualTo(2 + 3 + 4);
		assertThat(OutboundFrames.utf8Length("cut \uD83D…")).isEqualTo(-1);
	}

}
