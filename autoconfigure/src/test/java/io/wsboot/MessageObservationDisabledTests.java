package io.wsboot;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
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
import static org.awaitility.Awaitility.await;

/**
 * Tests that the message observation of {@link WebSocketServer} can be switched off with
 * Boot's {@code management.observations.enable.wsboot.message=false} while the meters
 * still count.
 */
@RecordWebSocketEvents
@SpringBootTest(classes = MessageObservationDisabledTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "spring.main.web-application-type=reactive",
				"management.observations.enable.wsboot.message=false" })
class MessageObservationDisabledTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private SimpleMeterRegistry registry;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Test
	void recordsNoMessageObservationButCountsMessages() throws Exception {
		try (WebSocketTestConnection client = Greeter.connect(WebSocketTestClient.forPort(this.port))) {
			client.sendText("hello");
			this.recorder.awaitMessages(Greeter.fd(client), 1, TIMEOUT);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(
						this.registry.get("wsboot.messages.received").tag("type", "text").functionCounter().count())
					.isEqualTo(1));
			assertThat(this.registry.find("wsboot.handshake").tag("outcome", "accepted").timer()).isNotNull();
			assertThat(this.registry.find("wsboot.message").meters()).isEmpty();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

		@Bean
		SimpleMeterRegistry simpleMeterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
