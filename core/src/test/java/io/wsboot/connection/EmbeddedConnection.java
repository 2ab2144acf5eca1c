package io.wsboot.connection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketClientExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateClientExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.util.ReferenceCountUtil;
import io.wsboot.Frame;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketServer;
import io.wsboot.event.WebSocketEventPublisher;
import io.wsboot.metrics.WebSocketCounters;
import io.wsboot.server.WebSocketServerSettings;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;

import org.springframework.context.ApplicationEvent;

import static org.mockito.Mockito.mock;

/**
 * A {@link WebSocketConnection} on an {@link EmbeddedChannel} whose pipeline is the one
 * of a connection Reactor Netty just upgraded (Netty's frame encoder and decoder, and a
 * stand-in for Reactor Netty's bridge) set up by the {@link PipelineInitializer}. A
 * client's frames go in masked and encoded; what the server writes is read back through a
 * client's frame decoder.
 */
final class EmbeddedConnection implements AutoCloseable {

	static final long FD = 7;

	final EmbeddedChannel channel = new EmbeddedChannel();

	final WebSocketCounters counters = new WebSocketCounters();

	/** Every event published, in order. */
	final List<ApplicationEvent> events = new CopyOnWriteArrayList<>();

	/** The callback context at each event published. */
	final List<CallbackContext.@Nullable Target> eventContexts = new CopyOnWriteArrayList<>();

	/** What reached Reactor Netty's bridge: what wsboot's handlers passed on. */
	final List<Object> passedOn = new CopyOnWriteArrayList<>();

	/** The exceptions that reached Reactor Netty's bridge. */
	final List<Throwable> exceptions = new CopyOnWriteArrayList<>();

	final WebSocketConnection connection;

	private final EmbeddedChannel clientEncoder;

	private final EmbeddedChannel clientDecoder;

	private volatile Consumer<ApplicationEvent> listener = (event) -> {
	};

	EmbeddedConnection(WebSocketServerSettings settings) {
		this(settings, false);
	}

	/**
	 * Create a connection.
	 * @param settings the server's settings
	 * @param deflate whether the upgrade negotiated permessage-deflate: the extension's
	 * encoder and decoder follow Netty's, as the upgrade leaves them, and the client
	 * compresses too
	 */
	EmbeddedConnection(WebSocketServerSettings settings, boolean deflate) {
		this.channel.freezeTime();
		this.channel.pipeline()
			.addLast("wsencoder", new WebSocket13FrameEncoder(false))
			.addLast(WsbootFrameDecoder.NAME, new WebSocket13FrameDecoder(true, deflate, 65536));
		WebSocketDecoderConfig clientConfig = WebSocketDecoderConfig.newBuilder()
			.expectMaskedFrames(false)
			.allowExtensions(true)
			.maxFramePayloadLength(1 << 24)
			.build();
		if (deflate) {
			WebSocketExtensionData offer = new WebSocketExtensionData("permessage-deflate", Map.of());
			WebSocketServerExtension server = new PerMessageDeflateServerExtensionHandshaker()
				.handshakeExtension(offer);
			WebSocketClientExtension client = new PerMessageDeflateClientExtensionHandshaker()
				.handshakeExtension(offer);
			this.channel.pipeline()
				.addLast("deflateDecoder", server.newExtensionDecoder())
				.addLast("deflateEncoder", server.newExtensionEncoder());
			this.clientEncoder = new EmbeddedChannel(new WebSocket13FrameEncoder(true), client.newExtensionEncoder());
			this.clientDecoder = new EmbeddedChannel(new WebSocket13FrameDecoder(clientConfig),
					client.newExtensionDecoder());
		}
		else {
			this.clientEncoder = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
			this.clientDecoder = new EmbeddedChannel(new WebSocket13FrameDecoder(clientConfig));
		}
		this.channel.pipeline().addLast(NettyPipeline.ReactiveBridge, new ReactiveBridge());
		this.connection = new WebSocketConnection(this.channel, new TestHandshakeRequest(FD, "/ws"), Map.of(), null,
				settings, this.counters, publisher((event) -> {
					this.eventContexts.add(CallbackContext.current());
					this.events.add(event);
					this.listener.accept(event);
				}));
		new PipelineInitializer(settings).initialize(this.connection);
	}

	/**
	 * Return a publisher of a server's events.
	 * @param events where the events go
	 * @return the publisher
	 */
	static WebSocketEventPublisher publisher(Consumer<ApplicationEvent> events) {
		return new WebSocketEventPublisher(mock(WebSocketServer.class),
				(event) -> events.accept((ApplicationEvent) event));
	}

	/**
	 * Run this for every event published, after it is recorded.
	 * @param listener the listener
	 */
	void onEvent(Consumer<ApplicationEvent> listener) {
		this.listener = listener;
	}

	/**
	 * A client sends frames: they are masked, encoded and read by the server in one read.
	 * @param frames the frames, released here
	 */
	void receive(WebSocketFrame... frames) {
		ByteBuf bytes = Unpooled.buffer();
		for (WebSocketFrame frame : frames) {
			this.clientEncoder.writeOutbound(frame);
			for (ByteBuf encoded; (encoded = this.clientEncoder.readOutbound()) != null;) {
				bytes.writeBytes(encoded);
				encoded.release();
			}
		}
		this.channel.writeInbound(bytes);
	}

	/**
	 * Return what the server wrote since the last call, decoded by a client.
	 * @return the frames written
	 */
	List<Sent> sent() {
		for (Object written; (written = this.channel.readOutbound()) != null;) {
			this.clientDecoder.writeInbound(written);
		}
		List<Sent> sent = new ArrayList<>();
		for (WebSocketFrame frame; (frame = this.clientDecoder.readInbound()) != null;) {
			try {
				sent.add(new Sent(frame.getClass().getSimpleName().replace("WebSocketFrame", ""),
						frame.isFinalFragment(), ByteBufUtil.getBytes(frame.content()), frame.rsv()));
			}
			finally {
				frame.release();
			}
		}
		return sent;
	}

	/**
	 * Return the messages published.
	 * @return the frames of the message events
	 */
	List<Frame> messages() {
		return this.events.stream()
			.filter(WebSocketMessageEvent.class::isInstance)
			.map((event) -> ((WebSocketMessageEvent) event).getFrame())
			.toList();
	}

	@Override
	public void close() {
		this.connection.markClosed();
		this.channel.finishAndReleaseAll();
		this.clientEncoder.finishAndReleaseAll();
		this.clientDecoder.finishAndReleaseAll();
	}

	/**
	 * A frame the server wrote.
	 *
	 * @param type its type: Text, Binary, Continuation, Ping, Pong or Close
	 * @param fin whether it is the final fragment
	 * @param payload its payload
	 * @param rsv its reserved bits
	 */
	record Sent(String type, boolean fin, byte[] payload, int rsv) {

		String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		int closeCode() {
			return ((this.payload[0] & 0xff) << 8) | (this.payload[1] & 0xff);
		}

		String closeReason() {
			return new String(this.payload, 2, this.payload.length - 2, StandardCharsets.UTF_8);
		}

		@Override
		public String toString() {
			return this.type + (this.fin ? "" : "(not final)") + ":"
					+ ("Close".equals(this.type) ? closeCode() + " " + closeReason() : text());
		}

	}

	/**
	 * Stands in for Reactor Netty's bridge to the connection's inbound: records what
	 * reaches it and, as the connection's inbound subscriber does, hands its frames (but
	 * a close frame) to the connection.
	 */
	@ChannelHandler.Sharable
	private final class ReactiveBridge extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			EmbeddedConnection.this.passedOn.add(msg.getClass().getSimpleName());
			try {
				if (msg instanceof WebSocketFrame frame && !(msg instanceof CloseWebSocketFrame)) {
					EmbeddedConnection.this.connection.inbound().onFrame(frame);
				}
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			EmbeddedConnection.this.exceptions.add(cause);
		}

	}

}
