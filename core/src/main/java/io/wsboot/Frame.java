package io.wsboot;

import java.nio.charset.StandardCharsets;

import org.springframework.util.Assert;

/**
 * A WebSocket message received from a client, as OpenSwoole's {@code Frame}: the
 * connection's fd, the opcode, the payload and whether it is the final fragment.
 * <p>
 * Fragmented messages are reassembled before they are published, so a frame of opcode
 * {@link Opcode#TEXT} or {@link Opcode#BINARY} always holds a whole message and
 * {@link #isFinish()} is {@code true}. The payload is held as received: a {@code String}
 * for text, a {@code byte[]} for everything else; the other representation is derived on
 * demand.
 *
 * @since 0.1.0
 */
public final class Frame {

	private final long fd;

	private final Opcode opcode;

	private final boolean finish;

	private final Object payload;

	private Frame(long fd, Opcode opcode, boolean finish, Object payload) {
		this.fd = fd;
		this.opcode = opcode;
		this.finish = finish;
		this.payload = payload;
	}

	/**
	 * Create a text frame.
	 * @param fd the connection
	 * @param text the message
	 * @return a new frame
	 */
	public static Frame text(long fd, String text) {
		Assert.notNull(text, "'text' must not be null");
		return new Frame(fd, Opcode.TEXT, true, text);
	}

	/**
	 * Create a frame holding bytes.
	 * @param fd the connection
	 * @param opcode any opcode but {@link Opcode#TEXT}
	 * @param finish whether this is the final fragment
	 * @param data the payload, not copied
	 * @return a new frame
	 */
	public static Frame binary(long fd, Opcode opcode, boolean finish, byte[] data) {
		Assert.notNull(opcode, "'opcode' must not be null");
		Assert.notNull(data, "'data' must not be null");
		return new Frame(fd, opcode, finish, data);
	}

	/**
	 * Return the connection the frame came from.
	 * @return the fd
	 */
	public long getFd() {
		return this.fd;
	}

	/**
	 * Return the opcode.
	 * @return the opcode
	 */
	public Opcode getOpcode() {
		return this.opcode;
	}

	/**
	 * Whether this is the final fragment of a message.
	 * @return {@code true} for every reassembled message
	 */
	public boolean isFinish() {
		return this.finish;
	}

	/**
	 * Whether the payload is text.
	 * @return whether the opcode is {@link Opcode#TEXT}
	 */
	public boolean isText() {
		return this.opcode == Opcode.TEXT;
	}

	/**
	 * Return the payload as text: the message of a text frame, or the UTF-8 decoding of
	 * any other payload. OpenSwoole's {@code $frame->data}.
	 * @return the payload as text
	 */
	public String getData() {
		return (this.payload instanceof String text) ? text : new String((byte[]) this.payload, StandardCharsets.UTF_8);
	}

	/**
	 * Return the payload as bytes: the data of a binary or control frame, or the UTF-8
	 * encoding of a text message. The array is not a copy.
	 * @return the payload as bytes
	 */
	public byte[] getBytes() {
		return (this.payload instanceof byte[] bytes) ? bytes
				: ((String) this.payload).getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return "Frame{fd=" + this.fd + ", opcode=" + this.opcode + ", finish=" + this.finish + "}";
	}

}
