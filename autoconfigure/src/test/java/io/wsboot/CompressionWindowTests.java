package io.wsboot;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.zip.Inflater;

import io.wsboot.test.HandshakeResult;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;
import io.wsboot.test.WebSocketTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code wsboot.compression.server-max-window-bits} below 15 with JZlib on the
 * class path: the answer announces the window and the server keeps to it, and a client's
 * offer of a smaller one wins.
 */
@SpringBootTest(classes = CompressionWindowTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.compression.enabled=true",
				"wsboot.compression.server-max-window-bits=10" })
class CompressionWindowTests {

	/** Two copies of a block farther apart than a 10-bit window reaches. */
	private static final String BLOCK = randomText(2000);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketServer server;

	@Test
	void announcesConfiguredServerWindow() {
		HandshakeResult response = WebSocketTestClient.forPort(this.port)
			.header("Sec-WebSocket-Extensions", "permessage-deflate")
			.handshake()
			.expectSwitchingProtocols();
		assertThat(response.header("sec-websocket-extensions"))
			.isEqualTo("permessage-deflate;server_max_window_bits=10");
	}

	@Test
	void acceptsClientsSmallerServerWindow() {
		HandshakeResult response = WebSocketTestClient.forPort(this.port)
			.header("Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=9")
			.handshake()
			.expectSwitchingProtocols();
		assertThat(response.header("sec-websocket-extensions"))
			.isEqualTo("permessage-deflate;server_max_window_bits=9");
	}

	@Test
	void keepsLargerClientOfferToConfiguredServerWindow() {
		HandshakeResult response = WebSocketTestClient.forPort(this.port)
			.header("Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=12")
			.handshake()
			.expectSwitchingProtocols();
		assertThat(response.header("sec-websocket-extensions"))
			.isEqualTo("permessage-deflate;server_max_window_bits=10");
	}

	@Test
	void compressesWithinConfiguredWindow() throws Exception {
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port)
			.header("Sec-WebSocket-Extensions", "permessage-deflate")
			.connectRaw()) {
			Inflater inflater = new Inflater(true);
			try {
				long fd = Long.parseLong(CompressedFrames.readText(socket, inflater).substring(3));
				String text = BLOCK + BLOCK;
				assertThat(this.server.push(fd, text)).isTrue();
				ReceivedFrame frame = socket.readFrame();
				assertThat(CompressedFrames.inflateText(frame, inflater)).isEqualTo(text);
				// The second copy is 2,000 bytes back: beyond a 1 KiB window, so
				// compressed again
				int once = CompressedFrames.deflate(BLOCK.getBytes(StandardCharsets.US_ASCII)).length;
				assertThat(frame.payload().length).isGreaterThan(once * 3 / 2);
			}
			finally {
				inflater.end();
			}
		}
	}

	/**
	 * Text that compresses to about three quarters of its length on its own.
	 */
	static String randomText(int length) {
		byte[] bytes = new byte[length];
		new Random(7).nextBytes(bytes);
		return Base64.getEncoder().encodeToString(bytes).substring(0, length);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
