package io.wsboot;

import org.springframework.context.ApplicationEvent;

/**
 * Published once for every established connection when it ends, whoever closed it, as
 * OpenSwoole's {@code Close} event. The connection's bound timers are cancelled before it
 * is published, and {@link WebSocketServer#exists(long)} is already {@code false}.
 * <p>
 * The close code is the one of the close frame that ended the connection, or {@code 1006}
 * when the TCP connection ended without one (RFC 6455 §7.1.5).
 *
 * @since 0.1.0
 */
public class WebSocketCloseEvent extends ApplicationEvent {

	/**
	 * Code used when the connection ended without a close frame (RFC 6455 §7.1.5).
	 */
	public static final int ABNORMAL_CLOSURE = 1006;

	private final long fd;

	private final int code;

	private final String reason;

	private final ClosedBy closedBy;

	/**
	 * Create an event.
	 * @param server the server
	 * @param fd the connection's fd
	 * @param code the close code
	 * @param reason the close reason, empty when none
	 * @param closedBy which side ended the connection
	 */
	public WebSocketCloseEvent(WebSocketServer server, long fd, int code, String reason, ClosedBy closedBy) {
		super(server);
		this.fd = fd;
		this.code = code;
		this.reason = reason;
		this.closedBy = closedBy;
	}

	@Override
	public WebSocketServer getSource() {
		return (WebSocketServer) super.getSource();
	}

	/**
	 * Return the connection's fd.
	 * @return the fd
	 */
	public long getFd() {
		return this.fd;
	}

	/**
	 * Return the close code.
	 * @return the code of the close frame, or {@link #ABNORMAL_CLOSURE}
	 */
	public int getCode() {
		return this.code;
	}

	/**
	 * Return the close reason.
	 * @return the reason, empty when none
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * Return which side ended the connection.
	 * @return the side
	 */
	public ClosedBy getClosedBy() {
		return this.closedBy;
	}

	@Override
	public String toString() {
		return "WebSocketCloseEvent{fd=" + this.fd + ", code=" + this.code + ", closedBy=" + this.closedBy + "}";
	}

	/**
	 * The side that ended a connection.
	 */
	public enum ClosedBy {

		/**
		 * The client sent the first close frame, or dropped the TCP connection.
		 */
		CLIENT,

		/**
		 * The server sent the first close frame ({@code disconnect}, shutdown, a protocol
		 * error).
		 */
		SERVER

	}

}
