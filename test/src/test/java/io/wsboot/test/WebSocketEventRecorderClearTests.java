package io.wsboot.test;

import java.time.Duration;

import io.wsboot.WebSocketOpenEvent;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecordWebSocketEvents} and for the clearing of the
 * {@link WebSocketEventRecorder} before each test method.
 */
@SpringBootTest(classes = WebSocketEventRecorderClearTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT)
@RecordWebSocketEvents
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebSocketEventRecorderClearTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Test
	@Order(1)
	void recordsAnOpenEvent() {
		try (WebSocketTestConnection connection = WebSocketTestClient.forPort(this.port).connect()) {
			assertThat(this.recorder.awaitOpen(TIMEOUT).getRequest().getPath()).isEqualTo("/");
		}
	}

	@Test
	@Order(2)
	void startsWithoutTheEventsOfEarlierTests() {
		assertThat(this.recorder.events(WebSocketOpenEvent.class)).isEmpty();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(WsbootServerConfiguration.class)
	static class TestApplication {

	}

}
