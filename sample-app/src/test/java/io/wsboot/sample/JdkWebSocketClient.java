package io.wsboot.sample;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client on the JDK's {@link WebSocket} that collects the messages it receives, binary
 * ones decoded as UTF-8, in a queue.
 */
final class JdkWebSocketClient {

	static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final HttpClient httpClient = HttpClient.newHttpClient();

	private final CollectingListener listener = new CollectingListener();

	private final WebSocket webSocket;

	private JdkWebSocketClient(int port, String... subprotocols) throws Exception {
		WebSocket.Builder builder = httpClient.newWebSocketBuilder().connectTimeout(TIMEOUT);
		if (subprotocols.length > 0) {
			builder.subprotocols(subprotocols[0], Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
		}
		this.webSocket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), this.listener)
			.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Open a connection to the server's root path.
	 * @param port the server's port
	 * @param subprotocols the subprotocols to offer, in order
	 * @return the connected client
	 * @throws Exception when the handshake fails or takes longer than {@link #TIMEOUT}
	 */
	static JdkWebSocketClient connect(int port, String... subprotocols) throws Exception {
		return new JdkWebSocketClient(port, subprotocols);
	}

	/**
	 * Return the subprotocol the server selected.
	 * @return the subprotocol, empty when none
	 */
	String subprotocol() {
		return this.webSocket.getSubprotocol();
	}

	void sendText(String text) throws Exception {
		this.webSocket.sendText(text, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	void sendBinary(byte[] data) throws Exception {
		this.webSocket.sendBinary(ByteBuffer.wrap(data), true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Wait for the next message.
	 * @param timeout how long to wait at most
	 * @return the message, or {@code null} when none arrived in time
	 * @throws InterruptedException when interrupted while waiting
	 */
	@Nullable String poll(Duration timeout) throws InterruptedException {
		return this.listener.messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Wait for the next message and fail when none arrives in time.
	 * @param timeout how long to wait at most
	 * @return the message
	 * @throws InterruptedException when interrupted while waiting
	 */
	String nextMessage(Duration timeout) throws InterruptedException {
		String message = poll(timeout);
		assertThat(message).as("message received within %s", timeout).isNotNull();
		return message;
	}

	/**
	 * Close with 1000 and wait for the server's close frame; drop the connection when it
	 * does not come in time.
	 */
	void close() {
		try {
			if (!this.webSocket.isOutputClosed()) {
				this.webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
			this.listener.closeCode.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			// Closing failed or timed out: the abort below ends the connection
		}
		finally {
			this.webSocket.abort();
		}
	}

	/**
	 * Wait for the server to close the connection.
	 * @return the close code the server sent
	 * @throws Exception when the connection does not close in time
	 */
	int awaitClose() throws Exception {
		try {
			return this.listener.closeCode.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new AssertionError("connection not closed within " + TIMEOUT, ex);
		}
	}

	private static final class CollectingListener implements WebSocket.Listener {

		private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

		private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

		private final StringBuilder text = new StringBuilder();

		private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				this.messages.add(this.text.toString());
				this.text.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] bytes = new byte[data.remaining()];
			data.get(bytes);
			this.binary.writeBytes(bytes);
			if (last) {
				this.messages.add(this.binary.toString(StandardCharsets.UTF_8));
				this.binary.reset();
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closeCode.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.closeCode.completeExceptionally(error);
		}

	}

}
