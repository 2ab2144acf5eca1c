package io.wsboot.sample;

import java.time.Duration;

import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.test.AutoConfigureWebSocketTestClient;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link SampleApplication} written with wsboot's test support
 * ({@code wsboot-spring-boot-test}), as an application's own tests would be.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebSocketTestClient
class TestSupportTests {

	private static final String HELLO = "\\[\"hello\",\\d+\\]";

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@Autowired
	private WebSocketTestClient client;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Test
	void pushesHelloEverySecond() {
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.expectTextMatching(HELLO).expectTextMatching(HELLO);
		}
	}

	@Test
	void answersMessageWithHello() {
		long fd;
		try (WebSocketTestConnection connection = this.client.connect()) {
			connection.sendText("hi").expectTextMatching(HELLO);
			fd = this.recorder
				.awaitEvent(WebSocketMessageEvent.class, (event) -> event.getFrame().getData().equals("hi"), TIMEOUT)
				.getFd();
		}
		WebSocketCloseEvent close = this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(close.getCode()).isEqualTo(1000);
		assertThat(close.getClosedBy()).isEqualTo(ClosedBy.CLIENT);
	}

	@Test
	void selectsTheFirstSubprotocolOffered() {
		try (WebSocketTestConnection connection = this.client.subprotocols("chat", "superchat").connect()) {
			assertThat(connection.subprotocol()).isEqualTo("chat");
		}
	}

	@Test
	void acceptsValidHandshake() {
		this.client.handshake().expectSwitchingProtocols();
	}

	@Test
	void rejectsKeyOfTheWrongShapeWith400() {
		// 16 bytes for the JDK's decoder, so it passes the transport checks; the seed's
		// pattern refuses it
		this.client.header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZR==").handshake().expectStatus(400);
	}

}
