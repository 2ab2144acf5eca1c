package io.wsboot;

import org.jspecify.annotations.Nullable;

/**
 * WebSocket frame opcodes (RFC 6455 §5.2).
 *
 * @since 0.1.0
 */
public enum Opcode {

	/**
	 * Continuation of a fragmented message ({@code 0x0}).
	 */
	CONTINUATION(0x0),

	/**
	 * UTF-8 text ({@code 0x1}).
	 */
	TEXT(0x1),

	/**
	 * Binary data ({@code 0x2}).
	 */
	BINARY(0x2),

	/**
	 * Close control frame ({@code 0x8}).
	 */
	CLOSE(0x8),

	/**
	 * Ping control frame ({@code 0x9}).
	 */
	PING(0x9),

	/**
	 * Pong control frame ({@code 0xA}).
	 */
	PONG(0xA);

	private final int code;

	Opcode(int code) {
		this.code = code;
	}

	/**
	 * Return the opcode as it appears on the wire.
	 * @return the 4-bit opcode
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Whether this is a control opcode (close, ping or pong), whose frames carry at most
	 * 125 bytes and may not be fragmented (RFC 6455 §5.5).
	 * @return whether this is a control opcode
	 */
	public boolean isControl() {
		return this.code >= 0x8;
	}

	/**
	 * Return the opcode for a wire value.
	 * @param code the 4-bit opcode
	 * @return the opcode or {@code null} when the value is reserved
	 */
	public static @Nullable Opcode of(int code) {
		for (Opcode opcode : values()) {
			if (opcode.code == code) {
				return opcode;
			}
		}
		return null;
	}

}
