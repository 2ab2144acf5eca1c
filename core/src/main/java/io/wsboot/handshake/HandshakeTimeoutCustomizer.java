package io.wsboot.handshake;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.util.Assert;

/**
 * Drops a TCP connection whose first HTTP request is not complete within a deadline from
 * accept ({@code wsboot.handshake-timeout}), including one that sends nothing. Once the
 * request head has arrived the check is removed, so it costs nothing afterwards.
 *
 * @since 0.1.0
 */
public final class HandshakeTimeoutCustomizer implements NettyServerCustomizer {

	private static final Log logger = LogFactory.getLog(HandshakeTimeoutCustomizer.class);

	static final String HANDLER_NAME = "wsboot.handshakeTimeout";

	private final long timeoutMillis;

	/**
	 * Create a customizer.
	 * @param timeout the deadline from accept to a complete request
	 */
	public HandshakeTimeoutCustomizer(Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		Assert.isTrue(timeout.toMillis() > 0, "'timeout' must be positive");
		this.timeoutMillis = timeout.toMillis();
	}

	@Override
	public HttpServer apply(HttpServer httpServer) {
		return httpServer.doOnChannelInit((observer, channel, remoteAddress) -> {
			ChannelPipeline pipeline = channel.pipeline();
			if (pipeline.get(NettyPipeline.HttpCodec) != null) {
				pipeline.addAfter(NettyPipeline.HttpCodec, HANDLER_NAME, new TimeoutHandler(this.timeoutMillis));
			}
		});
	}

	static final class TimeoutHandler extends ChannelInboundHandlerAdapter {

		private final long timeoutMillis;

		private @Nullable ScheduledFuture<?> timeout;

		private boolean done;

		TimeoutHandler(long timeoutMillis) {
			this.timeoutMillis = timeoutMillis;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			if (ctx.channel().isActive()) {
				schedule(ctx);
			}
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) throws Exception {
			schedule(ctx);
			super.channelActive(ctx);
		}

		private void schedule(ChannelHandlerContext ctx) {
			if (this.timeout == null && !this.done) {
				this.timeout = ctx.executor().schedule(() -> expire(ctx), this.timeoutMillis, TimeUnit.MILLISECONDS);
			}
		}

		private void expire(ChannelHandlerContext ctx) {
			if (!this.done) {
				this.done = true;
				if (logger.isDebugEnabled()) {
					logger.debug(ctx.channel() + " No complete request within " + this.timeoutMillis
							+ " ms: connection dropped");
				}
				ctx.close();
			}
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
			if (msg instanceof HttpRequest && !this.done) {
				this.done = true;
				cancel();
				ctx.pipeline().remove(this);
			}
			super.channelRead(ctx, msg);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) throws Exception {
			this.done = true;
			cancel();
			super.channelInactive(ctx);
		}

		private void cancel() {
			ScheduledFuture<?> timeout = this.timeout;
			if (timeout != null) {
				timeout.cancel(false);
				this.timeout = null;
			}
		}

	}

}
