package io.wsboot;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client on the JDK's {@link WebSocket} that queues the messages it receives and
 * records the close it is sent. Every wait is bounded.
 */
final class JdkWebSocketClient implements WebSocket.Listener, AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final HttpClient httpClient = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();

	private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

	private final StringBuilder text = new StringBuilder();

	private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

	private @Nullable WebSocket webSocket;

	private long fd = -1;

	private JdkWebSocketClient() {
	}

	/**
	 * Connect and wait for the handshake to complete.
	 * @param uri the server URI
	 * @param subprotocols the subprotocols to offer, in order
	 * @return the connected client
	 * @throws Exception when the handshake fails or times out
	 */
	static JdkWebSocketClient connect(URI uri, String... subprotocols) throws Exception {
		JdkWebSocketClient client = new JdkWebSocketClient();
		WebSocket.Builder builder = httpClient.newWebSocketBuilder().connectTimeout(TIMEOUT);
		if (subprotocols.length > 0) {
			builder.subprotocols(subprotocols[0], Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
		}
		client.webSocket = builder.buildAsync(uri, client).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		return client;
	}

	/**
	 * Connect to an endpoint that greets every connection with {@code fd:<fd>} and return
	 * the client with its fd.
	 * @param uri the server URI
	 * @param subprotocols the subprotocols to offer, in order
	 * @return the connected client, its greeting consumed
	 * @throws Exception when the handshake fails or times out
	 */
	static JdkWebSocketClient connectGreeted(URI uri, String... subprotocols) throws Exception {
		JdkWebSocketClient client = connect(uri, subprotocols);
		try {
			String greeting = client.nextText();
			assertThat(greeting).startsWith("fd:");
			client.fd = Long.parseLong(greeting.substring(3));
			return client;
		}
		catch (Exception | AssertionError ex) {
			client.close();
			throw ex;
		}
	}

	/**
	 * Return the fd the server greeted this client with.
	 * @return the fd
	 */
	long fd() {
		assertThat(this.fd).as("fd of a greeted client").isNotNegative();
		return this.fd;
	}

	WebSocket webSocket() {
		WebSocket webSocket = this.webSocket;
		assertThat(webSocket).isNotNull();
		return webSocket;
	}

	String subprotocol() {
		return webSocket().getSubprotocol();
	}

	void sendText(String text) throws Exception {
		webSocket().sendText(text, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	void sendBinary(byte[] data) throws Exception {
		webSocket().sendBinary(ByteBuffer.wrap(data), true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	void sendClose(int code, String reason) throws Exception {
		webSocket().sendClose(code, reason).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Wait for the next message and check that it is text.
	 * @return the message
	 * @throws InterruptedException when interrupted
	 */
	String nextText() throws InterruptedException {
		Object message = nextMessage();
		assertThat(message).isInstanceOf(String.class);
		return (String) message;
	}

	/**
	 * Wait for the next message and check that it is binary.
	 * @return the message
	 * @throws InterruptedException when interrupted
	 */
	byte[] nextBinary() throws InterruptedException {
		Object message = nextMessage();
		assertThat(message).isInstanceOf(byte[].class);
		return (byte[]) message;
	}

	private Object nextMessage() throws InterruptedException {
		Object message = this.messages.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(message).as("message received within %s", TIMEOUT).isNotNull();
		return message;
	}

	/**
	 * Return the messages received and not yet taken.
	 * @return the pending messages
	 */
	Object[] pendingMessages() {
		return this.messages.toArray();
	}

	/**
	 * Wait for the server's close frame.
	 * @return the close code and reason
	 * @throws Exception when no close arrived in time
	 */
	CloseStatus awaitClose() throws Exception {
		return this.closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	boolean isClosed() {
		return this.closed.isDone();
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		synchronized (this.text) {
			this.text.append(data);
			if (last) {
				this.messages.add(this.text.toString());
				this.text.setLength(0);
			}
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		synchronized (this.binary) {
			byte[] bytes = new byte[data.remaining()];
			data.get(bytes);
			this.binary.writeBytes(bytes);
			if (last) {
				this.messages.add(this.binary.toByteArray());
				this.binary.reset();
			}
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closed.complete(new CloseStatus(statusCode, reason));
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closed.completeExceptionally(error);
	}

	/**
	 * Drop the connection unless it is closed already.
	 */
	@Override
	public void close() {
		WebSocket webSocket = this.webSocket;
		if (webSocket != null) {
			webSocket.abort();
		}
	}

	/**
	 * A close received from the server.
	 *
	 * @param code the close code
	 * @param reason the reason
	 */
	record CloseStatus(int code, String reason) {

	}

}
