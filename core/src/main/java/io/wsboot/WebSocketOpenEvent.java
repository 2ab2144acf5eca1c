package io.wsboot;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a connection accepted by the default handshake is established, as
 * OpenSwoole's {@code Open} event. Not published when a custom
 * {@link HandshakeInterceptor} decides handshakes: use
 * {@link WebSocketServer#defer(Runnable)} in it instead.
 * <p>
 * Published after the 101 response was written, before any message of the connection, on
 * the thread that runs the connection's listeners ({@code wsboot.listener-execution}).
 *
 * @since 0.1.0
 */
public class WebSocketOpenEvent extends ApplicationEvent {

	private final HandshakeRequest request;

	/**
	 * Create an event.
	 * @param server the server
	 * @param request the handshake request of the connection
	 */
	public WebSocketOpenEvent(WebSocketServer server, HandshakeRequest request) {
		super(server);
		this.request = request;
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
		return this.request.getFd();
	}

	/**
	 * Return the handshake request of the connection.
	 * @return the request
	 */
	public HandshakeRequest getRequest() {
		return this.request;
	}

}
