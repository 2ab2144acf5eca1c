package io.wsboot;

import java.time.Duration;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.wsboot.observation.DefaultHandshakeObservationConvention;
import io.wsboot.observation.DefaultMessageObservationConvention;
import io.wsboot.observation.HandshakeObservationContext;
import io.wsboot.observation.HandshakeObservationConvention;
import io.wsboot.observation.MessageObservationContext;
import io.wsboot.observation.MessageObservationConvention;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the handshake and message observations of {@link WebSocketServer} with
 * conventions of the application's ({@link HandshakeObservationConvention} and
 * {@link MessageObservationConvention} beans).
 */
@RecordWebSocketEvents
@SpringBootTest(classes = ObservationConventionTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.main.web-application-type=reactive")
class ObservationConventionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private TestObservationRegistry registry;

	@Autowired
	private WebSocketServer server;

	@Autowired
	private WebSocketEventRecorder recorder;

	@BeforeEach
	void clearObservations() {
		Observations.clear(this.registry, this.server);
	}

	@Test
	void usesHandshakeConventionBean() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			Observations.awaitStopped(this.registry, "chat.handshake",
					(observation) -> observation.hasContextualNameEqualTo("chat handshake")
						.hasLowCardinalityKeyValue("outcome", "accepted")
						.hasLowCardinalityKeyValue("status", "101")
						.hasLowCardinalityKeyValue("client", "jdk"));
			TestObservationRegistryAssert.assertThat(this.registry)
				.hasNumberOfObservationsWithNameEqualTo("wsboot.handshake", 0);
		}
	}

	@Test
	void usesHandshakeConventionBeanForRejectedHandshake() throws Exception {
		assertThat(WebSocketTestClient.forPort(this.port).withoutHeader("Sec-WebSocket-Key").handshake().status())
			.isEqualTo(400);
		Observations.awaitStopped(this.registry, "chat.handshake",
				(observation) -> observation.hasLowCardinalityKeyValue("outcome", "rejected")
					.hasLowCardinalityKeyValue("status", "400")
					.hasLowCardinalityKeyValue("client", "other"));
	}

	@Test
	void usesMessageConventionBean() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendText("hello");
			this.recorder.awaitMessages(Greeter.fd(client), 1, TIMEOUT);
			Observations.awaitStopped(this.registry, "chat.message",
					(observation) -> observation.hasLowCardinalityKeyValue("type", "text")
						.hasLowCardinalityKeyValue("length", "5"));
			TestObservationRegistryAssert.assertThat(this.registry)
				.hasNumberOfObservationsWithNameEqualTo("wsboot.message", 0);
		}
	}

	private WebSocketTestConnection connect() {
		return Greeter.connect(WebSocketTestClient.forPort(this.port));
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

		@Bean
		TestObservationRegistry testObservationRegistry() {
			return TestObservationRegistry.create();
		}

		@Bean
		HandshakeObservationConvention chatHandshakeObservationConvention() {
			return new ChatHandshakeObservationConvention();
		}

		@Bean
		MessageObservationConvention chatMessageObservationConvention() {
			return new ChatMessageObservationConvention();
		}

	}

	/**
	 * Renames the handshake observation and adds the kind of client.
	 */
	static class ChatHandshakeObservationConvention extends DefaultHandshakeObservationConvention {

		@Override
		public String getName() {
			return "chat.handshake";
		}

		@Override
		public String getContextualName(HandshakeObservationContext context) {
			return "chat handshake";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(HandshakeObservationContext context) {
			String agent = context.getRequest().getHeaders().getFirst("User-Agent");
			String client = (agent != null && agent.startsWith("Java-http-client")) ? "jdk" : "other";
			return super.getLowCardinalityKeyValues(context).and("client", client);
		}

	}

	/**
	 * Renames the message observation and adds the length of text messages.
	 */
	static class ChatMessageObservationConvention extends DefaultMessageObservationConvention {

		@Override
		public String getName() {
			return "chat.message";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(MessageObservationContext context) {
			Frame frame = context.getFrame();
			String length = frame.isText() ? String.valueOf(frame.getData().length()) : "0";
			return super.getLowCardinalityKeyValues(context).and("length", length);
		}

	}

}
