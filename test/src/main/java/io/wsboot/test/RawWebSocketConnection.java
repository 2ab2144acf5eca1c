package io.wsboot.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsboot.test.WebSocketTestClient.Header;
import io.wsboot.test.WebSocketTestConnection.CloseStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket connection on a plain {@link java.net.Socket} (an
 * {@link javax.net.ssl.SSLSocket} for {@code wss}), for what a compliant client would not
 * do: hand-made or partial requests, frames with reserved bits, unmasked or oversized
 * frames, a half-closed socket, and reading the server's frames one by one as they are on
 * the wire. <pre class="code">
 * try (RawWebSocketConnection connection = client.connectRaw()) {
 * 	connection.sendFrame(0x80 | 0x20 | 0x1, true, "hi".getBytes(UTF_8));
 * 	connection.expectClose(1002);
 * }
 * try (RawWebSocketConnection connection = client.openSocket()) {
 * 	connection.write("GET / HTTP/1.1\r\nHost: localhost\r\n");
 * 	assertThat(connection.awaitServerClose(Duration.ofSeconds(2))).isTrue();
 * }
 * </pre>
 * <p>
 * Frames sent with {@link #sendFrame(boolean, int, byte[])} and the {@code send…} methods
 * are masked with a fresh key, as RFC 6455 §5.3 requires of clients; the frames read are
 * checked to be unmasked (§5.1). Every read waits at most the client's
 * {@link WebSocketTestClient#timeout(Duration) timeout}. A read that times out or finds
 * the connection closed throws an {@link AssertionError} that says so; a write that fails
 * throws an {@link UncheckedIOException}, which a test of a server that drops connections
 * may expect.
 * <p>
 * Not meant for use by several threads at once.
 *
 * @since 0.1.0
 * @see WebSocketTestClient#connectRaw()
 * @see WebSocketTestClient#openSocket()
 */
public final class RawWebSocketConnection implements AutoCloseable {

	/**
	 * Opcode of a continuation frame (RFC 6455 §5.2).
	 */
	public static final int CONTINUATION = 0x0;

	/**
	 * Opcode of a text frame.
	 */
	public static final int TEXT = 0x1;

	/**
	 * Opcode of a binary frame.
	 */
	public static final int BINARY = 0x2;

	/**
	 * Opcode of a close frame.
	 */
	public static final int CLOSE = 0x8;

	/**
	 * Opcode of a ping frame.
	 */
	public static final int PING = 0x9;

	/**
	 * Opcode of a pong frame.
	 */
	public static final int PONG = 0xA;

	private final WebSocketTestClient client;

	private final URI uri;

	private final Duration timeout;

	private final RawSocket socket;

	private final HttpResponseReader responseReader;

	private @Nullable HandshakeResult handshakeResult;

	private RawWebSocketConnection(WebSocketTestClient client, URI uri, Duration timeout, RawSocket socket) {
		this.client = client;
		this.uri = uri;
		this.timeout = timeout;
		this.socket = socket;
		this.responseReader = new HttpResponseReader(socket, uri, timeout);
	}

	static RawWebSocketConnection open(WebSocketTestClient client, URI uri, Duration timeout) {
		try {
			return new RawWebSocketConnection(client, uri, timeout, RawSocket.connect(uri, timeout));
		}
		catch (IOException ex) {
			throw new AssertionError("Could not connect to " + uri + ": " + ex, ex);
		}
	}

	/**
	 * Return the URI the socket was opened to.
	 * @return the URI
	 */
	public URI uri() {
		return this.uri;
	}

	/**
	 * Send the client's version-13 upgrade request ({@code GET}), as
	 * {@link WebSocketTestClient#handshake()} does, and read the response. Unlike that
	 * method, the connection stays open: after a {@code 101} frames can be exchanged,
	 * after a refusal the test can see whether the server closes the connection.
	 * @return the response
	 * @throws AssertionError when the server does not answer in time or closes the
	 * connection first
	 */
	public HandshakeResult handshake() {
		return handshake("GET");
	}

	/**
	 * Send the client's upgrade request with another method and read the response, as
	 * {@link #handshake()} does.
	 * @param method the request method, such as {@code POST}
	 * @return the response
	 * @throws AssertionError when the server does not answer in time or closes the
	 * connection first
	 */
	public HandshakeResult handshake(String method) {
		Assert.hasText(method, "'method' must not be empty");
		List<Header> headers = this.client.handshakeHeaders(this.uri);
		String request = request(method, headers);
		write(request);
		String key = headers.stream()
			.filter((header) -> header.name().equalsIgnoreCase("Sec-WebSocket-Key"))
			.map(Header::value)
			.findFirst()
			.orElse(null);
		HandshakeResult result = this.responseReader.read(method, key, request);
		this.handshakeResult = result;
		return result;
	}

	/**
	 * Return the response of the last {@link #handshake()} on this connection, such as
	 * the {@code 101} of a connection opened with
	 * {@link WebSocketTestClient#connectRaw()}.
	 * @return the response
	 * @throws IllegalStateException when no handshake was sent
	 */
	public HandshakeResult handshakeResult() {
		HandshakeResult result = this.handshakeResult;
		Assert.state(result != null, "No handshake was sent on this connection");
		return result;
	}

	/**
	 * Read the response to a request written by hand with {@link #write(String)}: the
	 * status line, the headers and, unless the status is {@code 1xx}, {@code 204} or
	 * {@code 304}, a body delimited by {@code Content-Length}, chunked, or by the end of
	 * the connection.
	 * @return the response
	 * @throws AssertionError when the server does not answer in time or closes the
	 * connection first
	 */
	public HandshakeResult readResponse() {
		return this.responseReader.read("GET", null, "(a request written by hand)");
	}

	/**
	 * Write text as it is, such as part of a request. Nothing is added: no line ends, no
	 * framing.
	 * @param text the text, sent as ISO-8859-1
	 * @return this connection
	 * @throws UncheckedIOException when the write fails, such as on a connection the
	 * server closed
	 */
	public RawWebSocketConnection write(String text) {
		Assert.notNull(text, "'text' must not be null");
		return write(text.getBytes(StandardCharsets.ISO_8859_1));
	}

	/**
	 * Write bytes as they are.
	 * @param bytes the bytes
	 * @return this connection
	 * @throws UncheckedIOException when the write fails, such as on a connection the
	 * server closed
	 */
	public RawWebSocketConnection write(byte[] bytes) {
		Assert.notNull(bytes, "'bytes' must not be null");
		try {
			this.socket.write(bytes);
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write to " + this.uri + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Write one masked frame.
	 * @param fin whether this is the final fragment
	 * @param opcode the opcode, such as {@link #TEXT} or {@link #CONTINUATION}
	 * @param payload the payload, of any length (control frames of more than 125 bytes
	 * included)
	 * @return this connection
	 * @throws UncheckedIOException when the write fails
	 */
	public RawWebSocketConnection sendFrame(boolean fin, int opcode, byte[] payload) {
		Assert.isTrue(opcode >= 0 && opcode <= 0xF, "'opcode' must be between 0 and 15");
		return sendFrame((fin ? 0x80 : 0) | opcode, true, payload);
	}

	/**
	 * Write one frame as given, for frames a compliant client would not send.
	 * @param firstByte the first byte of the frame: FIN ({@code 0x80}), RSV1-3
	 * ({@code 0x40}, {@code 0x20}, {@code 0x10}) and the opcode
	 * @param masked whether to mask the payload (RFC 6455 §5.3)
	 * @param payload the payload
	 * @return this connection
	 * @throws UncheckedIOException when the write fails
	 */
	public RawWebSocketConnection sendFrame(int firstByte, boolean masked, byte[] payload) {
		Assert.isTrue(firstByte >= 0 && firstByte <= 0xFF, "'firstByte' must be between 0 and 255");
		Assert.notNull(payload, "'payload' must not be null");
		return write(FrameCodec.encode(firstByte, masked, payload));
	}

	/**
	 * Write a final text frame.
	 * @param text the message, sent as UTF-8
	 * @return this connection
	 * @throws UncheckedIOException when the write fails
	 */
	public RawWebSocketConnection sendText(String text) {
		Assert.notNull(text, "'text' must not be null");
		return sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Write a final binary frame.
	 * @param data the message
	 * @return this connection
	 * @throws UncheckedIOException when the write fails
	 */
	public RawWebSocketConnection sendBinary(byte[] data) {
		return sendFrame(true, BINARY, data);
	}

	/**
	 * Write a ping frame.
	 * @param data the application data; more than 125 bytes breaks RFC 6455 §5.5
	 * @return this connection
	 * @throws UncheckedIOException when the write fails
	 */
	public RawWebSocketConnection sendPing(byte[] data) {
		return sendFrame(true, PING, data);
	}

	/**
	 * Write a close frame with a code and a reason. Any code can be sent, those RFC 6455
	 * §7.4 forbids included.
	 * @param code the close code, written as two bytes
	 * @param reason the reason, sent as UTF-8
	 * @return this connection
	 * @throws UncheckedIOException when the write fails
	 */
	public RawWebSocketConnection sendClose(int code, String reason) {
		Assert.notNull(reason, "'reason' must not be null");
		byte[] text = reason.getBytes(StandardCharsets.UTF_8);
		return sendFrame(true, CLOSE, ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array());
	}

	/**
	 * Half-close the socket: the server reads the end of the stream, and this connection
	 * can still read what the server sends.
	 * @return this connection
	 * @throws UncheckedIOException when the socket cannot be shut down
	 */
	public RawWebSocketConnection shutdownOutput() {
		try {
			this.socket.shutdownOutput();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not shut down the output to " + this.uri, ex);
		}
	}

	/**
	 * Read the next frame the server sent, whatever it is, and check that it is not
	 * masked.
	 * @return the frame
	 * @throws AssertionError when no complete frame arrives in time or the connection
	 * ends first
	 */
	public ReceivedFrame readFrame() {
		try {
			this.socket.startRead();
			return FrameCodec.decode(this.socket, this.uri);
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError(
					"Expected a frame from " + this.uri + " within " + Descriptions.of(this.timeout) + " but none came",
					ex);
		}
		catch (IOException ex) {
			throw new AssertionError("Expected a frame from " + this.uri + " but the connection ended (" + ex + ")",
					ex);
		}
	}

	/**
	 * Read frames until a data frame arrives, skipping pings and pongs, and check that it
	 * is a final text frame.
	 * @return its text
	 * @throws AssertionError when another frame arrives, or none in time
	 */
	public String expectText() {
		ReceivedFrame frame = readDataFrame();
		assertThat(frame.opcode()).as("opcode of %s from %s", frame, this.uri).isEqualTo(TEXT);
		assertThat(frame.fin()).as("fin of %s from %s", frame, this.uri).isTrue();
		return frame.text();
	}

	/**
	 * Read frames until a data frame arrives, as {@link #expectText()}, and check its
	 * text.
	 * @param expected the text expected
	 * @return this connection
	 */
	public RawWebSocketConnection expectText(String expected) {
		assertThat(expectText()).as("text message from %s", this.uri).isEqualTo(expected);
		return this;
	}

	/**
	 * Read frames until a data frame arrives, skipping pings and pongs, and check that it
	 * is a final binary frame.
	 * @return its payload
	 * @throws AssertionError when another frame arrives, or none in time
	 */
	public byte[] expectBinary() {
		ReceivedFrame frame = readDataFrame();
		assertThat(frame.opcode()).as("opcode of %s from %s", frame, this.uri).isEqualTo(BINARY);
		assertThat(frame.fin()).as("fin of %s from %s", frame, this.uri).isTrue();
		return frame.payload();
	}

	/**
	 * Read frames until the server's close frame, skipping the others.
	 * @return its code ({@code 1005} when it has none) and reason
	 * @throws AssertionError when the connection ends without a close frame, or none
	 * comes in time
	 */
	public CloseStatus expectClose() {
		List<ReceivedFrame> skipped = new ArrayList<>();
		while (true) {
			ReceivedFrame frame;
			try {
				frame = readFrame();
			}
			catch (AssertionError ex) {
				throw new AssertionError(ex.getMessage() + " (expected a close frame"
						+ (skipped.isEmpty() ? "" : "; received before " + skipped) + ")", ex.getCause());
			}
			if (frame.opcode() == CLOSE) {
				return new CloseStatus(frame.closeCode(), frame.closeReason());
			}
			skipped.add(frame);
		}
	}

	/**
	 * Read frames until the server's close frame, as {@link #expectClose()}, and check
	 * its code.
	 * @param code the close code expected
	 * @return this connection
	 */
	public RawWebSocketConnection expectClose(int code) {
		CloseStatus status = expectClose();
		assertThat(status.code()).as("close code from %s (reason %s)", this.uri, Descriptions.quote(status.reason()))
			.isEqualTo(code);
		return this;
	}

	/**
	 * Read and discard everything until the server closes the connection.
	 * @param timeout how long to wait for the end of the stream
	 * @return {@code true} when the server closed (or reset) the connection in time,
	 * {@code false} when it was still open
	 */
	public boolean awaitServerClose(Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		return this.socket.awaitEnd(timeout);
	}

	/**
	 * Close the socket, without a close frame. Never throws.
	 */
	@Override
	public void close() {
		this.socket.close();
	}

	@Override
	public String toString() {
		return "RawWebSocketConnection{uri=" + this.uri + "}";
	}

	private ReceivedFrame readDataFrame() {
		ReceivedFrame frame = readFrame();
		while (frame.opcode() == PING || frame.opcode() == PONG) {
			frame = readFrame();
		}
		return frame;
	}

	private String request(String method, List<Header> headers) {
		URI uri = this.uri;
		String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
		String query = (uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "";
		StringBuilder request = new StringBuilder(method).append(' ')
			.append(path)
			.append(query)
			.append(" HTTP/1.1\r\n");
		for (Header header : headers) {
			request.append(header.name()).append(": ").append(header.value()).append("\r\n");
		}
		return request.append("\r\n").toString();
	}

	/**
	 * A frame read from the server, as it was on the wire.
	 *
	 * @param fin whether it is the final fragment
	 * @param rsv the RSV1-3 bits, RSV1 as {@code 4} (set by permessage-deflate, RFC 7692)
	 * @param opcode the opcode
	 * @param payload the payload, unmasked
	 * @since 0.1.0
	 */
	public record ReceivedFrame(boolean fin, int rsv, int opcode, byte[] payload) {

		/**
		 * Return the payload as UTF-8 text.
		 * @return the text
		 */
		public String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		/**
		 * Return the code of a close frame.
		 * @return the code, {@code 1005} when the payload has none (RFC 6455 §7.1.5)
		 */
		public int closeCode() {
			return (this.payload.length >= 2) ? ByteBuffer.wrap(this.payload).getShort() & 0xFFFF : 1005;
		}

		/**
		 * Return the reason of a close frame.
		 * @return the reason, empty when none
		 */
		public String closeReason() {
			return (this.payload.length > 2)
					? new String(this.payload, 2, this.payload.length - 2, StandardCharsets.UTF_8) : "";
		}

		@Override
		public String toString() {
			return "frame{fin=" + this.fin + ", rsv=" + this.rsv + ", opcode=" + this.opcode + ", length="
					+ this.payload.length + "}";
		}

	}

}
