package io.wsboot.handshake;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.wsboot.HandshakeInterceptor;
import io.wsboot.HandshakeRequest;
import org.jspecify.annotations.Nullable;

/**
 * The header checks of the handshake: the request's (RFC 6455 §4.2.1), and the
 * interceptor's answer, which must be one a compliant client accepts (§4.1).
 */
final class HandshakeChecks {

	private static final int KEY_LENGTH = 24;

	private static final String UPGRADE = "Upgrade";

	private static final String CONNECTION = "Connection";

	private static final String SEC_WEBSOCKET_ACCEPT = "Sec-WebSocket-Accept";

	private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";

	private static final String SEC_WEBSOCKET_EXTENSIONS = "Sec-WebSocket-Extensions";

	private static final int KEY_BYTES = 16;

	private HandshakeChecks() {
	}

	/**
	 * Whether a comma-separated header value holds a token, in any case.
	 */
	static boolean containsToken(@Nullable String value, String token) {
		if (value == null) {
			return false;
		}
		int length = token.length();
		int start = 0;
		while (start <= value.length()) {
			int end = value.indexOf(',', start);
			if (end < 0) {
				end = value.length();
			}
			int from = start;
			int to = end;
			while (from < to && Character.isWhitespace(value.charAt(from))) {
				from++;
			}
			while (to > from && Character.isWhitespace(value.charAt(to - 1))) {
				to--;
			}
			if (to - from == length && value.regionMatches(true, from, token, 0, length)) {
				return true;
			}
			start = end + 1;
		}
		return false;
	}

	static boolean containsToken(@Nullable List<String> values, String token) {
		if (values != null) {
			for (String value : values) {
				if (containsToken(value, token)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Whether a {@code Sec-WebSocket-Key} is base64 (standard alphabet) of 16 bytes.
	 */
	static boolean isValidKey(@Nullable String key) {
		if (key == null || key.length() != KEY_LENGTH) {
			return false;
		}
		try {
			return Base64.getDecoder().decode(key).length == KEY_BYTES;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * Check the headers of an accepted handshake: never send a 101 that a compliant
	 * client would reject (RFC 6455 §4.1, the client's checks of the server's answer).
	 * @return what is wrong, or {@code null}
	 */
	static @Nullable String checkAcceptedHeaders(HandshakeRequest request, Map<String, String> headers, String key,
			@Nullable String subprotocol) {
		String upgrade = headers.get(UPGRADE);
		if (upgrade != null && !"websocket".equalsIgnoreCase(upgrade.trim())) {
			return "the Upgrade header " + upgrade + " is not 'websocket'";
		}
		String connection = headers.get(CONNECTION);
		if (connection != null && !containsToken(connection, "upgrade")) {
			return "the Connection header " + connection + " does not contain 'upgrade'";
		}
		String accept = headers.get(SEC_WEBSOCKET_ACCEPT);
		if (accept != null && !accept.trim().equals(HandshakeInterceptor.acceptKey(key))) {
			return "Sec-WebSocket-Accept " + accept + " does not match the key";
		}
		if (subprotocol != null) {
			if (subprotocol.indexOf(',') >= 0) {
				return "Sec-WebSocket-Protocol " + subprotocol + " names several subprotocols, a client accepts one";
			}
			if (!request.getOfferedSubprotocols().contains(subprotocol)) {
				return "Sec-WebSocket-Protocol " + subprotocol + " was not offered by the client "
						+ request.getOfferedSubprotocols();
			}
		}
		if (headers.containsKey(SEC_WEBSOCKET_EXTENSIONS)) {
			return "Sec-WebSocket-Extensions is negotiated by the server (wsboot.compression), not by the interceptor";
		}
		return null;
	}

	/**
	 * Whether a response header is one the upgrade writes itself.
	 */
	static boolean isHandshakeHeader(String name) {
		return UPGRADE.equalsIgnoreCase(name) || CONNECTION.equalsIgnoreCase(name)
				|| SEC_WEBSOCKET_ACCEPT.equalsIgnoreCase(name) || SEC_WEBSOCKET_PROTOCOL.equalsIgnoreCase(name);
	}

}
