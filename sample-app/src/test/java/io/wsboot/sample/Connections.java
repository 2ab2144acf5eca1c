package io.wsboot.sample;

import java.util.List;

import io.wsboot.WebSocketServer;
import io.wsboot.test.WebSocketTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bounded waits on the connections of a {@link WebSocketServer}, to learn the fd of the
 * one connection a test opens.
 */
final class Connections {

	private Connections() {
	}

	/**
	 * Wait until the connections of earlier tests are gone.
	 * @param server the server
	 */
	static void awaitNone(WebSocketServer server) {
		await().atMost(WebSocketTestClient.DEFAULT_TIMEOUT)
			.untilAsserted(() -> assertThat(server.connections()).isEmpty());
	}

	/**
	 * Wait until the server has exactly one connection.
	 * @param server the server
	 * @return its fd
	 */
	static long awaitOnly(WebSocketServer server) {
		await().atMost(WebSocketTestClient.DEFAULT_TIMEOUT)
			.untilAsserted(() -> assertThat(server.connections()).hasSize(1));
		List<Long> connections = server.connections();
		assertThat(connections).hasSize(1);
		return connections.get(0);
	}

}
