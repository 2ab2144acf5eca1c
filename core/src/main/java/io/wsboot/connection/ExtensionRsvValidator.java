package io.wsboot.connection;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Checks the reserved bits of frames on a connection that negotiated permessage-deflate,
 * where Netty's decoder lets any through: only the first frame of a data message may set
 * RSV1 (RFC 7692 §6); RSV2, RSV3 and RSV1 anywhere else are a protocol error (1002, RFC
 * 6455 §5.2).
 */
final class ExtensionRsvValidator extends ChannelInboundHandlerAdapter {

	static final String NAME = "wsboot.rsvValidator";

	private static final int RSV1 = 0x4;

	private boolean violated;

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		if (msg instanceof WebSocketFrame frame && frame.rsv() != 0) {
			boolean allowed = frame.rsv() == RSV1 && !(frame instanceof ContinuationWebSocketFrame)
					&& !isControl(frame);
			if (!allowed || this.violated) {
				frame.release();
				violation(ctx, "reserved bits " + frame.rsv() + " set in a " + frame.getClass().getSimpleName());
				return;
			}
		}
		if (this.violated) {
			ReferenceCountUtil.release(msg);
			return;
		}
		super.channelRead(ctx, msg);
	}

	private static boolean isControl(WebSocketFrame frame) {
		return frame instanceof CloseWebSocketFrame || frame instanceof PingWebSocketFrame
				|| frame instanceof PongWebSocketFrame;
	}

	private void violation(ChannelHandlerContext ctx, String reason) {
		if (this.violated) {
			return;
		}
		this.violated = true;
		if (ctx.channel().isActive()) {
			ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR, reason))
				.addListener(ChannelFutureListener.CLOSE);
		}
		ctx.fireExceptionCaught(new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, reason));
	}

}
