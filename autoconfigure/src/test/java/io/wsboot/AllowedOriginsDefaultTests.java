package io.wsboot;

import io.wsboot.autoconfigure.WsbootProperties;
import io.wsboot.test.WebSocketTestClient;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link WsbootProperties#getAllowedOrigins()} left empty: handshakes that
 * carry an {@code Origin} are accepted from the application's own origin only, as
 * Spring's {@code CorsUtils} compares it, with {@code X-Forwarded-*} headers counted only
 * under {@code server.forward-headers-strategy}.
 */
class AllowedOriginsDefaultTests {

	@Nested
	@ExtendWith(OutputCaptureExtension.class)
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "spring.main.web-application-type=reactive")
	class WithoutForwardedHeaders {

		@LocalServerPort
		int port;

		@Test
		void acceptsTheApplicationsOwnOrigin() {
			client(this.port).header("Origin", "http://localhost:" + this.port).handshake().expectSwitchingProtocols();
		}

		@Test
		void acceptsHandshakeWithoutOrigin() {
			client(this.port).withoutHeader("Origin").handshake().expectSwitchingProtocols();
		}

		@Test
		void refusesAnotherOriginWith403AndLogsIt(CapturedOutput output) {
			client(this.port).header("Origin", "https://evil.example").handshake().expectStatus(403);
			await().untilAsserted(() -> assertThat(output)
				.contains("Handshake refused with 403: origin https://evil.example is not allowed"));
		}

		@Test
		void refusesSameHostOnAnotherPortOrScheme() {
			client(this.port).header("Origin", "http://localhost:" + (this.port + 1)).handshake().expectStatus(403);
			client(this.port).header("Origin", "https://localhost:" + this.port).handshake().expectStatus(403);
			client(this.port).header("Origin", "http://127.0.0.1:" + this.port).handshake().expectStatus(403);
		}

		@Test
		void refusesOriginNull() {
			client(this.port).header("Origin", "null").handshake().expectStatus(403);
		}

		@Test
		void ignoresForwardedHeadersWithoutForwardHeadersStrategy() {
			client(this.port).header("Origin", "https://chat.example.com")
				.header("X-Forwarded-Proto", "https")
				.header("X-Forwarded-Host", "chat.example.com")
				.handshake()
				.expectStatus(403);
		}

	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "spring.main.web-application-type=reactive", "server.forward-headers-strategy=framework" })
	class BehindProxy {

		@LocalServerPort
		int port;

		@Test
		void acceptsOriginOfForwardedHostAndScheme() {
			client(this.port).header("Origin", "https://chat.example.com")
				.header("X-Forwarded-Proto", "https")
				.header("X-Forwarded-Host", "chat.example.com")
				.handshake()
				.expectSwitchingProtocols();
		}

		@Test
		void refusesOriginOtherThanForwardedHost() {
			client(this.port).header("Origin", "https://evil.example")
				.header("X-Forwarded-Proto", "https")
				.header("X-Forwarded-Host", "chat.example.com")
				.handshake()
				.expectStatus(403);
		}

	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "spring.main.web-application-type=reactive", "wsboot.allowed-origins=*" })
	class AnyOrigin {

		@LocalServerPort
		int port;

		@Test
		void acceptsEveryOriginWhenStarIsConfigured() {
			client(this.port).header("Origin", "https://evil.example").handshake().expectSwitchingProtocols();
		}

	}

	static WebSocketTestClient client(int port) {
		return WebSocketTestClient.forPort(port);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
