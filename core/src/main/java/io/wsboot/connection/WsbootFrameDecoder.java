package io.wsboot.connection;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Netty's RFC 6455 frame decoder with the close-frame rules of RFC 6455 §5.5.1 and §7.4
 * applied as the design states them: a close payload of one byte, or a close code that
 * may not appear on the wire (1004–1006, 1015, below 1000, 1016–2999, 5000 and above), is
 * a protocol error (1002); a close reason that is not UTF-8 is 1007. Each gets a close
 * frame, where Netty's decoder drops such a connection without one.
 * <p>
 * Netty's decoder hands on a frame once its last byte has arrived. An uncompressed text
 * frame (or continuation of a text message) whose payload arrives in pieces is checked as
 * the pieces arrive, so that bytes that cannot be UTF-8 fail the connection (1007) at
 * once rather than after the rest of the frame. A frame that arrives whole is left to the
 * message's check and costs nothing more: only the headers of frames that stay incomplete
 * after a read are followed.
 */
final class WsbootFrameDecoder extends WebSocket13FrameDecoder {

	static final String NAME = "wsdecoder";

	private static final int OPCODE_CONTINUATION = 0x0;

	private static final int OPCODE_TEXT = 0x1;

	private final Runnable invalidUtf8;

	/** The first header bytes of the frame being read, once read. */
	private int firstByte;

	private int secondByte;

	/** How many header bytes of the frame being read were read, and how many it has. */
	private int headerRead;

	private int headerLength = 2;

	private int mask;

	/** How many payload bytes of the frame being read were checked, and the state. */
	private int checked;

	private int checkState;

	/** Whether a fragmented uncompressed text message is under way, and its state. */
	private boolean textMessage;

	private int messageState;

	/** Set once the decoder refused a frame or read a close frame: nothing to check. */
	private boolean stopped;

	/** Set once a text payload was not UTF-8: later bytes are dropped. */
	private boolean failed;

	/**
	 * Create a decoder.
	 * @param config Netty's decoder configuration
	 * @param invalidUtf8 what to do when the payload of a text frame is found not to be
	 * UTF-8 before the frame is complete: fail the connection with 1007
	 */
	WsbootFrameDecoder(WebSocketDecoderConfig config, Runnable invalidUtf8) {
		super(config);
		this.invalidUtf8 = invalidUtf8;
	}

	static WebSocketDecoderConfig config(int maxFramePayloadLength, boolean allowExtensions) {
		return WebSocketDecoderConfig.newBuilder()
			.maxFramePayloadLength(maxFramePayloadLength)
			.allowExtensions(allowExtensions)
			.expectMaskedFrames(true)
			.allowMaskMismatch(false)
			.closeOnProtocolViolation(true)
			.build();
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
		if (this.failed) {
			in.skipBytes(in.readableBytes());
			return;
		}
		int start = in.readerIndex();
		int decoded = out.size();
		try {
			super.decode(ctx, in, out);
		}
		catch (RuntimeException ex) {
			this.stopped = true;
			throw ex;
		}
		if (out.size() != decoded) {
			frameDecoded(out.get(out.size() - 1));
		}
		else if (!this.stopped) {
			// Netty's decoder consumes a frame's header as it arrives and its payload
			// once complete: the bytes consumed without a frame are header bytes, and
			// the bytes left after a complete header are a prefix of the payload
			readHeader(in, start, in.readerIndex());
			if (this.headerRead == this.headerLength && in.isReadable()) {
				checkPayloadPrefix(in);
			}
		}
	}

	/**
	 * A frame is complete: follow the message it belongs to.
	 */
	private void frameDecoded(Object decoded) {
		this.headerRead = 0;
		this.headerLength = 2;
		this.checked = 0;
		if (!(decoded instanceof WebSocketFrame frame)) {
			return;
		}
		ByteBuf content = frame.content();
		if (frame instanceof TextWebSocketFrame) {
			this.textMessage = !frame.isFinalFragment() && frame.rsv() == 0;
			if (this.textMessage) {
				this.messageState = Utf8.stateAfter(Utf8.ACCEPT, content, content.readerIndex(),
						content.readableBytes());
			}
		}
		else if (frame instanceof ContinuationWebSocketFrame) {
			if (this.textMessage) {
				this.textMessage = !frame.isFinalFragment();
				this.messageState = Utf8.stateAfter(this.messageState, content, content.readerIndex(),
						content.readableBytes());
			}
		}
		else if (frame instanceof BinaryWebSocketFrame) {
			this.textMessage = false;
		}
		else if (frame instanceof CloseWebSocketFrame) {
			this.stopped = true;
		}
	}

	/**
	 * Follow the header bytes Netty's decoder consumed (RFC 6455 §5.2).
	 */
	private void readHeader(ByteBuf in, int from, int to) {
		for (int i = from; i < to && this.headerRead < this.headerLength; i++) {
			int value = in.getByte(i) & 0xFF;
			int position = this.headerRead++;
			if (position == 0) {
				this.firstByte = value;
			}
			else if (position == 1) {
				this.secondByte = value;
				int length = value & 0x7F;
				int extendedLength = (length == 126) ? 2 : (length == 127) ? 8 : 0;
				this.headerLength = 2 + extendedLength + (((value & 0x80) != 0) ? 4 : 0);
				this.mask = 0;
			}
			else if (position >= this.headerLength - 4 && (this.secondByte & 0x80) != 0) {
				this.mask = (this.mask << 8) | value;
			}
		}
	}

	/**
	 * Check the part of an uncompressed text payload that has arrived, when the frame is
	 * not complete yet.
	 */
	private void checkPayloadPrefix(ByteBuf in) {
		int opcode = this.firstByte & 0x0F;
		boolean rsv = (this.firstByte & 0x70) != 0;
		if (rsv || !(opcode == OPCODE_TEXT || (opcode == OPCODE_CONTINUATION && this.textMessage))) {
			return;
		}
		int available = in.readableBytes();
		if (this.checked == 0) {
			this.checkState = (opcode == OPCODE_TEXT) ? Utf8.ACCEPT : this.messageState;
		}
		if (available <= this.checked) {
			return;
		}
		this.checkState = Utf8.scanMasked(this.checkState, in, in.readerIndex() + this.checked,
				available - this.checked, this.mask, this.checked);
		this.checked = available;
		if (this.checkState == Utf8.REJECT) {
			this.failed = true;
			in.skipBytes(in.readableBytes());
			this.invalidUtf8.run();
		}
	}

	@Override
	protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf buffer) {
		if (buffer == null || !buffer.isReadable()) {
			return;
		}
		if (buffer.readableBytes() == 1) {
			violation(ctx, buffer, WebSocketCloseStatus.PROTOCOL_ERROR, "close frame with a 1-byte payload");
		}
		int code = buffer.getUnsignedShort(buffer.readerIndex());
		if (!FrameRules.isValidCloseCode(code)) {
			violation(ctx, buffer, WebSocketCloseStatus.PROTOCOL_ERROR, "close code " + code + " may not be sent");
		}
		if (buffer.readableBytes() > 2 && !Utf8.isValid(buffer, buffer.readerIndex() + 2, buffer.readableBytes() - 2)) {
			violation(ctx, buffer, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "close reason is not UTF-8");
		}
	}

	private static void violation(ChannelHandlerContext ctx, ByteBuf buffer, WebSocketCloseStatus status,
			String reason) {
		buffer.skipBytes(buffer.readableBytes());
		CorruptedWebSocketFrameException exception = new CorruptedWebSocketFrameException(status, reason);
		if (ctx.channel().isActive()) {
			ctx.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
		}
		throw exception;
	}

}
