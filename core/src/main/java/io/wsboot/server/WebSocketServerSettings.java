package io.wsboot.server;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The settings of a {@link NettyWebSocketServer}: limits, timeouts and where listeners
 * run. Immutable; built with {@link #builder()}.
 *
 * @since 0.1.0
 */
public final class WebSocketServerSettings {

	private final int maxFrameSize;

	private final int maxMessageSize;

	private final boolean compression;

	private final boolean compressionServerNoContextTakeover;

	private final int compressionServerMaxWindowBits;

	private final boolean compressionClientNoContextTakeover;

	private final Duration idleTimeout;

	private final Duration pingInterval;

	private final int maxConnections;

	private final int sendBufferSize;

	private final boolean closeOnSendBufferOverflow;

	private final boolean deliverPingFrames;

	private final boolean deliverPongFrames;

	private final boolean deliverCloseFrames;

	private final @Nullable Executor worker;

	private WebSocketServerSettings(Builder builder) {
		this.maxFrameSize = builder.maxFrameSize;
		this.maxMessageSize = builder.maxMessageSize;
		this.compression = builder.compression;
		this.compressionServerNoContextTakeover = builder.compressionServerNoContextTakeover;
		this.compressionServerMaxWindowBits = builder.compressionServerMaxWindowBits;
		this.compressionClientNoContextTakeover = builder.compressionClientNoContextTakeover;
		this.idleTimeout = builder.idleTimeout;
		this.pingInterval = builder.pingInterval;
		this.maxConnections = builder.maxConnections;
		this.sendBufferSize = builder.sendBufferSize;
		this.closeOnSendBufferOverflow = builder.closeOnSendBufferOverflow;
		this.deliverPingFrames = builder.deliverPingFrames;
		this.deliverPongFrames = builder.deliverPongFrames;
		this.deliverCloseFrames = builder.deliverCloseFrames;
		this.worker = builder.worker;
	}

	/**
	 * Return a builder with the defaults: frames of at most 64 KiB, messages of at most 1
	 * MiB, compression on with context takeover and 15-bit windows, no idle timeout, no
	 * pings, no connection limit, a send buffer of 2 MiB whose overflow drops the push,
	 * no control frame delivered as a message, and listeners on the event loop.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the largest frame payload accepted, in bytes; a larger frame closes the
	 * connection with 1009.
	 * @return the size
	 */
	public int maxFrameSize() {
		return this.maxFrameSize;
	}

	/**
	 * Return the largest reassembled (and inflated) message, in bytes; a larger one
	 * closes the connection with 1009.
	 * @return the size
	 */
	public int maxMessageSize() {
		return this.maxMessageSize;
	}

	/**
	 * Return whether permessage-deflate is negotiated.
	 * @return whether it is
	 */
	public boolean compression() {
		return this.compression;
	}

	/**
	 * Return whether the server compresses each message on its own
	 * ({@code server_no_context_takeover}, RFC 7692 §7.1.1.1) even when the client does
	 * not ask for it: the compressor's memory is freed between messages.
	 * @return whether it does
	 */
	public boolean compressionServerNoContextTakeover() {
		return this.compressionServerNoContextTakeover;
	}

	/**
	 * Return the largest window the server compresses with, in bits
	 * ({@code server_max_window_bits}, RFC 7692 §7.1.2.1); below 15 needs JZlib.
	 * @return the window bits, 9 to 15
	 */
	public int compressionServerMaxWindowBits() {
		return this.compressionServerMaxWindowBits;
	}

	/**
	 * Return whether clients are asked to compress each message on their own
	 * ({@code client_no_context_takeover}, RFC 7692 §7.1.1.2): the server's
	 * decompressor's memory is freed between messages.
	 * @return whether they are
	 */
	public boolean compressionClientNoContextTakeover() {
		return this.compressionClientNoContextTakeover;
	}

	/**
	 * Return how long a connection may receive nothing before it is closed with 1001,
	 * zero for no limit.
	 * @return the timeout
	 */
	public Duration idleTimeout() {
		return this.idleTimeout;
	}

	/**
	 * Return the interval of the server's pings, zero for none.
	 * @return the interval
	 */
	public Duration pingInterval() {
		return this.pingInterval;
	}

	/**
	 * Return the most connections open at once, {@code -1} for no limit.
	 * @return the limit
	 */
	public int maxConnections() {
		return this.maxConnections;
	}

	/**
	 * Return the most bytes a connection may have waiting to be sent.
	 * @return the size
	 */
	public int sendBufferSize() {
		return this.sendBufferSize;
	}

	/**
	 * Return whether a full send buffer closes the connection with 1008 rather than
	 * dropping the push.
	 * @return whether it closes
	 */
	public boolean closeOnSendBufferOverflow() {
		return this.closeOnSendBufferOverflow;
	}

	/**
	 * Return whether ping frames are published as message events.
	 * @return whether they are
	 */
	public boolean deliverPingFrames() {
		return this.deliverPingFrames;
	}

	/**
	 * Return whether pong frames are published as message events.
	 * @return whether they are
	 */
	public boolean deliverPongFrames() {
		return this.deliverPongFrames;
	}

	/**
	 * Return whether the client's close frame is published as a message event.
	 * @return whether it is
	 */
	public boolean deliverCloseFrames() {
		return this.deliverCloseFrames;
	}

	/**
	 * Return where listeners run, {@code null} for the event loop.
	 * @return the executor, or {@code null}
	 */
	public @Nullable Executor worker() {
		return this.worker;
	}

	/**
	 * A builder of {@link WebSocketServerSettings}.
	 */
	public static final class Builder {

		private int maxFrameSize = 64 * 1024;

		private int maxMessageSize = 1024 * 1024;

		private boolean compression = true;

		private boolean compressionServerNoContextTakeover;

		private int compressionServerMaxWindowBits = 15;

		private boolean compressionClientNoContextTakeover;

		private Duration idleTimeout = Duration.ZERO;

		private Duration pingInterval = Duration.ZERO;

		private int maxConnections = -1;

		private int sendBufferSize = 2 * 1024 * 1024;

		private boolean closeOnSendBufferOverflow;

		private boolean deliverPingFrames;

		private boolean deliverPongFrames;

		private boolean deliverCloseFrames;

		private @Nullable Executor worker;

		private Builder() {
		}

		/**
		 * Set the largest frame payload accepted.
		 * @param maxFrameSize the size in bytes, at least 1
		 * @return this builder
		 */
		public Builder maxFrameSize(int maxFrameSize) {
			Assert.isTrue(maxFrameSize > 0, "'maxFrameSize' must be positive");
			this.maxFrameSize = maxFrameSize;
			return this;
		}

		/**
		 * Set the largest reassembled message.
		 * @param maxMessageSize the size in bytes, at least 1
		 * @return this builder
		 */
		public Builder maxMessageSize(int maxMessageSize) {
			Assert.isTrue(maxMessageSize > 0, "'maxMessageSize' must be positive");
			this.maxMessageSize = maxMessageSize;
			return this;
		}

		/**
		 * Set whether permessage-deflate is negotiated.
		 * @param compression whether it is
		 * @return this builder
		 */
		public Builder compression(boolean compression) {
			this.compression = compression;
			return this;
		}

		/**
		 * Set whether the server compresses each message on its own.
		 * @param serverNoContextTakeover whether it does
		 * @return this builder
		 */
		public Builder compressionServerNoContextTakeover(boolean serverNoContextTakeover) {
			this.compressionServerNoContextTakeover = serverNoContextTakeover;
			return this;
		}

		/**
		 * Set the largest window the server compresses with.
		 * @param serverMaxWindowBits the window bits, 9 to 15
		 * @return this builder
		 */
		public Builder compressionServerMaxWindowBits(int serverMaxWindowBits) {
			Assert.isTrue(serverMaxWindowBits >= 9 && serverMaxWindowBits <= 15,
					"'serverMaxWindowBits' must be between 9 and 15");
			this.compressionServerMaxWindowBits = serverMaxWindowBits;
			return this;
		}

		/**
		 * Set whether clients are asked to compress each message on their own.
		 * @param clientNoContextTakeover whether they are
		 * @return this builder
		 */
		public Builder compressionClientNoContextTakeover(boolean clientNoContextTakeover) {
			this.compressionClientNoContextTakeover = clientNoContextTakeover;
			return this;
		}

		/**
		 * Set how long a connection may receive nothing.
		 * @param idleTimeout the timeout, zero for none
		 * @return this builder
		 */
		public Builder idleTimeout(Duration idleTimeout) {
			Assert.notNull(idleTimeout, "'idleTimeout' must not be null");
			Assert.isTrue(!idleTimeout.isNegative(), "'idleTimeout' must not be negative");
			this.idleTimeout = idleTimeout;
			return this;
		}

		/**
		 * Set the interval of the server's pings.
		 * @param pingInterval the interval, zero for none
		 * @return this builder
		 */
		public Builder pingInterval(Duration pingInterval) {
			Assert.notNull(pingInterval, "'pingInterval' must not be null");
			Assert.isTrue(!pingInterval.isNegative(), "'pingInterval' must not be negative");
			this.pingInterval = pingInterval;
			return this;
		}

		/**
		 * Set the most connections open at once.
		 * @param maxConnections the limit, {@code -1} for none
		 * @return this builder
		 */
		public Builder maxConnections(int maxConnections) {
			Assert.isTrue(maxConnections >= -1, "'maxConnections' must be -1 (no limit) or more");
			this.maxConnections = maxConnections;
			return this;
		}

		/**
		 * Set the most bytes a connection may have waiting to be sent.
		 * @param sendBufferSize the size in bytes, at least 1
		 * @return this builder
		 */
		public Builder sendBufferSize(int sendBufferSize) {
			Assert.isTrue(sendBufferSize > 0, "'sendBufferSize' must be positive");
			this.sendBufferSize = sendBufferSize;
			return this;
		}

		/**
		 * Set whether a full send buffer closes the connection with 1008 rather than
		 * dropping the push.
		 * @param closeOnSendBufferOverflow whether it closes
		 * @return this builder
		 */
		public Builder closeOnSendBufferOverflow(boolean closeOnSendBufferOverflow) {
			this.closeOnSendBufferOverflow = closeOnSendBufferOverflow;
			return this;
		}

		/**
		 * Set whether ping frames are published as message events.
		 * @param deliverPingFrames whether they are
		 * @return this builder
		 */
		public Builder deliverPingFrames(boolean deliverPingFrames) {
			this.deliverPingFrames = deliverPingFrames;
			return this;
		}

		/**
		 * Set whether pong frames are published as message events.
		 * @param deliverPongFrames whether they are
		 * @return this builder
		 */
		public Builder deliverPongFrames(boolean deliverPongFrames) {
			this.deliverPongFrames = deliverPongFrames;
			return this;
		}

		/**
		 * Set whether the client's close frame is published as a message event.
		 * @param deliverCloseFrames whether it is
		 * @return this builder
		 */
		public Builder deliverCloseFrames(boolean deliverCloseFrames) {
			this.deliverCloseFrames = deliverCloseFrames;
			return this;
		}

		/**
		 * Set where listeners run.
		 * @param worker the executor, or {@code null} for the event loop
		 * @return this builder
		 */
		public Builder worker(@Nullable Executor worker) {
			this.worker = worker;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 */
		public WebSocketServerSettings build() {
			return new WebSocketServerSettings(this);
		}

	}

}
