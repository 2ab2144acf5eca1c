package io.wsboot.handshake;

import java.util.Base64;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The header checks of RFC 6455 §4.2.1 that the handshake applies.
 */
final class HandshakeChecks {

	private static final int KEY_LENGTH = 24;

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

}
