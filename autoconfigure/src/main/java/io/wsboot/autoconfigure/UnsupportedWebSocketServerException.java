package io.wsboot.autoconfigure;

import java.util.Map;

import io.wsboot.WebSocketServer;
import io.wsboot.WebSocketServerException;

/**
 * Thrown at startup when the application defines a {@link WebSocketServer} bean that
 * replaces wsboot's engine: the endpoint, its meters and its health need the engine,
 * which backs off for the application's bean.
 *
 * @since 0.1.0
 */
public class UnsupportedWebSocketServerException extends WebSocketServerException {

	private final Map<String, String> servers;

	/**
	 * Create an exception.
	 * @param servers the application's {@link WebSocketServer} beans: bean name to type
	 */
	public UnsupportedWebSocketServerException(Map<String, String> servers) {
		super("The application's WebSocketServer bean " + servers
				+ " replaces wsboot's engine, which the WebSocket endpoint needs");
		this.servers = Map.copyOf(servers);
	}

	/**
	 * Return the application's {@link WebSocketServer} beans.
	 * @return the bean names and their types
	 */
	public Map<String, String> getServers() {
		return this.servers;
	}

}
