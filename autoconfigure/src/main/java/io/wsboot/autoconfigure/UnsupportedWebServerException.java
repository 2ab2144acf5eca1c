package io.wsboot.autoconfigure;

import io.wsboot.WebSocketServerException;

/**
 * Thrown at startup when wsboot is added to an application whose web server it cannot
 * serve: wsboot needs Spring WebFlux on Reactor Netty.
 *
 * @since 0.1.0
 */
public class UnsupportedWebServerException extends WebSocketServerException {

	private final Kind kind;

	private final String server;

	/**
	 * Create an exception.
	 * @param kind why the web server is not supported
	 * @param server the web server or application type found
	 */
	public UnsupportedWebServerException(Kind kind, String server) {
		super("wsboot needs Spring WebFlux on Reactor Netty, not " + server);
		this.kind = kind;
		this.server = server;
	}

	/**
	 * Return why the web server is not supported.
	 * @return the kind of failure
	 */
	public Kind getKind() {
		return this.kind;
	}

	/**
	 * Return the web server or application type found.
	 * @return a description of it
	 */
	public String getServer() {
		return this.server;
	}

	/**
	 * Why a web server is not supported.
	 */
	public enum Kind {

		/**
		 * The application is a servlet web application (Spring MVC).
		 */
		SERVLET,

		/**
		 * The application is a reactive web application on another server than Reactor
		 * Netty.
		 */
		REACTIVE_SERVER

	}

}
