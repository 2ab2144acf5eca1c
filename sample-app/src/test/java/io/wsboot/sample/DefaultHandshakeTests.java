package io.wsboot.sample;

import io.wsboot.DefaultHandshakeInterceptor;
import io.wsboot.HandshakeInterceptor;
import io.wsboot.WebSocketServer;
import io.wsboot.test.AutoConfigureWebSocketTestClient;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end tests of {@link SampleApplication} with the {@code default-handshake}
 * profile: the built-in handshake selects from {@code chat,superchat} and the open logic
 * runs in a {@link io.wsboot.WebSocketOpenEvent} listener.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles(SampleApplication.DEFAULT_HANDSHAKE_PROFILE)
@AutoConfigureWebSocketTestClient
@ExtendWith(OutputCaptureExtension.class)
class DefaultHandshakeTests {

	@Autowired
	private WebSocketTestClient client;

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
	void selectsSuperchatWhenOnlySuperchatIsOffered() {
		assertSubprotocol("superchat", "superchat");
	}

	@Test
	void selectsChatWhenChatAndSuperchatAreOffered() {
		assertSubprotocol("chat", "chat", "superchat");
	}

	@Test
	void selectsInTheClientsOrder() {
		assertSubprotocol("superchat", "superchat", "chat");
	}

	@Test
	void selectsNoSubprotocolWhenNoneOfferedIsSpoken() {
		assertSubprotocol("", "mqtt");
	}

	@Test
	void pushesHelloEverySecondAsTheFirstFrames() {
		HelloScenarios.pushesHelloEverySecondAsTheFirstFrames(this.client.subprotocols("chat"));
	}

	@Test
	void answersMessageWithHello(CapturedOutput output) {
		HelloScenarios.answersMessageWithHello(this.client, output,
				(connection) -> connection.sendText("hello over the default handshake"),
				"hello over the default handshake");
	}

	@Test
	void logsOpenAndCloseWithTheFd(CapturedOutput output) {
		HelloScenarios.logsOpenAndCloseWithTheFd(this.client, this.server, output);
	}

	private void assertSubprotocol(String expected, String... offered) {
		try (WebSocketTestConnection connection = this.client.subprotocols(offered).connect()) {
			assertThat(connection.subprotocol()).isEqualTo(expected);
		}
	}

}
