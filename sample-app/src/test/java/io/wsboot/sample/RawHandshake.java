package io.wsboot.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Hand-made WebSocket handshakes over a plain {@link Socket}: sends a request and reads
 * the status line and headers of the response, then drops the connection.
 */
final class RawHandshake {

	private static final int TIMEOUT_MILLIS = 5000;

	private static final int MAX_HEAD = 16 * 1024;

	private RawHandshake() {
	}

	/**
	 * Send a {@code GET /} handshake with {@code Upgrade}, {@code Connection} and
	 * {@code Sec-WebSocket-Version: 13}.
	 * @param port the server's port
	 * @param key the {@code Sec-WebSocket-Key}, or {@code null} to send none
	 * @param headerLines further header lines, such as
	 * {@code "Sec-WebSocket-Protocol: chat, superchat"}
	 * @return the response's head
	 * @throws IOException when the server does not answer in time
	 */
	static Response send(int port, @Nullable String key, String... headerLines) throws IOException {
		StringBuilder request = new StringBuilder();
		request.append("GET / HTTP/1.1\r\n");
		request.append("Host: 127.0.0.1:").append(port).append("\r\n");
		request.append("Upgrade: websocket\r\n");
		request.append("Connection: Upgrade\r\n");
		request.append("Sec-WebSocket-Version: 13\r\n");
		if (key != null) {
			request.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
		}
		for (String headerLine : headerLines) {
			request.append(headerLine).append("\r\n");
		}
		request.append("\r\n");
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
			socket.setSoTimeout(TIMEOUT_MILLIS);
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
			out.flush();
			return Response.parse(readHead(socket.getInputStream()));
		}
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < end.length) {
			int b = in.read();
			if (b == -1) {
				throw new IOException("Connection closed after " + head.size() + " bytes: " + head);
			}
			if (head.size() >= MAX_HEAD) {
				throw new IOException("Response head larger than " + MAX_HEAD + " bytes");
			}
			head.write(b);
			matched = (b == end[matched]) ? matched + 1 : ((b == end[0]) ? 1 : 0);
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

	/**
	 * The head of a handshake response.
	 *
	 * @param statusLine the status line, such as {@code HTTP/1.1 101 Switching Protocols}
	 * @param status the status code
	 * @param headers the header values by lower-case name, in the order received
	 */
	record Response(String statusLine, int status, Map<String, List<String>> headers) {

		static Response parse(String head) {
			String[] lines = head.split("\r\n");
			String statusLine = lines[0];
			String[] parts = statusLine.split(" ", 3);
			int status = Integer.parseInt(parts[1]);
			Map<String, List<String>> headers = new LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				if (colon > 0) {
					String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
					headers.computeIfAbsent(name, (n) -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
				}
			}
			return new Response(statusLine, status, headers);
		}

		/**
		 * Return the values of a header.
		 * @param name the header name, in any case
		 * @return the values, empty when the header is absent
		 */
		List<String> header(String name) {
			return this.headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
		}

	}

}
