package io.wsboot.connection;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link WsbootFrameDecoder} and {@link ExtensionRsvValidator}, on Netty's
 * {@link EmbeddedChannel}: masked client frames in, the decoded frames and the server's
 * close frame out.
 */
class WsbootFrameDecoderTests {

	private static final int MAX_FRAME = 1024;

	private static final int FIN = 0x80;

	private static final int RSV1 = 0x40;

	private static final int RSV2 = 0x20;

	private static final int RSV3 = 0x10;

	private static final int CONTINUATION = 0x0;

	private static final int TEXT = 0x1;

	private static final int BINARY = 0x2;

	private static final int CLOSE = 0x8;

	private static final int PING = 0x9;

	private @Nullable EmbeddedChannel channel;

	/** How many times the decoder reported a text payload that is not UTF-8. */
	private int invalidUtf8;

	@AfterEach
	void finish() {
		if (this.channel != null) {
			channel().finishAndReleaseAll();
		}
	}

	@Test
	void closePayloadOfOneByteIsAProtocolError() {
		decoder(false);
		assertViolation(frame(FIN | CLOSE, new byte[] { 0x03 }), 1002);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535 })
	void closeCodeThatMayNotBeSentIsAProtocolError(int code) {
		decoder(false);
		assertViolation(frame(FIN | CLOSE, close(code, "bye")), 1002);
	}

	@ParameterizedTest
	@ValueSource(ints = { 1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4000, 4999 })
	void closeCodeThatMayBeSentPasses(int code) {
		decoder(false);
		CloseWebSocketFrame close = readInbound(frame(FIN | CLOSE, close(code, "bye")), CloseWebSocketFrame.class);
		try {
			assertThat(close.statusCode()).isEqualTo(code);
			assertThat(close.reasonText()).isEqualTo("bye");
		}
		finally {
			close.release();
		}
		assertThat((Object) channel().readOutbound()).as("frame sent by the server").isNull();
		assertThat(channel().isActive()).isTrue();
	}

	@Test
	void emptyClosePayloadPasses() {
		decoder(false);
		CloseWebSocketFrame close = readInbound(frame(FIN | CLOSE, new byte[0]), CloseWebSocketFrame.class);
		try {
			assertThat(close.statusCode()).isEqualTo(-1);
		}
		finally {
			close.release();
		}
		assertThat(channel().isActive()).isTrue();
	}

	@Test
	void closeReasonThatIsNotUtf8IsInvalidPayloadData() {
		decoder(false);
		byte[] payload = { 0x03, (byte) 0xE8, 'o', 'k', (byte) 0xC3, 0x28 };
		assertViolation(frame(FIN | CLOSE, payload), 1007);
	}

	@Test
	void closeReasonInUtf8Passes() {
		decoder(false);
		CloseWebSocketFrame close = readInbound(frame(FIN | CLOSE, close(1000, "adiós 😀")), CloseWebSocketFrame.class);
		try {
			assertThat(close.reasonText()).isEqualTo("adiós 😀");
		}
		finally {
			close.release();
		}
	}

	@Test
	void reservedBitsWithoutAnExtensionAreAProtocolError() {
		for (int rsv : new int[] { RSV1, RSV2, RSV3 }) {
			decoder(false);
			assertViolation(frame(FIN | rsv | TEXT, utf8("hi")), 1002);
			channel().finishAndReleaseAll();
		}
	}

	@Test
	void frameLargerThanTheLimitIsMessageTooBig() {
		decoder(false);
		assertViolation(frame(FIN | BINARY, new byte[MAX_FRAME + 1]), 1009);
	}

	@Test
	void frameOfTheLimitPasses() {
		decoder(false);
		BinaryWebSocketFrame binary = readInbound(frame(FIN | BINARY, new byte[MAX_FRAME]), BinaryWebSocketFrame.class);
		try {
			assertThat(binary.content().readableBytes()).isEqualTo(MAX_FRAME);
		}
		finally {
			binary.release();
		}
	}

	@Test
	void unmaskedClientFrameIsAProtocolError() {
		decoder(false);
		byte[] text = utf8("hi");
		ByteBuf frame = Unpooled.buffer().writeByte(FIN | TEXT).writeByte(text.length).writeBytes(text);
		assertViolation(frame, 1002);
	}

	@Test
	void rsv1OnTheFirstFrameOfACompressedMessagePasses() {
		decoder(true);
		TextWebSocketFrame text = readInbound(frame(RSV1 | TEXT, utf8("a")), TextWebSocketFrame.class);
		try {
			assertThat(text.rsv()).isEqualTo(0x4);
		}
		finally {
			text.release();
		}
		ContinuationWebSocketFrame rest = readInbound(frame(FIN | CONTINUATION, utf8("b")),
				ContinuationWebSocketFrame.class);
		rest.release();
		assertThat(channel().isActive()).isTrue();
	}

	@Test
	void rsv1OnAContinuationFrameIsAProtocolError() {
		decoder(true);
		readInbound(frame(RSV1 | TEXT, utf8("a")), TextWebSocketFrame.class).release();
		assertViolation(frame(FIN | RSV1 | CONTINUATION, utf8("b")), 1002);
	}

	@Test
	void rsv1OnAControlFrameIsAProtocolError() {
		decoder(true);
		assertViolation(frame(FIN | RSV1 | PING, utf8("p")), 1002);
	}

	@Test
	void rsv2AndRsv3AreAProtocolErrorEvenWithAnExtension() {
		for (int rsv : new int[] { RSV2, RSV3, RSV1 | RSV2 }) {
			decoder(true);
			assertViolation(frame(FIN | rsv | BINARY, new byte[] { 1 }), 1002);
			channel().finishAndReleaseAll();
		}
	}

	@Test
	void textFrameArrivingInPiecesFailsWithThePieceThatIsNotUtf8() {
		// 0xC3 starts a two-byte character, 0x28 cannot continue it
		byte[] payload = concat(utf8("a".repeat(100)), new byte[] { (byte) 0xC3, 0x28 }, utf8("b".repeat(198)));
		byte[] frame = bytes(frame(FIN | TEXT, payload));
		int header = frame.length - payload.length;
		for (int end = header + 102; end < frame.length; end += 37) {
			decoder(false);
			this.invalidUtf8 = 0;
			channel().writeInbound(Unpooled.wrappedBuffer(frame, 0, header + 50));
			assertThat(this.invalidUtf8).as("after a valid piece").isZero();
			channel().writeInbound(Unpooled.wrappedBuffer(frame, header + 50, end - header - 50));
			assertThat(this.invalidUtf8).as("after the piece that ends at %d", end).isOne();
			channel().writeInbound(Unpooled.wrappedBuffer(frame, end, frame.length - end));
			assertThat(this.invalidUtf8).isOne();
			assertThat((Object) channel().readInbound()).as("frame let through").isNull();
			channel().finishAndReleaseAll();
		}
	}

	@Test
	void textFrameArrivingInPiecesFailsAtFirstByteThatCannotContinue() {
		// 0xF4 0x90 would begin a character above U+10FFFF
		byte[] payload = concat(utf8("κόσμε"), new byte[] { (byte) 0xF4, (byte) 0x90 }, new byte[50]);
		byte[] frame = bytes(frame(FIN | TEXT, payload));
		int header = frame.length - payload.length;
		decoder(false);
		int invalidAt = header + utf8("κόσμε").length + 1;
		channel().writeInbound(Unpooled.wrappedBuffer(frame, 0, invalidAt));
		assertThat(this.invalidUtf8).isZero();
		channel().writeInbound(Unpooled.wrappedBuffer(frame, invalidAt, 1));
		assertThat(this.invalidUtf8).isOne();
	}

	@Test
	void textFrameArrivingInPiecesPassesWhenUtf8WhereverItIsCut() {
		byte[] payload = utf8("price: 10€, mood: 😀, ".repeat(10));
		byte[] frame = bytes(frame(FIN | TEXT, payload));
		for (int cut = 1; cut < frame.length; cut++) {
			decoder(false);
			channel().writeInbound(Unpooled.wrappedBuffer(frame, 0, cut));
			channel().writeInbound(Unpooled.wrappedBuffer(frame, cut, frame.length - cut));
			TextWebSocketFrame text = channel().readInbound();
			assertThat(text).as("frame cut at %d", cut).isNotNull();
			try {
				assertThat(text.text()).isEqualTo(new String(payload, StandardCharsets.UTF_8));
			}
			finally {
				text.release();
			}
			assertThat(this.invalidUtf8).as("frame cut at %d", cut).isZero();
			channel().finishAndReleaseAll();
		}
	}

	@Test
	void textFrameArrivingByteByBytePasses() {
		byte[] payload = utf8("Grüße, 世界, 😀 ".repeat(30));
		byte[] frame = bytes(frame(FIN | TEXT, payload));
		decoder(false);
		for (byte value : frame) {
			channel().writeInbound(Unpooled.wrappedBuffer(new byte[] { value }));
		}
		TextWebSocketFrame text = channel().readInbound();
		assertThat(text).isNotNull();
		text.release();
		assertThat(this.invalidUtf8).isZero();
	}

	@Test
	void largeTextFrameWithEightByteLengthFailsBeforeItIsComplete() {
		byte[] payload = new byte[70_000];
		Arrays.fill(payload, (byte) 'x');
		payload[40_000] = (byte) 0xFF;
		byte[] frame = bytes(frame(FIN | TEXT, payload));
		this.channel = new EmbeddedChannel(
				new WsbootFrameDecoder(WsbootFrameDecoder.config(100_000, false), () -> this.invalidUtf8++));
		channel().writeInbound(Unpooled.wrappedBuffer(frame, 0, 30_000));
		assertThat(this.invalidUtf8).isZero();
		channel().writeInbound(Unpooled.wrappedBuffer(frame, 30_000, 20_000));
		assertThat(this.invalidUtf8).isOne();
	}

	@Test
	void continuationArrivingInPiecesKeepsTheCharacterOfThePreviousFrame() {
		byte[] euro = utf8("€");
		decoder(false);
		readInbound(frame(TEXT, new byte[] { 'a', euro[0] }), TextWebSocketFrame.class).release();
		byte[] rest = bytes(frame(FIN | CONTINUATION, concat(new byte[] { euro[1], euro[2] }, utf8("b".repeat(20)))));
		int header = rest.length - 22;
		channel().writeInbound(Unpooled.wrappedBuffer(rest, 0, header + 2));
		channel().writeInbound(Unpooled.wrappedBuffer(rest, header + 2, rest.length - header - 2));
		readInbound(Unpooled.EMPTY_BUFFER, ContinuationWebSocketFrame.class).release();
		assertThat(this.invalidUtf8).isZero();
		// The same character broken in the continuation's first piece
		decoder(false);
		readInbound(frame(TEXT, new byte[] { 'a', euro[0] }), TextWebSocketFrame.class).release();
		byte[] broken = bytes(frame(FIN | CONTINUATION, concat(new byte[] { euro[1], 0x28 }, utf8("b".repeat(20)))));
		channel().writeInbound(Unpooled.wrappedBuffer(broken, 0, header + 1));
		assertThat(this.invalidUtf8).isZero();
		channel().writeInbound(Unpooled.wrappedBuffer(broken, header + 1, 1));
		assertThat(this.invalidUtf8).isOne();
	}

	@Test
	void continuationOfBinaryMessageArrivingInPiecesIsNotChecked() {
		decoder(false);
		readInbound(frame(BINARY, new byte[] { 'a' }), BinaryWebSocketFrame.class).release();
		byte[] rest = bytes(frame(FIN | CONTINUATION, new byte[] { (byte) 0xFF, (byte) 0xFF, 1, 2 }));
		channel().writeInbound(Unpooled.wrappedBuffer(rest, 0, rest.length - 1));
		channel().writeInbound(Unpooled.wrappedBuffer(rest, rest.length - 1, 1));
		readInbound(Unpooled.EMPTY_BUFFER, ContinuationWebSocketFrame.class).release();
		assertThat(this.invalidUtf8).isZero();
	}

	@Test
	void compressedTextFrameArrivingInPiecesIsNotChecked() {
		decoder(true);
		byte[] frame = bytes(frame(FIN | RSV1 | TEXT, new byte[] { (byte) 0xFF, (byte) 0xFE, 0x00, 0x11, 0x22 }));
		channel().writeInbound(Unpooled.wrappedBuffer(frame, 0, frame.length - 2));
		channel().writeInbound(Unpooled.wrappedBuffer(frame, frame.length - 2, 2));
		readInbound(Unpooled.EMPTY_BUFFER, TextWebSocketFrame.class).release();
		assertThat(this.invalidUtf8).isZero();
	}

	private void decoder(boolean allowExtensions) {
		WsbootFrameDecoder decoder = new WsbootFrameDecoder(WsbootFrameDecoder.config(MAX_FRAME, allowExtensions),
				() -> this.invalidUtf8++);
		ChannelHandler[] handlers = allowExtensions ? new ChannelHandler[] { decoder, new ExtensionRsvValidator() }
				: new ChannelHandler[] { decoder };
		this.channel = new EmbeddedChannel(handlers);
	}

	private EmbeddedChannel channel() {
		assertThat(this.channel).isNotNull();
		return this.channel;
	}

	private <T extends WebSocketFrame> T readInbound(ByteBuf frame, Class<T> type) {
		if (frame.isReadable()) {
			channel().writeInbound(frame);
		}
		Object decoded = channel().readInbound();
		assertThat(decoded).isInstanceOf(type);
		return type.cast(decoded);
	}

	/**
	 * Write a frame, check that the decoder reports a corrupted frame, sends a close
	 * frame with the code, closes the channel, and lets no frame through.
	 * @param frame the frame
	 * @param code the close code expected
	 */
	private void assertViolation(ByteBuf frame, int code) {
		EmbeddedChannel channel = channel();
		assertThatExceptionOfType(CorruptedWebSocketFrameException.class).isThrownBy(() -> channel.writeInbound(frame))
			.satisfies((ex) -> assertThat(ex.closeStatus().code()).isEqualTo(code));
		Object sent = channel.readOutbound();
		assertThat(sent).as("frame sent by the server").isInstanceOf(CloseWebSocketFrame.class);
		CloseWebSocketFrame close = (CloseWebSocketFrame) sent;
		try {
			assertThat(close.statusCode()).as("close code sent (reason '%s')", close.reasonText()).isEqualTo(code);
		}
		finally {
			close.release();
		}
		assertThat(channel.isOpen()).as("channel open after the close frame").isFalse();
		Object passed;
		while ((passed = channel.readInbound()) != null) {
			ReferenceCountUtil.release(passed);
			assertThat(passed).as("frame let through").isNull();
		}
	}

	private static byte[] close(int code, String reason) {
		byte[] text = utf8(reason);
		byte[] payload = new byte[2 + text.length];
		payload[0] = (byte) (code >> 8);
		payload[1] = (byte) code;
		System.arraycopy(text, 0, payload, 2, text.length);
		return payload;
	}

	private static byte[] bytes(ByteBuf buffer) {
		byte[] bytes = new byte[buffer.readableBytes()];
		buffer.readBytes(bytes);
		buffer.release();
		return bytes;
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			all.writeBytes(part);
		}
		return all.toByteArray();
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Build a client frame, masked as RFC 6455 §5.3 requires.
	 * @param firstByte FIN, RSV1-3 and the opcode
	 * @param payload the payload
	 * @return the frame
	 */
	private static ByteBuf frame(int firstByte, byte[] payload) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(firstByte);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length <= 0xFFFF) {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xFF);
		}
		else {
			frame.write(0x80 | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) ((long) payload.length >>> shift) & 0xFF);
			}
		}
		byte[] mask = { 0x12, 0x34, 0x56, 0x78 };
		frame.writeBytes(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		return Unpooled.wrappedBuffer(frame.toByteArray());
	}

}
