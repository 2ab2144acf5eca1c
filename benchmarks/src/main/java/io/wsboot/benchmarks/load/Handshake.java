package io.wsboot.benchmarks.load;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.wsboot.HandshakeInterceptor;
import org.jspecify.annotations.Nullable;

/**
 * The client's opening handshake (RFC 6455 §4.1), encoded once: every connection sends
 * the same request, with the sample key of RFC 6455 §1.3, and checks the status line and
 * the {@code Sec-WebSocket-Accept} value of the answer.
 *
 * @since 0.1.0
 */
final class Handshake {

	static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

	private static final ByteBuf STATUS_101 = Unpooled
		.unreleasableBuffer(Unpooled.copiedBuffer("HTTP/1.1 101", StandardCharsets.US_ASCII));

	final ByteBuf request;

	final ByteBuf accept;

	Handshake(String host, int port, String path) {
		String request = "GET " + path + " HTTP/1.1\r\n" + "Host: " + host + ":" + port + "\r\n"
				+ "Upgrade: websocket\r\n" + "Connection: Upgrade\r\n" + "Sec-WebSocket-Key: " + KEY + "\r\n"
				+ "Sec-WebSocket-Version: 13\r\n\r\n";
		this.request = Unpooled
			.unreleasableBuffer(Unpooled.directBuffer().writeBytes(request.getBytes(StandardCharsets.US_ASCII)));
		this.accept = Unpooled.unreleasableBuffer(
				Unpooled.copiedBuffer(HandshakeInterceptor.acceptKey(KEY) + "\r\n", StandardCharsets.US_ASCII));
	}

	/**
	 * Check the head of a response, its final empty line included.
	 * @param head the response head
	 * @return what is wrong, or {@code null}
	 */
	@Nullable String check(ByteBuf head) {
		if (head.readableBytes() < STATUS_101.readableBytes()
				|| !ByteBufUtil.equals(head, head.readerIndex(), STATUS_101, 0, STATUS_101.readableBytes())) {
			int end = head.indexOf(head.readerIndex(), head.writerIndex(), (byte) '\r');
			return "not 101: " + head.toString(head.readerIndex(), Math.max(0, end - head.readerIndex()),
					StandardCharsets.US_ASCII);
		}
		if (ByteBufUtil.indexOf(this.accept, head) < 0) {
			return "wrong or missing Sec-WebSocket-Accept";
		}
		return null;
	}

}
