package io.wsboot.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.wsboot.test.WebSocketTestClient.Header;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An open WebSocket connection of a {@link WebSocketTestClient}: sends messages and
 * expects what the server sends, one message at a time and in order.
 * <p>
 * Messages are queued as they arrive (fragments joined); each {@code expect…} call takes
 * the next one, waiting at most the client's {@link WebSocketTestClient#timeout(Duration)
 * timeout}, and throws an {@link AssertionError} that says what arrived instead. Pings
 * are answered by the JDK and not queued. The server's close frame is queued after the
 * messages sent before it and is never taken off: once it is next, every {@code expect…}
 * of a message fails at once and {@link #expectClose()} returns it again.
 * <p>
 * Not meant for use by several threads at once; sends are serialized.
 *
 * @since 0.1.0
 * @see WebSocketTestClient#connect()
 */
public final class WebSocketTestConnection implements AutoCloseable {

	private static final int NORMAL_CLOSURE = 1000;

	private static final int ABNORMAL_CLOSURE = 1006;

	private final URI uri;

	private final Duration timeout;

	private final MessageQueue received;

	private @Nullable WebSocket webSocket;

	private WebSocketTestConnection(URI uri, Duration timeout) {
		this.uri = uri;
		this.timeout = timeout;
		this.received = new MessageQueue(uri);
	}

	static WebSocketTestConnection connect(HttpClient httpClient, URI uri, List<String> subprotocols,
			List<Header> headers, Duration timeout) {
		WebSocketTestConnection connection = new WebSocketTestConnection(uri, timeout);
		WebSocket.Builder builder = httpClient.newWebSocketBuilder().connectTimeout(timeout);
		for (Header header : headers) {
			try {
				builder.header(header.name(), header.value());
			}
			catch (IllegalArgumentException ex) {
				throw restrictedHeader(ex);
			}
		}
		if (!subprotocols.isEmpty()) {
			builder.subprotocols(subprotocols.get(0),
					subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
		}
		CompletableFuture<WebSocket> handshake = builder.buildAsync(uri, connection.received);
		try {
			connection.webSocket = handshake.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return connection;
		}
		catch (TimeoutException ex) {
			handshake.cancel(true);
			throw new AssertionError("No handshake response from " + uri + " within " + Descriptions.of(timeout), ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof IllegalArgumentException restricted) {
				throw restrictedHeader(restricted);
			}
			throw handshakeFailed(uri, ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while connecting to " + uri, ex);
		}
	}

	private static IllegalArgumentException restrictedHeader(IllegalArgumentException ex) {
		return new IllegalArgumentException("The JDK's WebSocket client refused a header (" + ex.getMessage()
				+ "): send it with handshake() instead", ex);
	}

	private static AssertionError handshakeFailed(URI uri, @Nullable Throwable cause) {
		if (cause instanceof WebSocketHandshakeException refused) {
			HttpResponse<?> response = refused.getResponse();
			Object body = response.body();
			String text = (body != null && !body.toString().isEmpty()) ? ", body " + Descriptions.quote(body.toString())
					: "";
			if (response.statusCode() == 101) {
				return new AssertionError("Handshake with " + uri + " failed: the 101 response was not valid ("
						+ cause.getMessage() + ")", cause);
			}
			return new AssertionError("Handshake with " + uri + " refused with status " + response.statusCode()
					+ ", headers " + response.headers().map() + text, cause);
		}
		return new AssertionError("Could not connect to " + uri + ": " + cause, cause);
	}

	/**
	 * Return the URI the connection was opened to.
	 * @return the URI
	 */
	public URI uri() {
		return this.uri;
	}

	/**
	 * Return the subprotocol the server selected.
	 * @return the subprotocol, empty when none was selected
	 */
	public String subprotocol() {
		return webSocket().getSubprotocol();
	}

	/**
	 * Return whether the connection is open: no close frame was received and the
	 * connection did not end. Messages queued before a close frame do not count.
	 * @return whether the connection is open
	 */
	public boolean isOpen() {
		return !this.received.isEnded();
	}

	/**
	 * Send a text message and wait until it is written.
	 * @param text the message
	 * @return this connection
	 */
	public synchronized WebSocketTestConnection sendText(String text) {
		Assert.notNull(text, "'text' must not be null");
		await(webSocket().sendText(text, true), "send text message " + Descriptions.quote(text));
		return this;
	}

	/**
	 * Send a binary message and wait until it is written.
	 * @param data the message
	 * @return this connection
	 */
	public synchronized WebSocketTestConnection sendBinary(byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		await(webSocket().sendBinary(ByteBuffer.wrap(data.clone()), true),
				"send binary message of " + data.length + " bytes");
		return this;
	}

	/**
	 * Send a ping and wait until it is written. The server's pong is not queued.
	 * @param data the application data, 125 bytes or less (RFC 6455 §5.5)
	 * @return this connection
	 */
	public synchronized WebSocketTestConnection sendPing(byte[] data) {
		Assert.notNull(data, "'data' must not be null");
		Assert.isTrue(data.length <= 125, "'data' of a ping must be 125 bytes or less");
		await(webSocket().sendPing(ByteBuffer.wrap(data.clone())), "send a ping");
		return this;
	}

	/**
	 * Send a close frame and wait until it is written; the server's answer can then be
	 * expected with {@link #expectClose(int)}. Nothing can be sent after it.
	 * @param code the close code, {@code 1000}–{@code 4999} (RFC 6455 §7.4); the JDK's
	 * client refuses {@code 1002}, {@code 1003}, {@code 1006}, {@code 1007},
	 * {@code 1009}, {@code 1010}, {@code 1012}, {@code 1013} and {@code 1015}
	 * @param reason the reason, 123 bytes of UTF-8 or less
	 * @return this connection
	 */
	public synchronized WebSocketTestConnection close(int code, String reason) {
		Assert.notNull(reason, "'reason' must not be null");
		await(webSocket().sendClose(code, reason), "send close frame " + code + " " + Descriptions.quote(reason));
		return this;
	}

	/**
	 * Wait for the next message and check that it is text.
	 * @return the message
	 */
	public String expectText() {
		return expectText(this.timeout);
	}

	/**
	 * Wait at most the given time for the next message and check that it is text. Checks
	 * that a message comes sooner than the client's
	 * {@link WebSocketTestClient#timeout(Duration) timeout}, such as an answer that must
	 * arrive before the next message the server sends on a timer, or waits longer for one
	 * message.
	 * @param timeout how long to wait for this message
	 * @return the message
	 */
	public String expectText(Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		Object message = next("a text message", timeout);
		if (message instanceof Text text) {
			return text.text();
		}
		throw new AssertionError("Expected a text message from " + this.uri + " but received "
				+ Descriptions.of(message) + pendingDescription());
	}

	/**
	 * Wait for the next message and check that it is this text.
	 * @param expected the text expected
	 * @return this connection
	 */
	public WebSocketTestConnection expectText(String expected) {
		String text = expectText();
		assertThat(text).as("text message from %s", this.uri).isEqualTo(expected);
		return this;
	}

	/**
	 * Wait for the next message and check that it is text matching a regular expression
	 * as a whole.
	 * @param regex the regular expression
	 * @return this connection
	 */
	public WebSocketTestConnection expectTextMatching(String regex) {
		Pattern pattern = Pattern.compile(regex);
		String text = expectText();
		assertThat(text).as("text message from %s", this.uri).matches(pattern);
		return this;
	}

	/**
	 * Wait for the next message and check that it is text the predicate accepts.
	 * @param condition the condition
	 * @return this connection
	 */
	public WebSocketTestConnection expectTextMatching(Predicate<String> condition) {
		Assert.notNull(condition, "'condition' must not be null");
		String text = expectText();
		if (!condition.test(text)) {
			throw new AssertionError(
					"Text message from " + this.uri + " does not match the condition: " + Descriptions.quote(text));
		}
		return this;
	}

	/**
	 * Wait for the next message and check that it is binary.
	 * @return the message
	 */
	public byte[] expectBinary() {
		Object message = next("a binary message", this.timeout);
		if (message instanceof Binary binary) {
			return binary.data().clone();
		}
		throw new AssertionError("Expected a binary message from " + this.uri + " but received "
				+ Descriptions.of(message) + pendingDescription());
	}

	/**
	 * Wait for the next message and check that it is binary with this content.
	 * @param expected the bytes expected
	 * @return this connection
	 */
	public WebSocketTestConnection expectBinary(byte[] expected) {
		byte[] data = expectBinary();
		assertThat(data).as("binary message from %s", this.uri).isEqualTo(expected);
		return this;
	}

	/**
	 * Check that no message arrives for a while. A close frame is not a message: on a
	 * closed connection this returns at once.
	 * @param duration how long to wait
	 * @return this connection
	 */
	public WebSocketTestConnection expectNoMessage(Duration duration) {
		Assert.notNull(duration, "'duration' must not be null");
		Object item = this.received.next(duration);
		if (item == null || MessageQueue.isEnd(item)) {
			return this;
		}
		throw new AssertionError("Expected no message from " + this.uri + " for " + Descriptions.of(duration)
				+ " but received " + Descriptions.of(item) + pendingDescription());
	}

	/**
	 * Wait for the server's close frame, skipping the messages that arrive before it. A
	 * connection that ended without a close frame counts as {@code 1006} (RFC 6455
	 * §7.1.5).
	 * @return the close code and reason
	 */
	public CloseStatus expectClose() {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		List<Object> skipped = new ArrayList<>();
		while (true) {
			Object item = this.received.next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
			if (item == null) {
				throw new AssertionError("Expected a close frame from " + this.uri + " within "
						+ Descriptions.of(this.timeout) + " but the connection is still open"
						+ (skipped.isEmpty() ? "" : "; received meanwhile " + Descriptions.ofAll(skipped)));
			}
			if (item instanceof Closed closed) {
				return new CloseStatus(closed.code(), closed.reason());
			}
			if (item instanceof Failed) {
				return new CloseStatus(ABNORMAL_CLOSURE, "");
			}
			skipped.add(item);
		}
	}

	/**
	 * Wait for the server's close frame, as {@link #expectClose()}, and check its code.
	 * @param code the close code expected
	 * @return this connection
	 */
	public WebSocketTestConnection expectClose(int code) {
		CloseStatus status = expectClose();
		assertThat(status.code()).as("close code from %s (reason %s)", this.uri, Descriptions.quote(status.reason()))
			.isEqualTo(code);
		return this;
	}

	/**
	 * Wait for the server's close frame, as {@link #expectClose()}, and check its code
	 * and reason.
	 * @param code the close code expected
	 * @param reason the reason expected
	 * @return this connection
	 */
	public WebSocketTestConnection expectClose(int code, String reason) {
		CloseStatus status = expectClose();
		assertThat(status).as("close frame from %s", this.uri).isEqualTo(new CloseStatus(code, reason));
		return this;
	}

	/**
	 * Close the connection: send a normal close ({@code 1000}) unless a close was sent or
	 * received already, wait (at most the timeout) for the server's close, then drop the
	 * TCP connection. Never throws.
	 */
	@Override
	public void close() {
		WebSocket webSocket = this.webSocket;
		if (webSocket == null) {
			return;
		}
		try {
			if (!webSocket.isOutputClosed() && !webSocket.isInputClosed()) {
				webSocket.sendClose(NORMAL_CLOSURE, "").get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			if (!webSocket.isInputClosed()) {
				this.received.awaitEnd(this.timeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			// Dropped below
		}
		finally {
			webSocket.abort();
		}
	}

	@Override
	public String toString() {
		return "WebSocketTestConnection{uri=" + this.uri + "}";
	}

	private WebSocket webSocket() {
		WebSocket webSocket = this.webSocket;
		Assert.state(webSocket != null, "Not connected");
		return webSocket;
	}

	private void await(CompletableFuture<WebSocket> future, String action) {
		try {
			future.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new AssertionError(
					"Could not " + action + " to " + this.uri + " within " + Descriptions.of(this.timeout), ex);
		}
		catch (ExecutionException ex) {
			throw new AssertionError("Could not " + action + " to " + this.uri + ": " + ex.getCause(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while trying to " + action + " to " + this.uri, ex);
		}
	}

	private Object next(String expectation, Duration timeout) {
		Object item = this.received.next(timeout);
		if (item == null) {
			throw new AssertionError("Expected " + expectation + " from " + this.uri + " within "
					+ Descriptions.of(timeout) + " but received nothing");
		}
		if (MessageQueue.isEnd(item)) {
			throw new AssertionError(
					"Expected " + expectation + " from " + this.uri + " but received " + Descriptions.of(item),
					(item instanceof Failed failed) ? failed.error() : null);
		}
		return item;
	}

	private String pendingDescription() {
		List<Object> pending = this.received.pending();
		return pending.isEmpty() ? "" : "; queued after it " + Descriptions.ofAll(pending);
	}

	/**
	 * The close frame of a connection.
	 *
	 * @param code the close code, {@code 1005} for a close frame without one,
	 * {@code 1006} for a connection that ended without a close frame
	 * @param reason the reason, empty when none
	 * @since 0.1.0
	 */
	public record CloseStatus(int code, String reason) {

		@Override
		public String toString() {
			return this.code + (this.reason.isEmpty() ? "" : " " + Descriptions.quote(this.reason));
		}

	}

	/**
	 * A text message received.
	 */
	record Text(String text) {

	}

	/**
	 * A binary message received.
	 */
	record Binary(byte[] data) {

	}

	/**
	 * The close frame received.
	 */
	record Closed(int code, String reason) {

	}

	/**
	 * The end of a connection without a close frame.
	 */
	record Failed(Throwable error) {

	}

}
