package io.wsboot;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.wsboot.observation.DefaultHandshakeObservationConvention;
import io.wsboot.observation.DefaultMessageObservationConvention;
import io.wsboot.observation.HandshakeObservationContext;
import io.wsboot.observation.MessageObservationContext;
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
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the handshake and message observations of {@link WebSocketServer}, with the
 * default conventions ({@link DefaultHandshakeObservationConvention},
 * {@link DefaultMessageObservationConvention}).
 */
@RecordWebSocketEvents
@SpringBootTest(classes = ObservationTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.path=/chat/{room}" })
class ObservationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private TestObservationRegistry registry;

	@Autowired
	private WebSocketServer server;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Autowired
	private CurrentObservations current;

	@BeforeEach
	void clearObservations() {
		Observations.clear(this.registry, this.server);
		this.current.contexts.clear();
	}

	@Test
	void observesAcceptedHandshake() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			Observations.awaitStopped(this.registry, "wsboot.handshake",
					(observation) -> observation.hasBeenStarted()
						.doesNotHaveError()
						.hasContextualNameEqualTo("websocket handshake")
						.hasLowCardinalityKeyValue("outcome", "accepted")
						.hasLowCardinalityKeyValue("status", "101")
						.hasLowCardinalityKeyValue("path", "/chat/{room}")
						.hasHighCardinalityKeyValue("fd", String.valueOf(Greeter.fd(client))));
			TestObservationRegistryAssert.assertThat(this.registry)
				.hasNumberOfObservationsWithNameEqualTo("wsboot.handshake", 1);
		}
	}

	@Test
	void observesRejectedHandshake() throws Exception {
		assertThat(WebSocketTestClient.forPort(this.port)
			.path("/chat/lobby")
			.header("Sec-WebSocket-Version", "8")
			.handshake()
			.status()).isEqualTo(426);
		Observations.awaitStopped(this.registry, "wsboot.handshake",
				(observation) -> observation.hasBeenStarted()
					.hasLowCardinalityKeyValue("outcome", "rejected")
					.hasLowCardinalityKeyValue("status", "426")
					.hasLowCardinalityKeyValue("path", "/chat/{room}"));
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasNumberOfObservationsWithNameEqualTo("wsboot.handshake", 1);
	}

	@Test
	void handshakeObservationHasLowCardinalityKeysOfTheDocumentationOnly() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			Observations.awaitStopped(this.registry, "wsboot.handshake");
			TestObservationRegistryAssert.assertThat(this.registry)
				.hasHandledContextsThatSatisfy((contexts) -> assertThat(contexts)
					.filteredOn((context) -> context instanceof HandshakeObservationContext)
					.singleElement()
					.satisfies((context) -> {
						assertThat(context.getLowCardinalityKeyValues().stream().map((keyValue) -> keyValue.getKey()))
							.containsExactlyInAnyOrder("outcome", "status", "path");
						assertThat(context.getHighCardinalityKeyValues().stream().map((keyValue) -> keyValue.getKey()))
							.containsExactly("fd");
					}));
		}
	}

	@Test
	void observesTextMessageHandlingAroundListeners() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendText("hello");
			this.recorder.awaitMessages(Greeter.fd(client), 1, TIMEOUT);
			Observations.awaitStopped(this.registry, "wsboot.message",
					(observation) -> observation.hasBeenStarted()
						.doesNotHaveError()
						.hasContextualNameEqualTo("websocket message")
						.hasLowCardinalityKeyValue("type", "text")
						.hasHighCardinalityKeyValue("fd", String.valueOf(Greeter.fd(client))));
			TestObservationRegistryAssert.assertThat(this.registry)
				.hasNumberOfObservationsWithNameEqualTo("wsboot.message", 1);
			assertThat(this.current.contexts).as("observation current while the listener ran")
				.singleElement()
				.isInstanceOfSatisfying(MessageObservationContext.class, (context) -> {
					assertThat(context.getName()).isEqualTo("wsboot.message");
					assertThat(context.getFrame().getData()).isEqualTo("hello");
				});
		}
	}

	@Test
	void observesBinaryMessageWithBinaryType() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendBinary(new byte[] { 1, 2 });
			this.recorder.awaitMessages(Greeter.fd(client), 1, TIMEOUT);
			Observations.awaitStopped(this.registry, "wsboot.message",
					(observation) -> observation.hasLowCardinalityKeyValue("type", "binary"));
		}
	}

	@Test
	void handshakeObservationIsChildOfHttpServerObservation() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			Observations.awaitStopped(this.registry, "wsboot.handshake",
					(observation) -> observation.hasParentObservationContextMatching(
							(parent) -> "http.server.requests".equals(parent.getName()),
							"the http.server.requests observation of the upgrade request"));
		}
	}

	@Test
	void messageObservationRecordsListenerFailure() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendText("fail");
			this.recorder.awaitMessages(Greeter.fd(client), 1, TIMEOUT);
			Observations.awaitStopped(this.registry, "wsboot.message", (observation) -> observation.hasError());
			client.sendText("still open");
			this.recorder.awaitMessages(Greeter.fd(client), 2, TIMEOUT);
		}
	}

	private WebSocketTestConnection connect() {
		return Greeter.connect(WebSocketTestClient.forPort(this.port).path("/chat/lobby"));
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Greeter.class, FailingListener.class })
	static class TestApplication {

		@Bean
		TestObservationRegistry testObservationRegistry() {
			return TestObservationRegistry.create();
		}

		@Bean
		CurrentObservations currentObservations(ObservationRegistry registry) {
			return new CurrentObservations(registry);
		}

	}

	/**
	 * A listener that fails on the text {@code fail}.
	 */
	static class FailingListener {

		@EventListener
		void onMessage(WebSocketMessageEvent event) {
			if (event.getFrame().isText() && "fail".equals(event.getFrame().getData())) {
				throw new IllegalStateException("Listener failed on purpose");
			}
		}

	}

	/**
	 * Records the observation that is current while a message listener runs.
	 */
	static class CurrentObservations {

		final Queue<Observation.Context> contexts = new ConcurrentLinkedQueue<>();

		private final ObservationRegistry registry;

		CurrentObservations(ObservationRegistry registry) {
			this.registry = registry;
		}

		@EventListener
		void onMessage(WebSocketMessageEvent event) {
			Observation observation = this.registry.getCurrentObservation();
			if (observation != null) {
				this.contexts.add((Observation.Context) observation.getContext());
			}
		}

	}

}
