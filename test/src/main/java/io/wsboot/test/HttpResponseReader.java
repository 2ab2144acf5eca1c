package io.wsboot.test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Reads an HTTP/1.x response from a {@link RawWebSocketConnection}'s socket: the status
 * line, the headers (names lower-cased) and, unless the status or method has none, a body
 * delimited by {@code Content-Length}, chunked, or by the end of the connection (RFC 9112
 * §6.3). The whole response must arrive within the client's timeout; a response head of
 * more than 64 KiB fails.
 * <p>
 * Not meant for use by several threads at once.
 *
 * @see HandshakeResult
 */
final class HttpResponseReader {

	private static final int MAX_HEAD = 64 * 1024;

	private final RawSocket input;

	private final URI uri;

	private final Duration timeout;

	/**
	 * Create a reader of the responses on the given input.
	 * @param input the socket
	 * @param uri the URI the socket was opened to, for the messages of errors
	 * @param timeout the input's timeout, for the messages of errors
	 */
	HttpResponseReader(RawSocket input, URI uri, Duration timeout) {
		this.input = input;
		this.uri = uri;
		this.timeout = timeout;
	}

	/**
	 * Read the response to a request.
	 * @param method the request's method, as a {@code HEAD} response has no body
	 * @param key the request's {@code Sec-WebSocket-Key}, if any, to check the accept
	 * header against
	 * @param request the request as sent, for the messages of errors
	 * @return the response
	 * @throws AssertionError when no complete HTTP/1.x response arrives in time, or the
	 * connection ends first
	 */
	HandshakeResult read(String method, @Nullable String key, String request) {
		try {
			this.input.startRead();
			int headSize = 0;
			String statusLine = readLine();
			headSize += statusLine.length();
			String[] parts = statusLine.split(" ", 3);
			if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
				throw new AssertionError(
						"Response from " + this.uri + " is not HTTP/1.x: " + Descriptions.quote(statusLine));
			}
			int status = Integer.parseInt(parts[1]);
			Map<String, List<String>> headers = new LinkedHashMap<>();
			String line;
			while (!(line = readLine()).isEmpty()) {
				headSize += line.length();
				if (headSize > MAX_HEAD) {
					throw new AssertionError(
							"Response head from " + this.uri + " is larger than " + MAX_HEAD + " bytes");
				}
				int colon = line.indexOf(':');
				if (colon > 0) {
					String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
					headers.computeIfAbsent(name, (ignored) -> new ArrayList<>()).add(line.substring(colon + 1).trim());
				}
			}
			String body = hasBody(status, method) ? readBody(headers) : "";
			return new HandshakeResult(this.uri, key, statusLine, status, headers, body);
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("No complete handshake response from " + this.uri + " within "
					+ Descriptions.of(this.timeout) + " to:\n" + request, ex);
		}
		catch (EOFException ex) {
			throw new AssertionError("Connection closed by " + this.uri + " before a complete response ("
					+ ex.getMessage() + ") to:\n" + request, ex);
		}
		catch (IOException ex) {
			throw new AssertionError("Handshake request to " + this.uri + " failed: " + ex, ex);
		}
	}

	private static boolean hasBody(int status, String method) {
		return status >= 200 && status != 204 && status != 304 && !"HEAD".equalsIgnoreCase(method);
	}

	private String readBody(Map<String, List<String>> headers) throws IOException {
		String length = first(headers, "content-length");
		if (length != null) {
			return new String(this.input.readFully(Integer.parseInt(length)), StandardCharsets.UTF_8);
		}
		String encoding = first(headers, "transfer-encoding");
		if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			int size;
			while ((size = Integer.parseInt(readLine().split(";")[0].trim(), 16)) > 0) {
				body.writeBytes(this.input.readFully(size));
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
		while ((b = this.input.read()) != -1) {
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
		while ((b = this.input.read()) != '\n') {
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

}
