package io.wsboot.observation;

import io.micrometer.observation.Observation;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Context of the {@link WsbootObservationDocumentation#HANDSHAKE} observation.
 *
 * @since 0.1.0
 */
public class HandshakeObservationContext extends Observation.Context {

	private final long fd;

	private final ServerHttpRequest request;

	private final String pathPattern;

	private int status;

	/**
	 * Create a context.
	 * @param fd the fd allocated to the handshake
	 * @param request the HTTP request of the handshake
	 * @param pathPattern the endpoint's path pattern
	 */
	public HandshakeObservationContext(long fd, ServerHttpRequest request, String pathPattern) {
		this.fd = fd;
		this.request = request;
		this.pathPattern = pathPattern;
	}

	/**
	 * Return the fd allocated to the handshake.
	 * @return the fd
	 */
	public long getFd() {
		return this.fd;
	}

	/**
	 * Return the HTTP request of the handshake.
	 * @return the request
	 */
	public ServerHttpRequest getRequest() {
		return this.request;
	}

	/**
	 * Return the endpoint's path pattern.
	 * @return the pattern
	 */
	public String getPathPattern() {
		return this.pathPattern;
	}

	/**
	 * Return the HTTP status of the answer.
	 * @return the status, {@code 0} before it is known
	 */
	public int getStatus() {
		return this.status;
	}

	/**
	 * Set the HTTP status of the answer.
	 * @param status the status
	 */
	public void setStatus(int status) {
		this.status = status;
	}

}
