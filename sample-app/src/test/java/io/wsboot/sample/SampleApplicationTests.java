package io.wsboot.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import io.wsboot.HandshakeInterceptor;
import io.wsboot.WebSocketServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.wsboot.sample.HelloAssertions.assertHello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of {@link SampleApplication} with the example's handshake
 * ({@link SeedHandshakeInterceptor}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	/**
	 * The key of RFC 6455 §1.3.
	 */
	private static final String RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

	/**
	 * The accept value of RFC 6455 §1.3 for {@link #RFC_KEY}.
	 */
	private static final String RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

	private static final Duration HELLO_WAIT = Duration.ofMillis(2500);

	@LocalServerPort
	private int port;

	@Autowired
	private HandshakeInterceptor handshakeInterceptor;

	@Autowired
	private WebSocketServer server;

	@Test
	void decidesHandshakesWithTheSeedInterceptor() {
		assertThat(this.handshakeInterceptor).isInstanceOf(SeedHandshakeInterceptor.class);
	}

	@Test
	void acceptsValidKeyWithCorrectAcceptHeader() throws Exception {
		RawHandshake.Response response = RawHandshake.send(this.port, RFC_KEY);
		assertThat(response.status()).as(response.statusLine()).isEqualTo(101);
		assertThat(response.header("Sec-WebSocket-Accept")).containsExactly(RFC_ACCEPT);
		assertThat(response.header("Upgrade")).singleElement().asString().isEqualToIgnoringCase("websocket");
		assertThat(response.header("Connection")).singleElement().asString().isEqualToIgnoringCase("upgrade");
		assertThat(response.header("Sec-WebSocket-Protocol")).isEmpty();
	}

	@Test
	void rejectsKeyThatIsTooShortWith400() throws Exception {
		assertThat(RawHandshake.send(this.port, "dGhlIHNhbXBsZSBub25j").status()).isEqualTo(400);
	}

	@Test
	void rejectsKeyWithoutPaddingWith400() throws Exception {
		// 16 bytes for a lenient decoder, but not 24 characters
		assertThat(RawHandshake.send(this.port, "dGhlIHNhbXBsZSBub25jZQ").status()).isEqualTo(400);
	}

	@Test
	void rejectsKeyWithNonZeroTrailingBitsWith400() throws Exception {
		// 24 characters and 16 bytes for the JDK's decoder, so it passes the transport
		// checks; the seed's pattern refuses it
		assertThat(RawHandshake.send(this.port, "dGhlIHNhbXBsZSBub25jZR==").status()).isEqualTo(400);
	}

	@Test
	void rejectsMissingKeyWith400() throws Exception {
		assertThat(RawHandshake.send(this.port, null).status()).isEqualTo(400);
	}

	@Test
	void answersSubprotocolOfferWithTheFirstOneOnly() throws Exception {
		RawHandshake.Response response = RawHandshake.send(this.port, RFC_KEY,
				"Sec-WebSocket-Protocol: chat, superchat");
		assertThat(response.status()).as(response.statusLine()).isEqualTo(101);
		assertThat(response.header("Sec-WebSocket-Protocol")).containsExactly("chat");
	}

	@Test
	void givesJdkClientTheFirstSubprotocolOffered() throws Exception {
		JdkWebSocketClient client = JdkWebSocketClient.connect(this.port, "chat", "superchat");
		try {
			assertThat(client.subprotocol()).isEqualTo("chat");
		}
		finally {
			client.close();
		}
	}

	@Test
	void pushesHelloEverySecondAsTheFirstFrames() throws Exception {
		long start = Instant.now().getEpochSecond();
		JdkWebSocketClient client = JdkWebSocketClient.connect(this.port);
		try {
			assertHello(client.nextMessage(HELLO_WAIT), start);
			assertHello(client.nextMessage(HELLO_WAIT), start);
		}
		finally {
			client.close();
		}
	}

	@Test
	void answersTextMessageWithHello(CapturedOutput output) throws Exception {
		long start = Instant.now().getEpochSecond();
		JdkWebSocketClient client = JdkWebSocketClient.connect(this.port);
		try {
			// The next tick is a second away: what comes right now is the answer
			assertHello(client.nextMessage(HELLO_WAIT), start);
			client.sendText("hello from the JDK");
			assertHello(client.nextMessage(Duration.ofMillis(500)), start);
			await().atMost(JdkWebSocketClient.TIMEOUT)
				.untilAsserted(() -> assertThat(output).contains("received message: hello from the JDK"));
		}
		finally {
			client.close();
		}
	}

	@Test
	void answersBinaryMessageWithHello(CapturedOutput output) throws Exception {
		long start = Instant.now().getEpochSecond();
		JdkWebSocketClient client = JdkWebSocketClient.connect(this.port);
		try {
			assertHello(client.nextMessage(HELLO_WAIT), start);
			client.sendBinary("binary from the JDK".getBytes(StandardCharsets.UTF_8));
			assertHello(client.nextMessage(Duration.ofMillis(500)), start);
			await().atMost(JdkWebSocketClient.TIMEOUT)
				.untilAsserted(() -> assertThat(output).contains("received message: binary from the JDK"));
		}
		finally {
			client.close();
		}
	}

	@Test
	void logsOpenAndCloseWithTheFd(CapturedOutput output) throws Exception {
		Connections.awaitNone(this.server);
		JdkWebSocketClient client = JdkWebSocketClient.connect(this.port);
		long fd;
		try {
			fd = Connections.awaitOnly(this.server);
			await().atMost(JdkWebSocketClient.TIMEOUT)
				.untilAsserted(() -> assertThat(output).containsPattern("connection open: " + fd + "\\b"));
			assertThat(output).contains("connected!");
		}
		finally {
			client.close();
		}
		await().atMost(JdkWebSocketClient.TIMEOUT)
			.untilAsserted(() -> assertThat(output).containsPattern("connection close: " + fd + "\\b"));
	}

	@Test
	void servesPageOnPlainGet() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/"))
				.timeout(JdkWebSocketClient.TIMEOUT)
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("text/html"));
		assertThat(response.body()).contains("WebSocket").contains("id=\"messages\"");
	}

}
