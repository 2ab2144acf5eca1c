package io.wsboot.test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link WebSocketTestClient} that need no WebSocket server.
 */
class WebSocketTestClientTests {

	@Test
	void forPortTargetsLocalhost() {
		assertThat(WebSocketTestClient.forPort(8080).uri()).isEqualTo(URI.create("ws://localhost:8080/"));
	}

	@Test
	void createTakesHttpUrisAsWebSocketUris() {
		assertThat(WebSocketTestClient.create(URI.create("http://example.com:81")).uri())
			.isEqualTo(URI.create("ws://example.com:81/"));
		assertThat(WebSocketTestClient.create(URI.create("https://example.com/app/")).uri())
			.isEqualTo(URI.create("wss://example.com/app/"));
	}

	@Test
	void createRejectsOtherSchemes() {
		assertThatIllegalArgumentException().isThrownBy(() -> WebSocketTestClient.create(URI.create("ftp://host/")))
			.withMessageContaining("ftp://host/");
	}

	@Test
	void pathIsResolvedAgainstTheBaseUri() {
		WebSocketTestClient client = WebSocketTestClient.create(URI.create("ws://localhost:1/app/"));
		assertThat(client.path("/chat/lobby?token=a%20b").uri())
			.isEqualTo(URI.create("ws://localhost:1/chat/lobby?token=a%20b"));
		assertThat(client.path("chat").uri()).isEqualTo(URI.create("ws://localhost:1/app/chat"));
	}

	@Test
	void settingsReturnNewClients() {
		WebSocketTestClient client = WebSocketTestClient.forPort(1);
		WebSocketTestClient other = client.path("/other").timeout(Duration.ofSeconds(1)).header("Origin", "o");
		assertThat(other).isNotSameAs(client);
		assertThat(client.uri()).isEqualTo(URI.create("ws://localhost:1/"));
		assertThat(client.timeout()).isEqualTo(WebSocketTestClient.DEFAULT_TIMEOUT);
		assertThat(other.timeout()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void connectFailsWhenNothingListens() throws IOException {
		WebSocketTestClient client = WebSocketTestClient.forPort(freePort()).timeout(Duration.ofSeconds(2));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(client::connect)
			.withMessageContaining("Could not connect to ws://localhost:");
	}

	@Test
	void handshakeFailsWhenNothingListens() throws IOException {
		WebSocketTestClient client = WebSocketTestClient.forPort(freePort()).timeout(Duration.ofSeconds(2));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(client::handshake)
			.withMessageContaining("Could not connect to ws://localhost:");
	}

	@Test
	void handshakeWaitsNoLongerThanTheTimeoutForASilentServer() throws IOException {
		try (ServerSocket server = new ServerSocket(0)) {
			WebSocketTestClient client = WebSocketTestClient.forPort(server.getLocalPort())
				.timeout(Duration.ofMillis(300));
			long start = System.nanoTime();
			assertThatExceptionOfType(AssertionError.class).isThrownBy(client::handshake)
				.withMessageContaining("No complete handshake response")
				.withMessageContaining("within 300ms")
				.withMessageContaining("Sec-WebSocket-Version: 13");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
