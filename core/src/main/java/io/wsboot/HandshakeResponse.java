package io.wsboot;

/**
 * The HTTP response of a WebSocket handshake, as OpenSwoole's
 * {@code Swoole\Http\Response} in its {@code Handshake} callback.
 * <p>
 * To accept, an interceptor sets status {@code 101} with {@link #status(int)}, may add
 * headers (a {@code Sec-WebSocket-Protocol} chosen from the client's offer, for example)
 * and calls {@link #end()}. To reject, it sets any other status (400 is sent when none is
 * set), may add headers and a body, and returns {@code false}.
 * <p>
 * The headers that make a 101 acceptable to a client ({@code Upgrade},
 * {@code Connection}, {@code Sec-WebSocket-Accept}) are checked and completed by the
 * server: a 101 that a compliant client would reject is never sent (RFC 6455 §4.2.2).
 *
 * @since 0.1.0
 * @see HandshakeInterceptor
 */
public interface HandshakeResponse {

	/**
	 * Set the HTTP status.
	 * @param status the status, {@code 101} to accept
	 * @return this response
	 */
	HandshakeResponse status(int status);

	/**
	 * Set a header, replacing any value it had.
	 * @param name the header name
	 * @param value the value
	 * @return this response
	 */
	HandshakeResponse header(String name, String value);

	/**
	 * End the response. Needed to accept the handshake.
	 */
	void end();

	/**
	 * End the response with a body, sent only when the handshake is rejected.
	 * @param body the body, as UTF-8 text
	 */
	void end(String body);

	/**
	 * Return the status set so far.
	 * @return the status or {@code 0} when none was set
	 */
	int getStatus();

	/**
	 * Whether {@link #end()} was called.
	 * @return whether the response was ended
	 */
	boolean isEnded();

}
