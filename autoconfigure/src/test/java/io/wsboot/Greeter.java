package io.wsboot;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;

import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Greets every connection opened by the default handshake with {@code fd:<fd>}, so that
 * clients learn their fd: {@link #connect(WebSocketTestClient)} reads the greeting and
 * {@link #fd(WebSocketTestConnection)} returns it.
 */
class Greeter {

	private static final Map<WebSocketTestConnection, Long> fds = Collections.synchronizedMap(new WeakHashMap<>());

	@EventListener
	void onOpen(WebSocketOpenEvent event) {
		event.getSource().push(event.getFd(), "fd:" + event.getFd());
	}

	/**
	 * Connect to an endpoint with a {@link Greeter} and read the greeting.
	 * @param client the client
	 * @return the open connection, its greeting consumed
	 */
	static WebSocketTestConnection connect(WebSocketTestClient client) {
		WebSocketTestConnection connection = client.connect();
		try {
			String greeting = connection.expectText();
			assertThat(greeting).as("greeting").matches("fd:\\d+");
			fds.put(connection, Long.parseLong(greeting.substring(3)));
			return connection;
		}
		catch (RuntimeException | AssertionError ex) {
			connection.close();
			throw ex;
		}
	}

	/**
	 * Read the greeting of a raw connection to an endpoint with a {@link Greeter}.
	 * @param connection the connection, just opened
	 * @return its fd
	 */
	static long readFd(RawWebSocketConnection connection) {
		String greeting = connection.expectText();
		assertThat(greeting).as("greeting").matches("fd:\\d+");
		return Long.parseLong(greeting.substring(3));
	}

	/**
	 * Return the fd a connection was greeted with.
	 * @param connection a connection of {@link #connect(WebSocketTestClient)}
	 * @return its fd
	 */
	static long fd(WebSocketTestConnection connection) {
		Long fd = fds.get(connection);
		assertThat(fd).as("fd of a greeted connection").isNotNull();
		return fd;
	}

}
