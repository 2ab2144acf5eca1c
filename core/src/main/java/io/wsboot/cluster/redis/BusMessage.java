package io.wsboot.cluster.redis;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.wsboot.Opcode;
import io.wsboot.connection.FrameRules;

/**
 * A message of the bus between nodes, in a compact binary envelope (big-endian):
 *
 * <pre>
 * byte version (1), byte type, long origin node number, long request id (0: no answer wanted)
 * PUSH:       long fd, byte opcode, byte finish (0|1), int length, payload
 * PUSH_MANY:  byte opcode (text|binary), int count, count × long fd, int length, payload
 * DISCONNECT: long fd, short code, int length, reason (UTF-8, at most 123 bytes)
 * BROADCAST:  byte opcode (text|binary), int length, payload
 * REPLY:      long value
 * PROBE, LEAVE: nothing more
 * </pre>
 *
 * {@link #decode(ByteBuffer, int)} checks every field, every length against what is left
 * and the size limit, UTF-8 of complete text messages, and that nothing follows the
 * message; anything else is a {@link MalformedBusMessageException}.
 */
final class BusMessage {

	static final byte VERSION = 1;

	/** Bytes of the envelope and type fields besides payloads and fd lists. */
	static final int OVERHEAD = 64;

	/** Most fds in one PUSH_MANY message. */
	static final int MAX_FDS = 8192;

	private static final int HEADER = 1 + 1 + 8 + 8;

	enum Type {

		PUSH(1), PUSH_MANY(2), DISCONNECT(3), BROADCAST(4), REPLY(5), PROBE(6), LEAVE(7);

		final byte code;

		Type(int code) {
			this.code = (byte) code;
		}

		static Type of(byte code) {
			for (Type type : values()) {
				if (type.code == code) {
					return type;
				}
			}
			throw new MalformedBusMessageException("unknown type " + code);
		}

	}

	final Type type;

	final long origin;

	final long requestId;

	final long fd;

	final long[] fds;

	final Opcode opcode;

	final boolean finish;

	final int code;

	final byte[] payload;

	final long value;

	private BusMessage(Type type, long origin, long requestId, long fd, long[] fds, Opcode opcode, boolean finish,
			int code, byte[] payload, long value) {
		this.type = type;
		this.origin = origin;
		this.requestId = requestId;
		this.fd = fd;
		this.fds = fds;
		this.opcode = opcode;
		this.finish = finish;
		this.code = code;
		this.payload = payload;
		this.value = value;
	}

	/**
	 * Return the text of a PUSH, PUSH_MANY or BROADCAST payload, or the reason of a
	 * DISCONNECT.
	 * @return the decoded text (validated at decode time)
	 */
	String text() {
		return new String(this.payload, StandardCharsets.UTF_8);
	}

	// Encoding

	static byte[] push(long origin, long requestId, long fd, byte[] payload, Opcode opcode, boolean finish) {
		ByteBuffer buffer = header(Type.PUSH, origin, requestId, 8 + 1 + 1 + 4 + payload.length);
		buffer.putLong(fd).put((byte) opcode.code()).put((byte) (finish ? 1 : 0));
		buffer.putInt(payload.length).put(payload);
		return buffer.array();
	}

	static byte[] pushMany(long origin, long[] fds, int from, int to, byte[] payload, boolean text) {
		int count = to - from;
		ByteBuffer buffer = header(Type.PUSH_MANY, origin, 0, 1 + 4 + 8 * count + 4 + payload.length);
		buffer.put((byte) (text ? Opcode.TEXT : Opcode.BINARY).code()).putInt(count);
		for (int i = from; i < to; i++) {
			buffer.putLong(fds[i]);
		}
		buffer.putInt(payload.length).put(payload);
		return buffer.array();
	}

	static byte[] disconnect(long origin, long requestId, long fd, int code, String reason) {
		byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
		ByteBuffer buffer = header(Type.DISCONNECT, origin, requestId, 8 + 2 + 4 + bytes.length);
		buffer.putLong(fd).putShort((short) code).putInt(bytes.length).put(bytes);
		return buffer.array();
	}

	static byte[] broadcast(long origin, long requestId, byte[] payload, boolean text) {
		ByteBuffer buffer = header(Type.BROADCAST, origin, requestId, 1 + 4 + payload.length);
		buffer.put((byte) (text ? Opcode.TEXT : Opcode.BINARY).code()).putInt(payload.length).put(payload);
		return buffer.array();
	}

	static byte[] reply(long origin, long requestId, long value) {
		return header(Type.REPLY, origin, requestId, 8).putLong(value).array();
	}

	static byte[] probe(long origin) {
		return header(Type.PROBE, origin, 0, 0).array();
	}

	static byte[] leave(long origin) {
		return header(Type.LEAVE, origin, 0, 0).array();
	}

	private static ByteBuffer header(Type type, long origin, long requestId, int body) {
		return ByteBuffer.allocate(HEADER + body).put(VERSION).put(type.code).putLong(origin).putLong(requestId);
	}

	// Decoding

	/**
	 * Decode and validate a message.
	 * @param buffer the message as received
	 * @param maxPayload the largest payload accepted
	 * @return the message
	 * @throws MalformedBusMessageException when it is not a valid message
	 */
	static BusMessage decode(ByteBuffer buffer, int maxPayload) {
		int size = buffer.remaining();
		if (size > maxPayload + OVERHEAD + 8L * MAX_FDS) {
			throw new MalformedBusMessageException("message of " + size + " bytes is over the size limit");
		}
		try {
			byte version = buffer.get();
			if (version != VERSION) {
				throw new MalformedBusMessageException("unknown version " + version);
			}
			Type type = Type.of(buffer.get());
			long origin = positive(buffer.getLong(), "origin");
			long requestId = buffer.getLong();
			if (requestId < 0) {
				throw new MalformedBusMessageException("negative request id");
			}
			BusMessage message = switch (type) {
				case PUSH -> {
					long fd = positive(buffer.getLong(), "fd");
					Opcode opcode = opcode(buffer.get());
					byte finishByte = buffer.get();
					if (finishByte != 0 && finishByte != 1) {
						throw new MalformedBusMessageException("finish flag " + finishByte);
					}
					boolean finish = finishByte == 1;
					byte[] payload = payload(buffer, maxPayload);
					if (!FrameRules.isValidPushedFrame(opcode, finish, payload.length)) {
						throw new MalformedBusMessageException(
								(opcode == Opcode.CLOSE) ? "close opcode in a push" : "invalid control frame");
					}
					if (opcode == Opcode.TEXT && finish) {
						checkUtf8(payload);
					}
					yield new BusMessage(type, origin, requestId, fd, new long[0], opcode, finish, 0, payload, 0);
				}
				case PUSH_MANY -> {
					Opcode opcode = dataOpcode(buffer.get());
					int count = buffer.getInt();
					if (count < 0 || count > MAX_FDS) {
						throw new MalformedBusMessageException("fd count " + count);
					}
					long[] fds = new long[count];
					for (int i = 0; i < count; i++) {
						fds[i] = positive(buffer.getLong(), "fd");
					}
					byte[] payload = payload(buffer, maxPayload);
					if (opcode == Opcode.TEXT) {
						checkUtf8(payload);
					}
					yield new BusMessage(type, origin, requestId, 0, fds, opcode, true, 0, payload, 0);
				}
				case DISCONNECT -> {
					long fd = positive(buffer.getLong(), "fd");
					int code = buffer.getShort() & 0xFFFF;
					if (!FrameRules.isValidCloseCode(code)) {
						throw new MalformedBusMessageException("close code " + code);
					}
					byte[] reason = payload(buffer, FrameRules.MAX_CLOSE_REASON);
					checkUtf8(reason);
					yield new BusMessage(type, origin, requestId, fd, new long[0], Opcode.CLOSE, true, code, reason, 0);
				}
				case BROADCAST -> {
					Opcode opcode = dataOpcode(buffer.get());
					byte[] payload = payload(buffer, maxPayload);
					if (opcode == Opcode.TEXT) {
						checkUtf8(payload);
					}
					yield new BusMessage(type, origin, requestId, 0, new long[0], opcode, true, 0, payload, 0);
				}
				case REPLY -> {
					if (requestId == 0) {
						throw new MalformedBusMessageException("reply without a request id");
					}
					yield new BusMessage(type, origin, requestId, 0, new long[0], Opcode.BINARY, true, 0, new byte[0],
							buffer.getLong());
				}
				case PROBE, LEAVE ->
					new BusMessage(type, origin, requestId, 0, new long[0], Opcode.BINARY, true, 0, new byte[0], 0);
			};
			if (buffer.hasRemaining()) {
				throw new MalformedBusMessageException(buffer.remaining() + " bytes after the message");
			}
			return message;
		}
		catch (BufferUnderflowException ex) {
			throw new MalformedBusMessageException("truncated message of " + size + " bytes");
		}
	}

	private static long positive(long value, String field) {
		if (value <= 0) {
			throw new MalformedBusMessageException(field + " " + value);
		}
		return value;
	}

	private static Opcode opcode(byte code) {
		Opcode opcode = Opcode.of(code);
		if (opcode == null) {
			throw new MalformedBusMessageException("opcode " + code);
		}
		return opcode;
	}

	private static Opcode dataOpcode(byte code) {
		Opcode opcode = opcode(code);
		if (opcode != Opcode.TEXT && opcode != Opcode.BINARY) {
			throw new MalformedBusMessageException("opcode " + code + " where text or binary is expected");
		}
		return opcode;
	}

	private static byte[] payload(ByteBuffer buffer, int max) {
		int length = buffer.getInt();
		if (length < 0 || length > max) {
			throw new MalformedBusMessageException("payload length " + length + " (at most " + max + ")");
		}
		if (length > buffer.remaining()) {
			throw new MalformedBusMessageException("payload length " + length + " beyond the message");
		}
		byte[] payload = new byte[length];
		buffer.get(payload);
		return payload;
	}

	private static void checkUtf8(byte[] bytes) {
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes));
		}
		catch (CharacterCodingException ex) {
			throw new MalformedBusMessageException("text that is not UTF-8");
		}
	}

	/**
	 * A bus message that is not valid: it is logged and dropped.
	 */
	static final class MalformedBusMessageException extends RuntimeException {

		MalformedBusMessageException(String message) {
			super(message, null, false, false);
		}

	}

}
