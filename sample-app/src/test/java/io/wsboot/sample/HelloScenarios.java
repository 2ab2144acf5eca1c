package io.wsboot.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

import io.wsboot.WebSocketServer;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;

import org.springframework.boot.test.system.CapturedOutput;

import static io.wsboot.sample.HelloAssertions.assertHello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the example does whichever interceptor decides the handshake: a hello every second
 * from the open, a hello in answer to every message, and the open and close lines in the
 * log. Run by the tests of each handshake.
 */
final class HelloScenarios {

	/**
	 * How long each of the first hellos may take: the timer's first tick is a second
	 * after the open.
	 */
	static final Duration HELLO_WAIT = Duration.ofMillis(2500);

	/**
	 * How long an answer may take: less than the second to the next tick, so that what
	 * comes is the answer.
	 */
	static final Duration ANSWER_WAIT = Duration.ofMillis(500);

	private HelloScenarios() {
	}

	/**
	 * Connect and check that the first two messages are hellos.
	 * @param client the client, with the subprotocols to offer
	 */
	static void pushesHelloEverySecondAsTheFirstFrames(WebSocketTestClient client) {
		long start = Instant.now().getEpochSecond();
		try (WebSocketTestConnection connection = client.connect()) {
			assertHello(connection.expectText(HELLO_WAIT), start);
			assertHello(connection.expectText(HELLO_WAIT), start);
		}
	}

	/**
	 * Connect, wait for the first tick, send a message and check that a hello answers it
	 * at once and that the message is logged.
	 * @param client the client
	 * @param output the captured output
	 * @param send sends the message
	 * @param logged the message as the log shows it
	 */
	static void answersMessageWithHello(WebSocketTestClient client, CapturedOutput output,
			Consumer<WebSocketTestConnection> send, String logged) {
		long start = Instant.now().getEpochSecond();
		try (WebSocketTestConnection connection = client.connect()) {
			// The next tick is a second away: what comes right now is the answer
			assertHello(connection.expectText(HELLO_WAIT), start);
			send.accept(connection);
			assertHello(connection.expectText(ANSWER_WAIT), start);
			await().atMost(client.timeout())
				.untilAsserted(() -> assertThat(output).contains("received message: " + logged));
		}
	}

	/**
	 * Connect and close, and check that the open and close lines name the connection's
	 * fd.
	 * @param client the client
	 * @param server the server, to learn the fd
	 * @param output the captured output
	 * @param loggedOnOpen further lines the open logs
	 */
	static void logsOpenAndCloseWithTheFd(WebSocketTestClient client, WebSocketServer server, CapturedOutput output,
			String... loggedOnOpen) {
		Connections.awaitNone(server);
		long fd;
		try (WebSocketTestConnection connection = client.connect()) {
			fd = Connections.awaitOnly(server);
			await().atMost(client.timeout())
				.untilAsserted(() -> assertThat(output).containsPattern("connection open: " + fd + "\\b"));
			for (String line : loggedOnOpen) {
				assertThat(output).contains(line);
			}
		}
		await().atMost(client.timeout())
			.untilAsserted(() -> assertThat(output).containsPattern("connection close: " + fd + "\\b"));
	}

}
