package io.wsboot.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.wsboot.connection.FrameRules;

/**
 * Netty's RFC 6455 frame decoder with the close-frame rules of RFC 6455 §5.5.1 and §7.4
 * applied as the design states them: a close payload of one byte, or a close code that
 * may not appear on the wire (1004–1006, 1015, below 1000, 1016–2999, 5000 and above), is
 * a protocol error (1002); a close reason that is not UTF-8 is 1007. Each gets a close
 * frame, where Netty's decoder drops such a connection without one.
 */
final class WsbootFrameDecoder extends WebSocket13FrameDecoder {

	static final String NAME = "wsdecoder";

	WsbootFrameDecoder(WebSocketDecoderConfig config) {
		super(config);
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
