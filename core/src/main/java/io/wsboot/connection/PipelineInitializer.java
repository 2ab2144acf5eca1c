package io.wsboot.connection;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.wsboot.server.WebSocketServerSettings;
import reactor.netty.NettyPipeline;

/**
 * Puts wsboot's handlers into the pipeline of a connection just upgraded by Reactor
 * Netty: wsboot's frame decoder (the close-frame rules) in place of Netty's, the check of
 * reserved bits where permessage-deflate was negotiated, the flush consolidation, the
 * idle timeout, the send buffer's bounds, the server's pings, and wsboot's frame handler
 * before Reactor Netty's.
 *
 * @since 0.1.0
 */
public final class PipelineInitializer {

	private static final String IDLE_STATE = "wsboot.idleState";

	private static final String FLUSH_CONSOLIDATION = "wsboot.flushConsolidation";

	private final WebSocketServerSettings settings;

	/**
	 * Create an initializer.
	 * @param settings the server's settings
	 */
	public PipelineInitializer(WebSocketServerSettings settings) {
		this.settings = settings;
	}

	/**
	 * Check once, before the first connection, that Netty's handshaker sets up the frame
	 * decoder and encoder as wsboot expects, and that wsboot's decoder overrides Netty's
	 * close-frame check.
	 * @throws IllegalStateException when it does not, with the versions in use
	 */
	public static void checkNetty() {
		NettyVersions.checkHandshaker();
		NettyVersions.checkDecoder();
	}

	/**
	 * Set up the pipeline of a connection, on its event loop, before it is registered.
	 * @param connection the connection
	 * @throws IllegalStateException when the pipeline lacks a handler wsboot relies on
	 */
	public void initialize(WebSocketConnection connection) {
		ChannelPipeline pipeline = connection.channel().pipeline();
		NettyVersions.checkHandlers(pipeline);
		// Reserved bits are allowed only where permessage-deflate was negotiated
		boolean deflate = pipeline.get(WebSocketExtensionDecoder.class) != null;
		pipeline.replace(WsbootFrameDecoder.NAME, WsbootFrameDecoder.NAME, new WsbootFrameDecoder(
				WsbootFrameDecoder.config(this.settings.maxFrameSize(), deflate), connection.inbound()::invalidUtf8));
		if (deflate) {
			pipeline.addAfter(WsbootFrameDecoder.NAME, ExtensionRsvValidator.NAME, new ExtensionRsvValidator());
		}
		// Frames that no extension transforms are encoded by OutboundFrames and written
		// below Netty's encoder
		if (pipeline.get(WebSocketExtensionEncoder.class) == null) {
			connection.writer().setEncoder(pipeline.context(WebSocketFrameEncoder.class));
		}
		// Pushes made while a read is handled (echo, pipelined requests) are flushed
		// once at the end of the read rather than one by one
		pipeline.addFirst(FLUSH_CONSOLIDATION,
				new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false));
		long idleTimeoutMillis = this.settings.idleTimeout().toMillis();
		if (idleTimeoutMillis > 0) {
			pipeline.addBefore(NettyPipeline.ReactiveBridge, IDLE_STATE,
					new IdleStateHandler(idleTimeoutMillis, 0, 0, TimeUnit.MILLISECONDS));
		}
		int sendBufferSize = this.settings.sendBufferSize();
		pipeline.channel()
			.config()
			.setWriteBufferWaterMark(new WriteBufferWaterMark(sendBufferSize / 2, sendBufferSize));
		long pingIntervalMillis = this.settings.pingInterval().toMillis();
		if (pingIntervalMillis > 0) {
			connection.writer().startPings(pingIntervalMillis);
		}
		// Listeners on the event loop need no backpressure: data frames go straight to
		// the connection rather than through Reactor Netty's inbound flux
		pipeline.addBefore(NettyPipeline.ReactiveBridge, InboundFrameHandler.NAME,
				new InboundFrameHandler(connection.inbound(), this.settings.worker() == null));
	}

}
