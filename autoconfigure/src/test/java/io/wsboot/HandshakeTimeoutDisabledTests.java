package io.wsboot;

import java.time.Duration;

import io.wsboot.RawWebSocket.Request;
import io.wsboot.autoconfigure.WsbootProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsbootProperties#getHandshakeTimeout()} set to zero: no deadline.
 */
@SpringBootTest(classes = HandshakeTimeoutDisabledTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.handshake-timeout=0" })
class HandshakeTimeoutDisabledTests {

	@LocalServerPort
	private int port;

	@Test
	void keepsSlowConnectionOpenAndServesItsRequest() throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			socket.write("GET / HTTP/1.1\r\n");
			assertThat(socket.awaitServerClose(Duration.ofSeconds(1))).as("closed although the deadline is off")
				.isFalse();
			Request request = Request.upgrade("/");
			String head = request.toString();
			socket.write(head.substring(head.indexOf("\r\n") + 2));
			socket.readResponse().assertSwitchingProtocols(request);
			assertThat(socket.readText()).startsWith("fd:");
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ EventRecorder.class, EventRecorder.Greeter.class })
	static class TestApplication {

	}

}
