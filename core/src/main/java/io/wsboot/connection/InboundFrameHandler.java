package io.wsboot.connection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * wsboot's handler of one connection's decoded frames, just before Reactor Netty's.
 * <ul>
 * <li>When listeners run on the event loop, it hands data frames (text, binary,
 * continuation) to the connection itself: Reactor Netty's inbound flux then carries only
 * control frames and the end of the connection. Listeners on other threads read through
 * the flux, whose demand holds back the socket.</li>
 * <li>It ends the close handshake that the server started (RFC 6455 §5.5.1, §7.1.1): once
 * the server has sent its close frame, the client's answer closes the TCP connection and
 * is not echoed back. The server side waits for that answer at most
 * {@link CloseSequence#CLOSE_TIMEOUT_MILLIS}.</li>
 * <li>It records the close code of a frame the decoders refused, for the close event, and
 * reports the idle timeout.</li>
 * </ul>
 */
final class InboundFrameHandler extends ChannelInboundHandlerAdapter {

	static final String NAME = "wsboot.frames";

	private final ConnectionInbound inbound;

	private final boolean deliverDataFrames;

	/**
	 * Create a handler.
	 * @param inbound the inbound side of the connection whose frames it handles
	 * @param deliverDataFrames whether it hands data frames to the connection itself
	 */
	InboundFrameHandler(ConnectionInbound inbound, boolean deliverDataFrames) {
		this.inbound = inbound;
		this.deliverDataFrames = deliverDataFrames;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		if (this.deliverDataFrames && isDataFrame(msg)) {
			WebSocketFrame frame = (WebSocketFrame) msg;
			try {
				this.inbound.onFrame(frame);
			}
			finally {
				frame.release();
			}
			return;
		}
		if (msg instanceof CloseWebSocketFrame frame && this.inbound.isCloseSent()) {
			frame.release();
			ctx.close();
			return;
		}
		ctx.fireChannelRead(msg);
	}

	private static boolean isDataFrame(Object msg) {
		return msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
				|| msg instanceof ContinuationWebSocketFrame;
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
		if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
			this.inbound.idle();
			return;
		}
		super.userEventTriggered(ctx, evt);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
		if (cause instanceof CorruptedWebSocketFrameException) {
			// Recorded before the decoder's close ends the connection; the inbound flux
			// gets it too
			this.inbound.onError(cause);
		}
		super.exceptionCaught(ctx, cause);
	}

}
