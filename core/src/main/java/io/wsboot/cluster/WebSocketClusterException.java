package io.wsboot.cluster;

import io.wsboot.WebSocketServerException;

/**
 * Signals that a cross-node operation of a {@link WebSocketCluster} failed: Redis is
 * unavailable, or no answer came in time.
 *
 * @since 0.1.0
 */
public class WebSocketClusterException extends WebSocketServerException {

	/**
	 * Create an exception.
	 * @param message what went wrong
	 */
	public WebSocketClusterException(String message) {
		super(message);
	}

	/**
	 * Create an exception that wraps a cause.
	 * @param message what went wrong
	 * @param cause the cause
	 */
	public WebSocketClusterException(String message, Throwable cause) {
		super(message, cause);
	}

}
