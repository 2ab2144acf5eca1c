package io.wsboot;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * permessage-deflate by hand (RFC 7692 §7.2), for raw clients of the compression tests.
 */
final class CompressedFrames {

	private static final int TEXT = 0x1;

	private CompressedFrames() {
	}

	/**
	 * Read a compressed text message of one frame.
	 */
	static String readText(RawWebSocketConnection socket, Inflater inflater) throws DataFormatException {
		return inflateText(socket.readFrame(), inflater);
	}

	/**
	 * Inflate a compressed text message: RSV1 set, payload deflated without its final
	 * empty block (RFC 7692 §7.2.2).
	 */
	static String inflateText(ReceivedFrame frame, Inflater inflater) throws DataFormatException {
		assertThat(frame.opcode()).as("opcode of %s", frame).isEqualTo(TEXT);
		assertThat(frame.fin()).as("fin of %s", frame).isTrue();
		assertThat(frame.rsv()).as("RSV1 of %s", frame).isEqualTo(4);
		byte[] payload = Arrays.copyOf(frame.payload(), frame.payload().length + 4);
		payload[payload.length - 2] = (byte) 0xFF;
		payload[payload.length - 1] = (byte) 0xFF;
		inflater.setInput(payload);
		ByteArrayOutputStream text = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		while (!inflater.needsInput()) {
			int count = inflater.inflate(buffer);
			text.write(buffer, 0, count);
			if (count == 0 && !inflater.needsInput()) {
				break;
			}
		}
		return text.toString(StandardCharsets.UTF_8);
	}

	/**
	 * Compress one message as permessage-deflate does (RFC 7692 §7.2.1): raw deflate,
	 * flushed, without the trailing {@code 00 00 FF FF}.
	 */
	static byte[] deflate(byte[] data) {
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		try {
			deflater.setInput(data);
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			int count;
			do {
				count = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
				out.write(buffer, 0, count);
			}
			while (count == buffer.length || !deflater.needsInput());
			byte[] compressed = out.toByteArray();
			return Arrays.copyOf(compressed, compressed.length - 4);
		}
		finally {
			deflater.end();
		}
	}

}
