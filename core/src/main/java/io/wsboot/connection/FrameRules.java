package io.wsboot.connection;

import java.nio.charset.StandardCharsets;

import io.wsboot.Opcode;

import org.springframework.util.Assert;

/**
 * The rules of RFC 6455 on control frames and close codes, in one place: for what the
 * server sends, what it accepts from clients, and what travels between the nodes of a
 * cluster.
 *
 * @since 0.1.0
 */
public final class FrameRules {

	/**
	 * Largest payload of a control frame (RFC 6455 §5.5).
	 */
	public static final int MAX_CONTROL_PAYLOAD = 125;

	/**
	 * Largest close reason, in bytes of UTF-8: a control payload less the close code.
	 */
	public static final int MAX_CLOSE_REASON = MAX_CONTROL_PAYLOAD - 2;

	private FrameRules() {
	}

	/**
	 * Whether a close code may appear in a close frame on the wire (RFC 6455 §7.4):
	 * 1000–1003, 1007–1014 and 3000–4999. The same codes may be sent and received;
	 * 1004–1006 and 1015 are reserved for reports, never sent.
	 * @param code the code
	 * @return whether it may be sent or received
	 */
	public static boolean isValidCloseCode(int code) {
		return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
	}

	/**
	 * Check the arguments of a close the application asks for.
	 * @param code the close code
	 * @param reason the close reason
	 * @throws IllegalArgumentException when the code may not be sent or the reason does
	 * not fit in a close frame
	 */
	public static void checkClose(int code, String reason) {
		Assert.isTrue(isValidCloseCode(code),
				() -> "'code' must be 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 7.4), not " + code);
		Assert.notNull(reason, "'reason' must not be null");
		Assert.isTrue(reason.getBytes(StandardCharsets.UTF_8).length <= MAX_CLOSE_REASON,
				"'reason' must be at most 123 bytes of UTF-8 (RFC 6455 5.5)");
	}

	/**
	 * Check a frame the application asks to push with an explicit opcode: no close frame
	 * (a close goes through the close sequence), no fragmented or oversized control
	 * frame.
	 * @param opcode its opcode
	 * @param finish whether it is the final fragment
	 * @param length its payload length
	 * @throws IllegalArgumentException when the frame breaks a rule
	 */
	public static void checkPushedFrame(Opcode opcode, boolean finish, int length) {
		Assert.notNull(opcode, "'opcode' must not be null");
		Assert.isTrue(opcode != Opcode.CLOSE, "'opcode' must not be CLOSE: use disconnect(fd, code, reason)");
		if (opcode.isControl()) {
			Assert.isTrue(finish, "Control frames must not be fragmented (RFC 6455 5.5)");
			Assert.isTrue(length <= MAX_CONTROL_PAYLOAD,
					() -> "Control frames carry at most 125 bytes (RFC 6455 5.5), not " + length);
		}
	}

	/**
	 * Whether a pushed frame keeps the rules of {@link #checkPushedFrame}.
	 * @param opcode its opcode
	 * @param finish whether it is the final fragment
	 * @param length its payload length
	 * @return whether it may be sent
	 */
	public static boolean isValidPushedFrame(Opcode opcode, boolean finish, int length) {
		return opcode != Opcode.CLOSE && (!opcode.isControl() || (finish && length <= MAX_CONTROL_PAYLOAD));
	}

}
