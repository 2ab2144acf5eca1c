package io.wsboot.benchmarks.server;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The floor: a WebSocket echo on bare Reactor Netty, no Spring. Every data frame goes
 * back as it came ({@code retain()}, no copy); the text message
 * {@value ServerSupport#BROADCAST} is answered by a broadcast to every connection,
 * written to each channel as wsboot does.
 *
 * @since 0.1.0
 */
public final class BareEchoServer {

	private static final ByteBuf TRIGGER = Unpooled
		.unreleasableBuffer(Unpooled.copiedBuffer(ServerSupport.BROADCAST, StandardCharsets.US_ASCII));

	private BareEchoServer() {
	}

	/**
	 * Start the server.
	 * @param host the address to bind
	 * @param port the port, 0 for any
	 * @return the running server
	 */
	public static DisposableServer start(String host, int port) {
		Set<Channel> channels = ConcurrentHashMap.newKeySet();
		return HttpServer.create()
			.host(host)
			.port(port)
			.handle((request, response) -> response.sendWebsocket((in, out) -> {
				in.withConnection((connection) -> {
					Channel channel = connection.channel();
					channels.add(channel);
					connection.onDispose(() -> channels.remove(channel));
				});
				// Retained before the filter: Reactor Netty releases what a filter
				// discards, and again after onNext
				return out.sendObject(in.receiveFrames()
					.map(WebSocketFrame::retain)
					.filter((frame) -> isData(frame) && !broadcastIfTrigger(frame, channels)));
			}))
			.bindNow();
	}

	private static boolean isData(WebSocketFrame frame) {
		return frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
				|| frame instanceof ContinuationWebSocketFrame;
	}

	private static boolean broadcastIfTrigger(WebSocketFrame frame, Set<Channel> channels) {
		if (!(frame instanceof TextWebSocketFrame) || !ByteBufUtil.equals(frame.content(), TRIGGER)) {
			return false;
		}
		ByteBuf payload = ByteBufUtil.writeUtf8(ByteBufAllocator.DEFAULT, ServerSupport.broadcastPayload());
		try {
			for (Channel channel : channels) {
				channel.writeAndFlush(new TextWebSocketFrame(payload.retainedDuplicate()));
			}
		}
		finally {
			payload.release();
		}
		return true;
	}

	public static void main(String[] args) {
		DisposableServer server = start("127.0.0.1", ServerSupport.port(args));
		Runtime.getRuntime().addShutdownHook(new Thread(server::disposeNow));
		ServerSupport.ready(server.port());
		server.onDispose().block();
	}

}
