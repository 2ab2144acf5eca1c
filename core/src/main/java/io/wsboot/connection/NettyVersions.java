package io.wsboot.connection;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.Version;
import reactor.netty.NettyPipeline;

/**
 * What wsboot relies on in Netty and Reactor Netty's pipelines: the name Netty's
 * handshaker gives its frame decoder, its frame encoder, the close-frame check wsboot's
 * decoder overrides, and Reactor Netty's bridge to the connection's inbound. Checked once
 * at startup, so that a Netty or Reactor Netty release that changes them fails with the
 * versions in the message rather than somewhere in a connection.
 */
final class NettyVersions {

	private NettyVersions() {
	}

	/**
	 * Check that Netty's handshaker names its frame decoder as wsboot expects, by a
	 * handshake on an embedded channel.
	 * @throws IllegalStateException when it does not
	 */
	static void checkHandshaker() {
		EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec());
		try {
			FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
			request.headers()
				.set(HttpHeaderNames.HOST, "localhost")
				.set(HttpHeaderNames.UPGRADE, "websocket")
				.set(HttpHeaderNames.CONNECTION, "Upgrade")
				.set(HttpHeaderNames.SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==")
				.set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
			WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory("ws://localhost/", null, false)
				.newHandshaker(request);
			if (handshaker == null) {
				throw new IllegalStateException(missing("a version-13 handshaker"));
			}
			handshaker.handshake(channel, request).syncUninterruptibly();
			if (channel.pipeline().get(WsbootFrameDecoder.NAME) == null) {
				throw new IllegalStateException(missing("Netty's WebSocket frame decoder named '"
						+ WsbootFrameDecoder.NAME + "' after a handshake " + channel.pipeline().names()));
			}
			if (channel.pipeline().get(WebSocketFrameEncoder.class) == null) {
				throw new IllegalStateException(
						missing("Netty's WebSocket frame encoder after a handshake " + channel.pipeline().names()));
			}
		}
		finally {
			channel.finishAndReleaseAll();
		}
	}

	/**
	 * Check that wsboot's frame decoder still overrides the close-frame check of Netty's:
	 * a renamed method would leave the close-frame rules silently unapplied.
	 * @throws IllegalStateException when it does not
	 */
	static void checkDecoder() {
		try {
			Method method = WebSocket08FrameDecoder.class.getDeclaredMethod("checkCloseFrameBody",
					ChannelHandlerContext.class, ByteBuf.class);
			if (Modifier.isFinal(method.getModifiers()) || Modifier.isPrivate(method.getModifiers())) {
				throw new IllegalStateException(missing("an overridable WebSocket08FrameDecoder.checkCloseFrameBody"));
			}
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(missing("WebSocket08FrameDecoder.checkCloseFrameBody"), ex);
		}
	}

	/**
	 * Check the pipeline of an upgraded connection.
	 * @param pipeline the pipeline
	 * @throws IllegalStateException when a handler wsboot relies on is missing
	 */
	static void checkHandlers(ChannelPipeline pipeline) {
		if (pipeline.get(WsbootFrameDecoder.NAME) == null) {
			throw new IllegalStateException(missing("Netty's WebSocket frame decoder named '" + WsbootFrameDecoder.NAME
					+ "' (pipeline " + pipeline.names() + ")"));
		}
		if (pipeline.get(NettyPipeline.ReactiveBridge) == null) {
			throw new IllegalStateException(missing("Reactor Netty's handler named '" + NettyPipeline.ReactiveBridge
					+ "' (pipeline " + pipeline.names() + ")"));
		}
	}

	private static String missing(String what) {
		return "wsboot relies on " + what + ", which is missing on " + versions()
				+ ": use the Netty and Reactor Netty versions that Spring Boot manages";
	}

	/**
	 * Return the versions of Netty and Reactor Netty in use, for messages.
	 * @return the versions
	 */
	static String versions() {
		Map<String, Version> netty = Version.identify(NettyVersions.class.getClassLoader());
		Version codec = netty.get("netty-codec-http");
		String nettyVersion = (codec != null) ? codec.artifactVersion() : "an unknown version";
		String reactorNetty = NettyPipeline.class.getPackage().getImplementationVersion();
		return "Netty " + nettyVersion + " and Reactor Netty "
				+ ((reactorNetty != null) ? reactorNetty : "of an unknown version");
	}

}
