package io.wsboot.sample;

import java.time.Duration;
import java.time.Instant;

import io.wsboot.DefaultHandshakeInterceptor;
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
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;

import static io.wsboot.sample.HelloAssertions.assertHello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of {@link SampleApplication} with the {@code default-handshake}
 * profile: the built-in handshake selects from {@code chat,superchat} and the open logic
 * runs in a {@link io.wsboot.WebSocketOpenEvent} listener.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles(SampleApplication.DEFAULT_HANDSHAKE_PROFILE)
@ExtendWith(OutputCaptureExtension.class)
class DefaultHandshakeTests {

	private static final Duration HELLO_WAIT = Duration.ofMillis(2500);

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private WebSocketServer server;

	@Test
	void decidesHandshakesWithTheDefaultInterceptor() {
		assertThat(this.context.getBean(HandshakeInterceptor.class)).isInstanceOf(DefaultHandshakeInterceptor.class);
		assertThat(this.context.getBeanNamesForType(SeedHandshakeInterceptor.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(DefaultHandshakeOpenListener.class)).hasSize(1);
	}

	@Test
	void selectsSuperchatWhenOnlySuperchatIsOffered() throws Exception {
		assertSubprotocol("superchat", "superchat");
	}

	@Test
	void selectsChatWhenChatAndSuperchatAreOffered() throws Exception {
		assertSubprotocol("chat", "chat", "superchat");
	}

	@Test
	void selectsInTheClientsOrder() throws Exception {
		assertSubprotocol("superchat", "superchat", "chat");
	}

	@Test
	void selectsNoSubprotocolWhenNoneOfferedIsSpoken() throws Exception {
		assertSubprotocol("", "mqtt");
	}

	@Test
	void pushesHelloEverySecondAsTheFirstFrames() throws Exception {
		long start = Instant.now().getEpochSecond();
		JdkWebSocketClient client = JdkWebSocketClient.connect(this.port, "chat");
		try {
			assertHello(client.nextMessage(HELLO_WAIT), start);
			assertHello(client.nextMessage(HELLO_WAIT), start);
		}
		finally {
			client.close();
		}
	}

	@Test
	void answersMessageWithHello(CapturedOutput output) throws Exception {
		long start = Instant.now().getEpochSecond();
		JdkWebSocketClient client = JdkWebSocketClient.connect(this.port);
		try {
			assertHello(client.nextMessage(HELLO_WAIT), start);
			client.sendText("hello over the default handshake");
			assertHello(client.nextMessage(Duration.ofMillis(500)), start);
			await().atMost(JdkWebSocketClient.TIMEOUT)
				.untilAsserted(() -> assertThat(output).contains("received message: hello over the default handshake"));
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
		}
		finally {
			client.close();
		}
		await().atMost(JdkWebSocketClient.TIMEOUT)
			.untilAsserted(() -> assertThat(output).containsPattern("connection close: " + fd + "\\b"));
	}

	private void assertSubprotocol(String expected, String... offered) throws Exception {
		JdkWebSocketClient client = JdkWebSocketClient.connect(this.port, offered);
		try {
			assertThat(client.subprotocol()).isEqualTo(expected);
		}
		finally {
			client.close();
		}
	}

}
