package io.wsboot;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.Inflater;

import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.autoconfigure.WsbootProperties;
import io.wsboot.test.HandshakeResult;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsbootProperties#getCompression()} enabled (through the deprecated
 * {@code wsboot.compression=true}): permessage-deflate (RFC 7692) with a raw client that
 * offers it and compresses by hand.
 */
@RecordWebSocketEvents
@SpringBootTest(classes = CompressionTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.compression=true" })
class CompressionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final int FIN = 0x80;

	private static final int RSV1 = 0x40;

	private static final int TEXT = 0x1;

	private static final int BINARY = 0x2;

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Test
	void negotiatesPermessageDeflateWithClientThatOffersIt() throws Exception {
		HandshakeResult response = WebSocketTestClient.forPort(this.port)
			.header("Sec-WebSocket-Extensions", "permessage-deflate")
			.handshake()
			.expectSwitchingProtocols();
		assertThat(response.header("sec-websocket-extensions")).startsWith("permessage-deflate");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "permessage-deflate; server_no_context_takeover | server_no_context_takeover",
			"permessage-deflate; server_max_window_bits=15 | permessage-deflate",
			"permessage-deflate; client_max_window_bits | permessage-deflate",
			"permessage-deflate; client_max_window_bits=10 | permessage-deflate",
			"permessage-deflate; client_no_context_takeover | permessage-deflate",
			"permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15; client_max_window_bits=9 | server_no_context_takeover",
			"permessage-deflate; server_max_window_bits=\"15\" | permessage-deflate" })
	void acceptsOfferWithParameters(String offer, String answerContains) throws Exception {
		HandshakeResult response = WebSocketTestClient.forPort(this.port)
			.header("Sec-WebSocket-Extensions", offer)
			.handshake()
			.expectSwitchingProtocols();
		assertThat(response.header("sec-websocket-extensions")).startsWith("permessage-deflate")
			.contains(answerContains)
			.doesNotContain("server_max_window_bits");
	}

	@ParameterizedTest
	@ValueSource(strings = { "permessage-deflate; server_max_window_bits=7",
			"permessage-deflate; server_max_window_bits=16", "permessage-deflate; server_max_window_bits",
			"permessage-deflate; server_max_window_bits=010", "permessage-deflate; client_max_window_bits=abc",
			"permessage-deflate; server_no_context_takeover=1",
			"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
			"permessage-deflate; unknown_parameter", "x-webkit-deflate-frame" })
	void declinesInvalidOffer(String offer) throws Exception {
		HandshakeResult response = WebSocketTestClient.forPort(this.port)
			.header("Sec-WebSocket-Extensions", offer)
			.handshake()
			.expectSwitchingProtocols();
		assertThat(response.header("sec-websocket-extensions")).isNull();
	}

	@Test
	void acceptsFirstAcceptableOfferOfList() throws Exception {
		HandshakeResult response = WebSocketTestClient.forPort(this.port)
			.header("Sec-WebSocket-Extensions",
					"permessage-deflate; unknown=1, permessage-deflate; server_no_context_takeover, permessage-deflate")
			.handshake()
			.expectSwitchingProtocols();
		assertThat(response.header("sec-websocket-extensions"))
			.isEqualTo("permessage-deflate;server_no_context_takeover");
	}

	@Test
	void exchangesCompressedMessagesWithoutContextTakeoverWhenClientAsks() throws Exception {
		try (RawWebSocketConnection socket = openCompressed("permessage-deflate; server_no_context_takeover")) {
			long fd;
			Inflater greeting = new Inflater(true);
			try {
				fd = Long.parseLong(CompressedFrames.readText(socket, greeting).substring(3));
			}
			finally {
				greeting.end();
			}
			String reply = "reply, ".repeat(100);
			for (int i = 0; i < 3; i++) {
				// Each message inflates on its own: a fresh inflater for each
				Inflater inflater = new Inflater(true);
				try {
					assertThat(this.server.push(fd, reply)).isTrue();
					assertThat(CompressedFrames.readText(socket, inflater)).isEqualTo(reply);
				}
				finally {
					inflater.end();
				}
			}
			String text = "compress me, ".repeat(100);
			socket.sendFrame(FIN | RSV1 | TEXT, true, CompressedFrames.deflate(text.getBytes(StandardCharsets.UTF_8)));
			assertThat(this.recorder.awaitMessages(fd, 1, TIMEOUT)).extracting(Frame::getData).containsExactly(text);
		}
	}

	@Test
	void talksUncompressedToClientThatDoesNotOfferIt() throws Exception {
		try (WebSocketTestConnection client = Greeter.connect(WebSocketTestClient.forPort(this.port))) {
			client.sendText("plain");
			assertThat(this.recorder.awaitMessages(Greeter.fd(client), 1, TIMEOUT)).extracting(Frame::getData)
				.containsExactly("plain");
			assertThat(this.server.push(Greeter.fd(client), "reply")).isTrue();
			assertThat(client.expectText()).isEqualTo("reply");
		}
	}

	@Test
	void exchangesCompressedMessagesWithClientThatOffersIt() throws Exception {
		try (RawWebSocketConnection socket = openCompressed()) {
			Inflater inflater = new Inflater(true);
			try {
				long fd = Long.parseLong(CompressedFrames.readText(socket, inflater).substring(3));
				String text = "compress me, ".repeat(100);
				byte[] compressed = CompressedFrames.deflate(text.getBytes(StandardCharsets.UTF_8));
				assertThat(compressed.length).isLessThan(text.length() / 4);
				socket.sendFrame(FIN | RSV1 | TEXT, true, compressed);
				assertThat(this.recorder.awaitMessages(fd, 1, TIMEOUT)).extracting(Frame::getData)
					.containsExactly(text);
				assertThat(this.server.info(fd).orElseThrow().bytesReceived()).isEqualTo(text.length());
				String reply = "reply, ".repeat(100);
				assertThat(this.server.push(fd, reply)).isTrue();
				assertThat(CompressedFrames.readText(socket, inflater)).isEqualTo(reply);
				assertThat(this.server.push(fd, reply)).isTrue();
				assertThat(CompressedFrames.readText(socket, inflater)).as("second message, same context")
					.isEqualTo(reply);
				String news = "news, ".repeat(100);
				assertThat(this.server.broadcast(news)).isEqualTo(1);
				assertThat(CompressedFrames.readText(socket, inflater)).as("broadcast").isEqualTo(news);
			}
			finally {
				inflater.end();
			}
		}
	}

	@Test
	void compressesWithFifteenBitWindowByDefault() throws Exception {
		try (RawWebSocketConnection socket = openCompressed()) {
			Inflater inflater = new Inflater(true);
			try {
				long fd = Long.parseLong(CompressedFrames.readText(socket, inflater).substring(3));
				String block = CompressionWindowTests.randomText(2000);
				assertThat(this.server.push(fd, block + block)).isTrue();
				ReceivedFrame frame = socket.readFrame();
				assertThat(CompressedFrames.inflateText(frame, inflater)).isEqualTo(block + block);
				// The second copy is 2,000 bytes back, within the window: a short
				// reference
				int once = CompressedFrames.deflate(block.getBytes(StandardCharsets.US_ASCII)).length;
				assertThat(frame.payload().length).isLessThan(once * 6 / 5);
			}
			finally {
				inflater.end();
			}
		}
	}

	@Test
	void closesWith1002WhenRsv1IsSetWithoutNegotiatedCompression() throws Exception {
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			long fd = Long.parseLong(socket.expectText().substring(3));
			socket.sendFrame(FIN | RSV1 | TEXT, true,
					CompressedFrames.deflate("not negotiated".getBytes(StandardCharsets.UTF_8)));
			assertFailedWith(socket, fd, 1002);
		}
	}

	@Test
	void closesWith1002WhenRsv2IsSetOnCompressedConnection() throws Exception {
		try (RawWebSocketConnection socket = openCompressed()) {
			Inflater inflater = new Inflater(true);
			try {
				long fd = Long.parseLong(CompressedFrames.readText(socket, inflater).substring(3));
				socket.sendFrame(FIN | 0x20 | TEXT, true, "rsv2".getBytes(StandardCharsets.UTF_8));
				assertFailedWith(socket, fd, 1002);
			}
			finally {
				inflater.end();
			}
		}
	}

	@Test
	void closesWith1009WhenMessageInflatesBeyondMaxMessageSize() throws Exception {
		try (RawWebSocketConnection socket = openCompressed()) {
			Inflater inflater = new Inflater(true);
			try {
				long fd = Long.parseLong(CompressedFrames.readText(socket, inflater).substring(3));
				// 2 MB of zeros, above the default 1 MB, in a frame of about 2 KB
				byte[] bomb = CompressedFrames.deflate(new byte[2 * 1024 * 1024]);
				assertThat(bomb.length).isLessThan(64 * 1024);
				socket.sendFrame(FIN | RSV1 | BINARY, true, bomb);
				assertFailedWith(socket, fd, 1009);
				assertThat(this.recorder.messages(fd)).isEmpty();
			}
			finally {
				inflater.end();
			}
		}
	}

	private RawWebSocketConnection openCompressed() {
		return openCompressed("permessage-deflate");
	}

	private RawWebSocketConnection openCompressed(String offer) {
		RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port)
			.header("Sec-WebSocket-Extensions", offer)
			.connectRaw();
		try {
			assertThat(socket.handshakeResult().header("sec-websocket-extensions")).startsWith("permessage-deflate");
			return socket;
		}
		catch (RuntimeException | AssertionError ex) {
			socket.close();
			throw ex;
		}
	}

	private void assertFailedWith(RawWebSocketConnection socket, long fd, int code) {
		ReceivedFrame close = socket.readFrame();
		assertThat(close.opcode()).as("opcode of the server's answer").isEqualTo(0x8);
		assertThat(close.closeCode()).as("close code of %s", close.closeReason()).isEqualTo(code);
		try {
			socket.sendClose(code, "");
		}
		catch (UncheckedIOException ex) {
			// a failed connection may be dropped without waiting for the answer
		}
		assertThat(socket.awaitServerClose(TIMEOUT)).isTrue();
		WebSocketCloseEvent event = this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(event.getCode()).isEqualTo(code);
		assertThat(event.getClosedBy()).isEqualTo(ClosedBy.SERVER);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
