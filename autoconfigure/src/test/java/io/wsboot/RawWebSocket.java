package io.wsboot;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client on a plain {@link Socket} for hand-made handshakes: sends request
 * text, parses the response's status line and headers, reads unmasked server frames and
 * writes masked client frames. Every read is bounded by the socket timeout.
 */
final class RawWebSocket implements Closeable {

	static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private RawWebSocket(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	/**
	 * Open a TCP connection to the server on localhost.
	 * @param port the server port
	 * @return the connected socket
	 * @throws IOException when the connection fails
	 */
	static RawWebSocket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.setTcpNoDelay(true);
		socket.connect(new InetSocketAddress("localhost", port), (int) TIMEOUT.toMillis());
		socket.setSoTimeout((int) TIMEOUT.toMillis());
		return new RawWebSocket(socket);
	}

	/**
	 * Open a connection, send a valid upgrade request for the target and check that it is
	 * answered with a correct 101.
	 * @param port the server port
	 * @param target the request target
	 * @return the upgraded connection
	 * @throws IOException on I/O errors
	 */
	static RawWebSocket open(int port, String target) throws IOException {
		RawWebSocket socket = connect(port);
		try {
			Request request = Request.upgrade(target);
			Response response = socket.send(request);
			response.assertSwitchingProtocols(request);
			return socket;
		}
		catch (IOException | RuntimeException | AssertionError ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * Write a request and read the head of its response.
	 * @param request the request
	 * @return the response head
	 * @throws IOException on I/O errors
	 */
	Response send(Request request) throws IOException {
		write(request.toString());
		return readResponse();
	}

	/**
	 * Write text as it is, for partial requests.
	 * @param text the text, sent as ISO-8859-1
	 * @throws IOException on I/O errors
	 */
	void write(String text) throws IOException {
		this.out.write(text.getBytes(StandardCharsets.ISO_8859_1));
		this.out.flush();
	}

	/**
	 * Read an HTTP response head: the status line and the headers.
	 * @return the response
	 * @throws IOException on I/O errors or a connection closed before the head ended
	 */
	Response readResponse() throws IOException {
		String statusLine = readLine();
		String[] parts = statusLine.split(" ", 3);
		assertThat(parts[0]).as("status line '%s'", statusLine).startsWith("HTTP/1.");
		int status = Integer.parseInt(parts[1]);
		Map<String, List<String>> headers = new LinkedHashMap<>();
		String line;
		while (!(line = readLine()).isEmpty()) {
			int colon = line.indexOf(':');
			String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
			headers.computeIfAbsent(name, (key) -> new ArrayList<>()).add(line.substring(colon + 1).trim());
		}
		return new Response(statusLine, status, headers);
	}

	/**
	 * Read the body of a response that carries a {@code Content-Length} or is chunked.
	 * @param response the response head read before
	 * @return the body as UTF-8 text
	 * @throws IOException on I/O errors
	 */
	String readBody(Response response) throws IOException {
		String length = response.header("content-length");
		if (length != null) {
			return new String(readFully(Integer.parseInt(length)), StandardCharsets.UTF_8);
		}
		String encoding = response.header("transfer-encoding");
		assertThat(encoding).as("transfer-encoding of a response without content-length")
			.isEqualToIgnoringCase("chunked");
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		int size;
		while ((size = Integer.parseInt(readLine().split(";")[0].trim(), 16)) > 0) {
			body.write(readFully(size));
			readLine();
		}
		while (!readLine().isEmpty()) {
			// trailers
		}
		return body.toString(StandardCharsets.UTF_8);
	}

	/**
	 * Read one frame sent by the server and check that it is not masked.
	 * @return the frame
	 * @throws IOException on I/O errors or a connection closed before a frame arrived
	 */
	ServerFrame readFrame() throws IOException {
		int b0 = readByte();
		int b1 = readByte();
		assertThat(b1 & 0x80).as("mask bit of a server frame").isZero();
		long length = b1 & 0x7F;
		if (length == 126) {
			length = ByteBuffer.wrap(readFully(2)).getShort() & 0xFFFF;
		}
		else if (length == 127) {
			length = ByteBuffer.wrap(readFully(8)).getLong();
		}
		return new ServerFrame((b0 & 0x80) != 0, (b0 >> 4) & 0x07, b0 & 0x0F, readFully(Math.toIntExact(length)));
	}

	/**
	 * Read frames until a text or binary frame arrives, skipping pings.
	 * @return the text of the next data frame
	 * @throws IOException on I/O errors
	 */
	String readText() throws IOException {
		ServerFrame frame = readFrame();
		while (frame.opcode() == 0x9) {
			frame = readFrame();
		}
		assertThat(frame.opcode()).as("opcode of %s", frame).isEqualTo(0x1);
		assertThat(frame.fin()).as("fin of %s", frame).isTrue();
		return frame.text();
	}

	/**
	 * Write one masked client frame.
	 * @param fin whether this is the final fragment
	 * @param opcode the opcode
	 * @param payload the payload
	 * @throws IOException on I/O errors
	 */
	void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
		sendFrame((fin ? 0x80 : 0) | opcode, true, payload);
	}

	/**
	 * Write one client frame as given, for frames a compliant client would not send.
	 * @param firstByte the first byte of the frame: FIN, RSV1-3 and the opcode
	 * @param masked whether to mask the payload (RFC 6455 §5.3)
	 * @param payload the payload
	 * @throws IOException on I/O errors
	 */
	void sendFrame(int firstByte, boolean masked, byte[] payload) throws IOException {
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write(firstByte);
		int maskBit = masked ? 0x80 : 0;
		if (payload.length < 126) {
			frame.write(maskBit | payload.length);
		}
		else if (payload.length <= 0xFFFF) {
			frame.write(maskBit | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xFF);
		}
		else {
			frame.write(maskBit | 127);
			frame.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
		}
		if (!masked) {
			frame.writeBytes(payload);
		}
		else {
			byte[] mask = new byte[4];
			ThreadLocalRandom.current().nextBytes(mask);
			frame.writeBytes(mask);
			for (int i = 0; i < payload.length; i++) {
				frame.write(payload[i] ^ mask[i % 4]);
			}
		}
		this.out.write(frame.toByteArray());
		this.out.flush();
	}

	/**
	 * Write a final text frame.
	 * @param text the message
	 * @throws IOException on I/O errors
	 */
	void sendText(String text) throws IOException {
		sendFrame(true, 0x1, text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Write a close frame.
	 * @param code the close code
	 * @param reason the reason
	 * @throws IOException on I/O errors
	 */
	void sendClose(int code, String reason) throws IOException {
		byte[] text = reason.getBytes(StandardCharsets.UTF_8);
		sendFrame(true, 0x8, ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array());
	}

	/**
	 * Read and discard everything until the server closes the connection.
	 * @param timeout how long to wait for the end of the stream
	 * @return {@code true} when the server closed (or reset) the connection in time,
	 * {@code false} when it was still open
	 * @throws IOException on other I/O errors
	 */
	boolean awaitServerClose(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (true) {
				long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
				this.socket.setSoTimeout((int) left);
				if (this.in.read() == -1) {
					return true;
				}
				if (System.nanoTime() >= deadline) {
					return false;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			// a reset counts as closed
			return true;
		}
		finally {
			if (!this.socket.isClosed()) {
				this.socket.setSoTimeout((int) TIMEOUT.toMillis());
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = readByte()) != '\n') {
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.ISO_8859_1);
	}

	private int readByte() throws IOException {
		int b = this.in.read();
		if (b == -1) {
			throw new EOFException("Connection closed by the server");
		}
		return b;
	}

	private byte[] readFully(int length) throws IOException {
		byte[] bytes = this.in.readNBytes(length);
		if (bytes.length < length) {
			throw new EOFException(
					"Connection closed by the server after " + bytes.length + " of " + length + " bytes");
		}
		return bytes;
	}

	/**
	 * An HTTP request written by hand.
	 */
	static final class Request {

		private final String target;

		private final List<String[]> headers = new ArrayList<>();

		private String method = "GET";

		private Request(String target) {
			this.target = target;
			add("Host", "localhost");
		}

		/**
		 * Create a valid version-13 upgrade request with a fresh key.
		 * @param target the request target
		 * @return the request
		 */
		static Request upgrade(String target) {
			return new Request(target).add("Upgrade", "websocket")
				.add("Connection", "Upgrade")
				.add("Sec-WebSocket-Key", newKey())
				.add("Sec-WebSocket-Version", "13");
		}

		/**
		 * Create a plain GET request.
		 * @param target the request target
		 * @return the request
		 */
		static Request get(String target) {
			return new Request(target);
		}

		static String newKey() {
			byte[] key = new byte[16];
			ThreadLocalRandom.current().nextBytes(key);
			return Base64.getEncoder().encodeToString(key);
		}

		Request method(String method) {
			this.method = method;
			return this;
		}

		Request add(String name, String value) {
			this.headers.add(new String[] { name, value });
			return this;
		}

		Request set(String name, String value) {
			return remove(name).add(name, value);
		}

		Request remove(String name) {
			this.headers.removeIf((header) -> header[0].equalsIgnoreCase(name));
			return this;
		}

		@Nullable String key() {
			return this.headers.stream()
				.filter((header) -> header[0].equalsIgnoreCase("Sec-WebSocket-Key"))
				.map((header) -> header[1])
				.findFirst()
				.orElse(null);
		}

		@Override
		public String toString() {
			StringBuilder text = new StringBuilder(this.method).append(' ').append(this.target).append(" HTTP/1.1\r\n");
			for (String[] header : this.headers) {
				text.append(header[0]).append(": ").append(header[1]).append("\r\n");
			}
			return text.append("\r\n").toString();
		}

	}

	/**
	 * The head of an HTTP response.
	 *
	 * @param statusLine the status line
	 * @param status the status code
	 * @param headers the header values by lower-case name
	 */
	record Response(String statusLine, int status, Map<String, List<String>> headers) {

		@Nullable String header(String name) {
			List<String> values = headers(name);
			return values.isEmpty() ? null : values.get(0);
		}

		List<String> headers(String name) {
			return this.headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
		}

		/**
		 * Check that this is a 101 that a compliant client accepts for the request.
		 * @param request the upgrade request
		 * @return this response
		 */
		Response assertSwitchingProtocols(Request request) {
			assertThat(this.status).as("status of %s", this).isEqualTo(101);
			assertThat(header("upgrade")).as("Upgrade of %s", this).isEqualToIgnoringCase("websocket");
			assertThat(header("connection")).as("Connection of %s", this).containsIgnoringCase("upgrade");
			assertThat(headers("sec-websocket-accept")).as("Sec-WebSocket-Accept of %s", this)
				.containsExactly(HandshakeInterceptor.acceptKey(request.key()));
			return this;
		}

	}

	/**
	 * A frame received from the server.
	 *
	 * @param fin whether it is the final fragment
	 * @param rsv the RSV1-3 bits, RSV1 as 4 (set by permessage-deflate, RFC 7692)
	 * @param opcode the opcode
	 * @param payload the payload
	 */
	record ServerFrame(boolean fin, int rsv, int opcode, byte[] payload) {

		String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		int closeCode() {
			return (this.payload.length >= 2) ? ByteBuffer.wrap(this.payload).getShort() & 0xFFFF : 1005;
		}

		String closeReason() {
			return (this.payload.length > 2)
					? new String(this.payload, 2, this.payload.length - 2, StandardCharsets.UTF_8) : "";
		}

		@Override
		public String toString() {
			return "ServerFrame{fin=" + this.fin + ", rsv=" + this.rsv + ", opcode=" + this.opcode + ", length="
					+ this.payload.length + "}";
		}

	}

}
