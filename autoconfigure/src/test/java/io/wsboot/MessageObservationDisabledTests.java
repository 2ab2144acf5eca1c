package io.wsboot;

import java.net.URI;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
	private EventRecorder recorder;

	@Test
	void recordsNoMessageObservationButCountsMessages() throws Exception {
		try (JdkWebSocketClient client = JdkWebSocketClient
			.connectGreeted(URI.create("ws://localhost:" + this.port + "/"))) {
			client.sendText("hello");
			this.recorder.awaitMessages(client.fd(), 1);
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
	@Import({ EventRecorder.class, EventRecorder.Greeter.class })
	static class TestApplication {

		@Bean
		SimpleMeterRegistry simpleMeterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
