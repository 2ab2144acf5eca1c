package io.wsboot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the wsboot WebSocket server.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("wsboot")
public class WsbootProperties {

	/**
	 * Whether to enable the WebSocket endpoint.
	 */
	private boolean enabled = true;

	/**
	 * Path of the WebSocket endpoint, a PathPattern whose variables (such as
	 * '/chat/{room}') are given to the handshake and the connection.
	 */
	private String path = "/";

	/**
	 * Subprotocols the default handshake may select; the first one offered by the client
	 * that is in this list wins.
	 */
	private List<String> subprotocols = new ArrayList<>();

	/**
	 * Origins or origin patterns (such as 'https://*.example.com') accepted in handshakes
	 * that carry an Origin header, besides the application's own origin, which is always
	 * accepted; '*' accepts any. When empty, only the application's own origin is.
	 */
	private List<String> allowedOrigins = new ArrayList<>();

	/**
	 * Largest frame payload accepted; a larger frame closes the connection with 1009.
	 */
	private DataSize maxFrameSize = DataSize.ofKilobytes(64);

	/**
	 * Largest reassembled message accepted; a larger message closes the connection with
	 * 1009.
	 */
	private DataSize maxMessageSize = DataSize.ofMegabytes(1);

	/**
	 * Deadline from TCP accept to a complete first request, on every HTTP connection of
	 * the server (not only WebSocket handshakes); a connection that misses it is dropped.
	 * Zero turns the deadline off.
	 */
	private Duration handshakeTimeout = Duration.ofSeconds(10);

	/**
	 * How long a connection may receive nothing (no frame, no pong) before it is closed
	 * with 1001. Zero turns the check off.
	 */
	private Duration idleTimeout = Duration.ZERO;

	/**
	 * Interval at which the server pings each connection; a pong counts as received for
	 * the idle timeout. Zero sends no pings.
	 */
	private Duration pingInterval = Duration.ZERO;

	/**
	 * Most connections open at once; a handshake beyond it is refused with 503. -1 means
	 * no limit.
	 */
	private int maxConnections = -1;

	/**
	 * Most bytes a connection may have waiting to be sent; a push beyond it is handled as
	 * send-buffer-overflow says.
	 */
	private DataSize sendBufferSize = DataSize.ofMegabytes(2);

	/**
	 * What a push does when the connection's send buffer is full.
	 */
	private SendBufferOverflow sendBufferOverflow = SendBufferOverflow.DROP;

	private Compression compression = new Compression();

	/**
	 * Whether to also publish ping frames as message events. Pings are answered with a
	 * pong either way.
	 */
	private boolean deliverPingFrames;

	/**
	 * Whether to also publish pong frames as message events.
	 */
	private boolean deliverPongFrames;

	/**
	 * Whether to also publish the client's close frame as a message event, before the
	 * close event.
	 */
	private boolean deliverCloseFrames;

	/**
	 * Where listeners, connection timers and deferred tasks run. The events of one
	 * connection stay in order and never run concurrently in every mode.
	 */
	private ListenerExecution listenerExecution = ListenerExecution.EVENT_LOOP;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public List<String> getSubprotocols() {
		return this.subprotocols;
	}

	public void setSubprotocols(List<String> subprotocols) {
		this.subprotocols = subprotocols;
	}

	public List<String> getAllowedOrigins() {
		return this.allowedOrigins;
	}

	public void setAllowedOrigins(List<String> allowedOrigins) {
		this.allowedOrigins = allowedOrigins;
	}

	public DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public Duration getHandshakeTimeout() {
		return this.handshakeTimeout;
	}

	public void setHandshakeTimeout(Duration handshakeTimeout) {
		this.handshakeTimeout = handshakeTimeout;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public Duration getPingInterval() {
		return this.pingInterval;
	}

	public void setPingInterval(Duration pingInterval) {
		this.pingInterval = pingInterval;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	public DataSize getSendBufferSize() {
		return this.sendBufferSize;
	}

	public void setSendBufferSize(DataSize sendBufferSize) {
		this.sendBufferSize = sendBufferSize;
	}

	public SendBufferOverflow getSendBufferOverflow() {
		return this.sendBufferOverflow;
	}

	public void setSendBufferOverflow(SendBufferOverflow sendBufferOverflow) {
		this.sendBufferOverflow = sendBufferOverflow;
	}

	public Compression getCompression() {
		return this.compression;
	}

	/**
	 * Set the compression settings; also what the deprecated
	 * {@code wsboot.compression=true|false} binds to.
	 * @param compression the settings
	 */
	public void setCompression(Compression compression) {
		this.compression = compression;
	}

	public boolean isDeliverPingFrames() {
		return this.deliverPingFrames;
	}

	public void setDeliverPingFrames(boolean deliverPingFrames) {
		this.deliverPingFrames = deliverPingFrames;
	}

	public boolean isDeliverPongFrames() {
		return this.deliverPongFrames;
	}

	public void setDeliverPongFrames(boolean deliverPongFrames) {
		this.deliverPongFrames = deliverPongFrames;
	}

	public boolean isDeliverCloseFrames() {
		return this.deliverCloseFrames;
	}

	public void setDeliverCloseFrames(boolean deliverCloseFrames) {
		this.deliverCloseFrames = deliverCloseFrames;
	}

	public ListenerExecution getListenerExecution() {
		return this.listenerExecution;
	}

	public void setListenerExecution(ListenerExecution listenerExecution) {
		this.listenerExecution = listenerExecution;
	}

	/**
	 * permessage-deflate compression (RFC 7692).
	 */
	public static class Compression {

		/**
		 * Whether to negotiate permessage-deflate compression with clients that offer it.
		 */
		private boolean enabled;

		/**
		 * Whether the server compresses each message on its own even when the client does
		 * not ask for it (server_no_context_takeover): its compressor's memory is freed
		 * between messages, at the cost of compression ratio and of setting up a
		 * compressor per message.
		 */
		private boolean serverNoContextTakeover;

		/**
		 * Largest LZ77 window the server compresses with, in bits
		 * (server_max_window_bits, 9 to 15). Below 15 needs JZlib (com.jcraft:jzlib) on
		 * the class path.
		 */
		private int serverMaxWindowBits = 15;

		/**
		 * Whether to ask clients to compress each message on their own
		 * (client_no_context_takeover): the server's decompressor's memory is freed
		 * between messages.
		 */
		private boolean clientNoContextTakeover;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isServerNoContextTakeover() {
			return this.serverNoContextTakeover;
		}

		public void setServerNoContextTakeover(boolean serverNoContextTakeover) {
			this.serverNoContextTakeover = serverNoContextTakeover;
		}

		public int getServerMaxWindowBits() {
			return this.serverMaxWindowBits;
		}

		public void setServerMaxWindowBits(int serverMaxWindowBits) {
			this.serverMaxWindowBits = serverMaxWindowBits;
		}

		public boolean isClientNoContextTakeover() {
			return this.clientNoContextTakeover;
		}

		public void setClientNoContextTakeover(boolean clientNoContextTakeover) {
			this.clientNoContextTakeover = clientNoContextTakeover;
		}

	}

	/**
	 * What a push does when a connection's send buffer is full.
	 */
	public enum SendBufferOverflow {

		/**
		 * The push returns {@code false} and the message is not sent.
		 */
		DROP,

		/**
		 * The connection is closed with 1008 and the push returns {@code false}.
		 */
		CLOSE

	}

	/**
	 * Where the listeners of a connection run.
	 */
	public enum ListenerExecution {

		/**
		 * On the Netty event loop that owns the connection: fastest, listeners must not
		 * block.
		 */
		EVENT_LOOP,

		/**
		 * On Reactor's bounded elastic scheduler, one task at a time per connection:
		 * listeners may block.
		 */
		BOUNDED_ELASTIC,

		/**
		 * On virtual threads (Java 21 or later), one task at a time per connection:
		 * listeners may block.
		 */
		VIRTUAL_THREADS

	}

}
