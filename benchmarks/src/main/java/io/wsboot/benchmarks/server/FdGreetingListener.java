package io.wsboot.benchmarks.server;

import io.wsboot.WebSocketOpenEvent;
import io.wsboot.WebSocketServer;

import org.springframework.context.event.EventListener;

/**
 * Greets every connection of a cluster node with {@code fd:<fd>}, so that the load
 * generator knows the fds to push to.
 *
 * @since 0.1.0
 */
public class FdGreetingListener {

	/**
	 * Prefix of the greeting, followed by the connection's fd.
	 */
	public static final String GREETING = "fd:";

	private final WebSocketServer server;

	/**
	 * Create the listener.
	 * @param server the server that pushes the greeting
	 */
	public FdGreetingListener(WebSocketServer server) {
		this.server = server;
	}

	@EventListener
	void onOpen(WebSocketOpenEvent event) {
		this.server.push(event.getFd(), GREETING + event.getFd());
	}

}
