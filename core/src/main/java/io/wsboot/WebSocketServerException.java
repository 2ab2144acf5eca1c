package io.wsboot;

/**
 * Thrown when the WebSocket server cannot do what was asked of it.
 *
 * @since 0.1.0
 */
public class WebSocketServerException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message what went wrong
	 */
	public WebSocketServerException(String message) {
		super(message);
	}

	/**
	 * Create an exception that wraps a cause.
	 * @param message what went wrong
	 * @param cause the cause
	 */
	public WebSocketServerException(String message, Throwable cause) {
		super(message, cause);
	}

}
