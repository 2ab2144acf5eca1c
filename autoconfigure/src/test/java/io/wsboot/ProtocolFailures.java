package io.wsboot;

import java.io.UncheckedIOException;
import java.time.Duration;

import io.wsboot.ProtocolFailures.ClientAction;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the server fails a connection that breaks the protocol: a close frame with
 * the code, the end of the TCP connection and one close event with the code, closed by
 * the server. The endpoint must greet its connections with a {@link Greeter}.
 */
final class ProtocolFailures {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private ProtocolFailures() {
	}

	/**
	 * Open a raw connection, run an action that breaks the protocol, and check that the
	 * server fails the connection with a code.
	 * @param client the client of the endpoint
	 * @param recorder the recorder of the application's events
	 * @param server the server
	 * @param code the close code expected
	 * @param action what the client does wrong
	 * @return the fd of the failed connection
	 */
	static long assertFailedWith(WebSocketTestClient client, WebSocketEventRecorder recorder, WebSocketServer server,
			int code, ClientAction action) {
		long fd;
		try (RawWebSocketConnection socket = client.connectRaw()) {
			fd = Greeter.readFd(socket);
			action.accept(socket);
			ReceivedFrame close = socket.readFrame();
			assertThat(close.opcode()).as("opcode of the server's answer").isEqualTo(RawWebSocketConnection.CLOSE);
			assertThat(close.closeCode()).as("close code of %s", close.closeReason()).isEqualTo(code);
			try {
				// answer as a compliant client does
				socket.sendClose(code, "");
			}
			catch (UncheckedIOException ex) {
				// a failed connection may be dropped without waiting for the answer
			}
			assertThat(socket.awaitServerClose(TIMEOUT)).as("TCP connection ended").isTrue();
		}
		WebSocketCloseEvent event = recorder.awaitClose(fd, TIMEOUT);
		assertThat(event.getCode()).as("code of the close event").isEqualTo(code);
		assertThat(event.getClosedBy()).isEqualTo(ClosedBy.SERVER);
		assertThat(recorder.events(fd)).filteredOn(WebSocketCloseEvent.class::isInstance).hasSize(1);
		assertThat(server.exists(fd)).isFalse();
		return fd;
	}

	/**
	 * What a client does on a raw connection.
	 */
	@FunctionalInterface
	interface ClientAction {

		void accept(RawWebSocketConnection socket);

	}

}
