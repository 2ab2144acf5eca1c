package io.wsboot.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import io.wsboot.test.WebSocketTestClient.Header;
import org.jspecify.annotations.Nullable;

/**
 * Sends a hand-made upgrade request over a plain {@link Socket} (an {@link SSLSocket} for
 * {@code wss}) and reads the response, every read bounded by one deadline.
 */
final class RawHandshake {

	private static final int MAX_HEAD = 64 * 1024;

	private final Socket socket;

	private final InputStream in;

	private final long deadline;

	private RawHandshake(Socket socket, long deadline) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
		this.deadline = deadline;
	}

	/**
	 * Send a request and read the response.
	 * @param uri the target
	 * @param method the request method
	 * @param headers the request headers, in order
	 * @param timeout how long the whole exchange may take
	 * @return the response
	 */
	static HandshakeResult exchange(URI uri, String method, List<Header> headers, Duration timeout) {
		String request = request(uri, method, headers);
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean secure = "wss".equals(uri.getScheme());
		int port = (uri.getPort() != -1) ? uri.getPort() : (secure ? 443 : 80);
		try (Socket socket = secure ? SSLSocketFactory.getDefault().createSocket() : new Socket()) {
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(uri.getHost(), port), (int) Math.max(1, timeout.toMillis()));
			socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
			if (socket instanceof SSLSocket ssl) {
				ssl.startHandshake();
			}
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			return new RawHandshake(socket, deadline).readResponse(uri, method, headers);
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("No complete handshake response from " + uri + " within "
					+ Descriptions.of(timeout) + " to:\n" + request, ex);
		}
		catch (EOFException ex) {
			throw new AssertionError("Connection closed by " + uri + " before a complete response (" + ex.getMessage()
					+ ") to:\n" + request, ex);
		}
		catch (IOException ex) {
			throw new AssertionError("Handshake request to " + uri + " failed: " + ex, ex);
		}
	}

	private static String request(URI uri, String method, List<Header> headers) {
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

	private HandshakeResult readResponse(URI uri, String method, List<Header> headers) throws IOException {
		int headSize = 0;
		String statusLine = readLine();
		headSize += statusLine.length();
		String[] parts = statusLine.split(" ", 3);
		if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
			throw new AssertionError("Response from " + uri + " is not HTTP/1.x: " + Descriptions.quote(statusLine));
		}
		int status = Integer.parseInt(parts[1]);
		Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
		String line;
		while (!(line = readLine()).isEmpty()) {
			headSize += line.length();
			if (headSize > MAX_HEAD) {
				throw new AssertionError("Response head from " + uri + " is larger than " + MAX_HEAD + " bytes");
			}
			int colon = line.indexOf(':');
			if (colon > 0) {
				String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
				responseHeaders.computeIfAbsent(name, (key) -> new ArrayList<>()).add(line.substring(colon + 1).trim());
			}
		}
		String body = hasBody(status, method) ? readBody(responseHeaders) : "";
		String key = headers.stream()
			.filter((header) -> header.name().equalsIgnoreCase("Sec-WebSocket-Key"))
			.map(Header::value)
			.findFirst()
			.orElse(null);
		return new HandshakeResult(uri, key, statusLine, status, responseHeaders, body);
	}

	private static boolean hasBody(int status, String method) {
		return status >= 200 && status != 204 && status != 304 && !"HEAD".equalsIgnoreCase(method);
	}

	private String readBody(Map<String, List<String>> headers) throws IOException {
		String length = first(headers, "content-length");
		if (length != null) {
			return new String(readFully(Integer.parseInt(length)), StandardCharsets.UTF_8);
		}
		String encoding = first(headers, "transfer-encoding");
		if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			int size;
			while ((size = Integer.parseInt(readLine().split(";")[0].trim(), 16)) > 0) {
				body.writeBytes(readFully(size));
				readLine();
			}
			while (!readLine().isEmpty()) {
				// trailers
			}
			return body.toString(StandardCharsets.UTF_8);
		}
		// Neither: the body ends with the connection
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		int b;
		while ((b = read()) != -1) {
			body.write(b);
		}
		return body.toString(StandardCharsets.UTF_8);
	}

	private static @Nullable String first(Map<String, List<String>> headers, String name) {
		List<String> values = headers.get(name);
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = read()) != '\n') {
			if (b == -1) {
				throw new EOFException("after " + Descriptions.quote(line.toString(StandardCharsets.ISO_8859_1)));
			}
			if (b != '\r') {
				line.write(b);
			}
			if (line.size() > MAX_HEAD) {
				throw new IOException("Line longer than " + MAX_HEAD + " bytes");
			}
		}
		return line.toString(StandardCharsets.ISO_8859_1);
	}

	private byte[] readFully(int length) throws IOException {
		byte[] bytes = new byte[length];
		int read = 0;
		while (read < length) {
			setTimeout();
			int count = this.in.read(bytes, read, length - read);
			if (count == -1) {
				throw new EOFException("after " + read + " of " + length + " body bytes");
			}
			read += count;
		}
		return bytes;
	}

	private int read() throws IOException {
		setTimeout();
		return this.in.read();
	}

	private void setTimeout() throws IOException {
		long left = (this.deadline - System.nanoTime()) / 1_000_000;
		if (left <= 0) {
			throw new SocketTimeoutException("Deadline passed");
		}
		this.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
	}

}
