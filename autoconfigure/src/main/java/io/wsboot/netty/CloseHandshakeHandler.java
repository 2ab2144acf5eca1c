package io.wsboot.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Ends the close handshake that the server started (RFC 6455 §5.5.1, §7.1.1): once the
 * server has sent its close frame, the client's answer closes the TCP connection and is
 * not echoed back. The server side waits for that answer at most
 * {@link NettyWebSocketServer#CLOSE_TIMEOUT_MILLIS}. It also records the close code of a
 * frame the decoders refused, for the close event.
 */
final class CloseHandshakeHandler extends ChannelInboundHandlerAdapter {

	static final String NAME = "wsboot.closeHandshake";

	private final WebSocketConnection connection;

	volatile boolean closeSent;

	CloseHandshakeHandler(WebSocketConnection connection) {
		this.connection = connection;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		if (this.closeSent && msg instanceof CloseWebSocketFrame frame) {
			frame.release();
			ctx.close();
			return;
		}
		super.channelRead(ctx, msg);
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
		if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
			this.connection.idle();
			return;
		}
		super.userEventTriggered(ctx, evt);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
		if (cause instanceof CorruptedWebSocketFrameException corrupted) {
			this.connection.onProtocolError(corrupted.closeStatus(), String.valueOf(corrupted.getMessage()));
		}
		super.exceptionCaught(ctx, cause);
	}

}
