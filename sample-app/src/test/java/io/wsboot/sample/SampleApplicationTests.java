package io.wsboot.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.wsboot.HandshakeInterceptor;
import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketServer;
import io.wsboot.test.AutoConfigureWebSocketTestClient;
import io.wsboot.test.HandshakeResult;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
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

/**
 * End-to-end tests of {@link SampleApplication} with the example's handshake
 * ({@link SeedHandshakeInterceptor}), written with wsboot's test support
 * ({@code wsboot-spring-boot-test}) as an application's own tests would be.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebSocketTestClient
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

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketTestClient client;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Autowired
	private HandshakeInterceptor handshakeInterceptor;

	@Autowired
	private WebSocketServer server;

	@Test
	void decidesHandshakesWithTheSeedInterceptor() {
		assertThat(this.handshakeInterceptor).isInstanceOf(SeedHandshakeInterceptor.class);
	}

	@Test
	void acceptsValidKeyWithCorrectAcceptHeader() {
		HandshakeResult response = handshake(RFC_KEY).expectStatus(101).expectNoHeader("Sec-WebSocket-Protocol");
		assertThat(response.headerValues("Sec-WebSocket-Accept")).containsExactly(RFC_ACCEPT);
		assertThat(response.headerValues("Upgrade")).singleElement().asString().isEqualToIgnoringCase("websocket");
		assertThat(response.headerValues("Connection")).singleElement().asString().isEqualToIgnoringCase("upgrade");
	}

	@Test
	void acceptsHandshakeWithAFreshKey() {
		this.client.handshake().expectSwitchingProtocols();
	}

	@Test
	void rejectsKeyThatIsTooShortWith400() {
		handshake("dGhlIHNhbXBsZSBub25j").expectStatus(400);
	}

	@Test
	void rejectsKeyWithoutPaddingWith400() {
		// 16 bytes for a lenient decoder, but not 24 characters
		handshake("dGhlIHNhbXBsZSBub25jZQ").expectStatus(400);
	}

	@Test
	void rejectsKeyWithNonZeroTrailingBitsWith400() {
		// 24 characters and 16 bytes for the JDK's decoder, so it passes the transport
		// checks; the seed's pattern refuses it
		handshake("dGhlIHNhbXBsZSBub25jZR==").expectStatus(400);
	}

	@Test
	void rejectsMissingKeyWith400() {
		this.client.withoutHeader("Sec-WebSocket-Key").handshake().expectStatus(400);
	}

	@Test
	void answersSubprotocolOfferWithTheFirstOneOnly() {
		HandshakeResult response = this.client.header("Sec-WebSocket-Key", RFC_KEY)
			.header("Sec-WebSocket-Protocol", "chat, superchat")
			.handshake()
			.expectStatus(101);
		assertThat(response.headerValues("Sec-WebSocket-Protocol")).containsExactly("chat");
	}

	@Test
	void givesJdkClientTheFirstSubprotocolOffered() {
		try (WebSocketTestConnection connection = this.client.subprotocols("chat", "superchat").connect()) {
			assertThat(connection.subprotocol()).isEqualTo("chat");
		}
	}

	@Test
	void pushesHelloEverySecondAsTheFirstFrames() {
		HelloScenarios.pushesHelloEverySecondAsTheFirstFrames(this.client);
	}

	@Test
	void answersTextMessageWithHello(CapturedOutput output) {
		HelloScenarios.answersMessageWithHello(this.client, output,
				(connection) -> connection.sendText("hello from the JDK"), "hello from the JDK");
	}

	@Test
	void answersBinaryMessageWithHello(CapturedOutput output) {
		HelloScenarios.answersMessageWithHello(this.client, output,
				(connection) -> connection.sendBinary("binary from the JDK".getBytes(StandardCharsets.UTF_8)),
				"binary from the JDK");
	}

	@Test
	void publishesTheMessageAndAClientCloseToListeners() {
		long start = Instant.now().getEpochSecond();
		long fd;
		try (WebSocketTestConnection connection = this.client.connect()) {
			assertHello(connection.sendText("hi").expectText(), start);
			fd = this.recorder
				.awaitEvent(WebSocketMessageEvent.class, (event) -> event.getFrame().getData().equals("hi"),
						this.client.timeout())
				.getFd();
		}
		WebSocketCloseEvent close = this.recorder.awaitClose(fd, this.client.timeout());
		assertThat(close.getCode()).isEqualTo(1000);
		assertThat(close.getClosedBy()).isEqualTo(ClosedBy.CLIENT);
	}

	@Test
	void logsOpenAndCloseWithTheFd(CapturedOutput output) {
		HelloScenarios.logsOpenAndCloseWithTheFd(this.client, this.server, output, "connected!");
	}

	@Test
	void servesPageOnPlainGet() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/"))
				.timeout(this.client.timeout())
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("text/html"));
		assertThat(response.body()).contains("WebSocket").contains("id=\"messages\"");
	}

	private HandshakeResult handshake(String key) {
		return this.client.header("Sec-WebSocket-Key", key).handshake();
	}

}
