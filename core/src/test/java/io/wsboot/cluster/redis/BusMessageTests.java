package io.wsboot.cluster.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.wsboot.Opcode;
import io.wsboot.cluster.redis.BusMessage.MalformedBusMessageException;
import io.wsboot.cluster.redis.BusMessage.Type;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link BusMessage}.
 */
class BusMessageTests {

	private static final int MAX = 1024;

	private static final long FD = (3L << 40) + 17;

	@Test
	void pushRoundTrips() {
		BusMessage message = decode(BusMessage.push(2, 5, FD, bytes("héllo"), Opcode.TEXT, true));
		assertThat(message.type).isEqualTo(Type.PUSH);
		assertThat(message.origin).isEqualTo(2);
		assertThat(message.requestId).isEqualTo(5);
		assertThat(message.fd).isEqualTo(FD);
		assertThat(message.opcode).isEqualTo(Opcode.TEXT);
		assertThat(message.finish).isTrue();
		assertThat(message.text()).isEqualTo("héllo");
	}

	@Test
	void fragmentOfTextMayEndInsideACharacter() {
		byte[] cut = Arrays.copyOf(bytes("é"), 1);
		BusMessage message = decode(BusMessage.push(2, 0, FD, cut, Opcode.TEXT, false));
		assertThat(message.finish).isFalse();
		assertThat(message.payload).containsExactly(cut);
	}

	@Test
	void pushManyRoundTrips() {
		long[] fds = { FD, FD + 1, FD + 2, FD + 3 };
		BusMessage message = decode(BusMessage.pushMany(2, fds, 1, 3, bytes("hi"), true));
		assertThat(message.type).isEqualTo(Type.PUSH_MANY);
		assertThat(message.fds).containsExactly(FD + 1, FD + 2);
		assertThat(message.text()).isEqualTo("hi");
	}

	@Test
	void disconnectRoundTrips() {
		BusMessage message = decode(BusMessage.disconnect(2, 9, FD, 4000, "bye"));
		assertThat(message.type).isEqualTo(Type.DISCONNECT);
		assertThat(message.code).isEqualTo(4000);
		assertThat(message.text()).isEqualTo("bye");
	}

	@Test
	void broadcastReplyProbeAndLeaveRoundTrip() {
		BusMessage broadcast = decode(BusMessage.broadcast(2, 3, new byte[] { 1, 2 }, false));
		assertThat(broadcast.type).isEqualTo(Type.BROADCAST);
		assertThat(broadcast.opcode).isEqualTo(Opcode.BINARY);
		assertThat(broadcast.payload).containsExactly(1, 2);
		BusMessage reply = decode(BusMessage.reply(2, 3, 42));
		assertThat(reply.type).isEqualTo(Type.REPLY);
		assertThat(reply.value).isEqualTo(42);
		assertThat(decode(BusMessage.probe(2)).type).isEqualTo(Type.PROBE);
		assertThat(decode(BusMessage.leave(2)).type).isEqualTo(Type.LEAVE);
	}

	@Test
	void refusesEmptyTruncatedAndTrailingMessages() {
		byte[] valid = BusMessage.push(2, 0, FD, bytes("x"), Opcode.TEXT, true);
		assertMalformed(new byte[0], "truncated");
		assertMalformed(Arrays.copyOf(valid, valid.length - 1), "beyond the message");
		assertMalformed(Arrays.copyOf(valid, 20), "truncated");
		assertMalformed(Arrays.copyOf(valid, valid.length + 1), "after the message");
	}

	@Test
	void refusesUnknownVersionAndType() {
		byte[] valid = BusMessage.probe(2);
		byte[] version = valid.clone();
		version[0] = 2;
		assertMalformed(version, "version");
		byte[] type = valid.clone();
		type[1] = 99;
		assertMalformed(type, "type");
	}

	@Test
	void refusesInvalidFields() {
		assertMalformed(BusMessage.push(0, 0, FD, bytes("x"), Opcode.TEXT, true), "origin");
		assertMalformed(BusMessage.push(2, 0, -1, bytes("x"), Opcode.TEXT, true), "fd");
		assertMalformed(BusMessage.push(2, 0, FD, new byte[] { (byte) 0xC3, 0x28 }, Opcode.TEXT, true), "UTF-8");
		assertMalformed(BusMessage.push(2, 0, FD, new byte[0], Opcode.CLOSE, true), "close opcode");
		assertMalformed(BusMessage.push(2, 0, FD, new byte[126], Opcode.PING, true), "control");
		assertMalformed(BusMessage.push(2, 0, FD, new byte[1], Opcode.PING, false), "control");
		assertMalformed(BusMessage.disconnect(2, 0, FD, 1005, ""), "close code");
		assertMalformed(BusMessage.disconnect(2, 0, FD, 1000, "x".repeat(124)), "payload length");
		assertMalformed(BusMessage.reply(2, 0, 1), "request id");
		byte[] opcode = BusMessage.broadcast(2, 0, bytes("x"), true);
		opcode[18] = 9;
		assertMalformed(opcode, "opcode");
		byte[] finish = BusMessage.push(2, 0, FD, bytes("x"), Opcode.TEXT, true);
		finish[27] = 2;
		assertMalformed(finish, "finish");
	}

	@Test
	void refusesLengthsBeyondTheMessageOrTheLimit() {
		assertMalformed(BusMessage.broadcast(2, 0, new byte[MAX + 1], false), "at most " + MAX);
		byte[] lying = BusMessage.broadcast(2, 0, new byte[4], false);
		ByteBuffer.wrap(lying).putInt(19, 100);
		assertMalformed(lying, "beyond the message");
		byte[] negative = BusMessage.broadcast(2, 0, new byte[4], false);
		ByteBuffer.wrap(negative).putInt(19, -1);
		assertMalformed(negative, "payload length -1");
		byte[] count = BusMessage.pushMany(2, new long[] { FD }, 0, 1, new byte[1], false);
		ByteBuffer.wrap(count).putInt(19, BusMessage.MAX_FDS + 1);
		assertMalformed(count, "fd count");
		assertMalformed(new byte[MAX + BusMessage.OVERHEAD + 8 * BusMessage.MAX_FDS + 1], "size limit");
	}

	private static BusMessage decode(byte[] message) {
		return BusMessage.decode(ByteBuffer.wrap(message), MAX);
	}

	private static void assertMalformed(byte[] message, String reason) {
		assertThatExceptionOfType(MalformedBusMessageException.class).isThrownBy(() -> decode(message))
			.withMessageContaining(reason);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
