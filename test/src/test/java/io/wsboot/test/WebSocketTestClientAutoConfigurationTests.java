package io.wsboot.test;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link WebSocketTestClientAutoConfiguration} and
 * {@link WebSocketEventRecorderAutoConfiguration}, imported by
 * {@link AutoConfigureWebSocketTestClient} and {@link RecordWebSocketEvents}.
 */
class WebSocketTestClientAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(ClientConfiguration.class);

	@Test
	void annotationRegistersClientAndRecorder() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(WebSocketTestClient.class);
			assertThat(context).hasSingleBean(WebSocketEventRecorder.class);
		});
	}

	@Test
	void recordWebSocketEventsRegistersOnlyTheRecorder() {
		new ApplicationContextRunner().withUserConfiguration(RecorderConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(WebSocketTestClient.class);
			assertThat(context).hasSingleBean(WebSocketEventRecorder.class);
		});
	}

	@Test
	void backsOffWhenUserDefinesClientAndRecorder() {
		this.contextRunner.withUserConfiguration(UserBeansConfiguration.class).run((context) -> {
			assertThat(context.getBeanNamesForType(WebSocketTestClient.class)).containsExactly("customClient");
			assertThat(context.getBeanNamesForType(WebSocketEventRecorder.class)).containsExactly("customRecorder");
		});
	}

	@Test
	void clientResolvesTheLocalServerPortWhenUsed() {
		this.contextRunner.run((context) -> {
			WebSocketTestClient client = context.getBean(WebSocketTestClient.class);
			assertThat(client.toString()).contains("not known yet");
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("server.ports", Map.of("local.server.port", 1234)));
			assertThat(client.uri()).isEqualTo(URI.create("ws://localhost:1234/"));
			assertThat(client.path("/chat/lobby?token=t").uri())
				.isEqualTo(URI.create("ws://localhost:1234/chat/lobby?token=t"));
		});
	}

	@Test
	void clientFailsClearlyBeforeTheServerStarted() {
		this.contextRunner.run((context) -> {
			WebSocketTestClient client = context.getBean(WebSocketTestClient.class);
			assertThatIllegalStateException().isThrownBy(client::uri)
				.withMessageContaining("'local.server.port'")
				.withMessageContaining("RANDOM_PORT");
		});
	}

	@Test
	void clientUsesPlainEndpointPath() {
		this.contextRunner.withPropertyValues("local.server.port=1234", "wsboot.path=/ws")
			.run((context) -> assertThat(context.getBean(WebSocketTestClient.class).uri())
				.isEqualTo(URI.create("ws://localhost:1234/ws")));
	}

	@Test
	void clientUsesRootForEndpointPathWithVariables() {
		this.contextRunner.withPropertyValues("local.server.port=1234", "wsboot.path=/chat/{room}")
			.run((context) -> assertThat(context.getBean(WebSocketTestClient.class).uri())
				.isEqualTo(URI.create("ws://localhost:1234/")));
	}

	@Test
	void clientUsesServerAddressAndSsl() {
		this.contextRunner
			.withPropertyValues("local.server.port=1234", "server.address=127.0.0.1", "server.ssl.enabled=true")
			.run((context) -> assertThat(context.getBean(WebSocketTestClient.class).uri())
				.isEqualTo(URI.create("wss://127.0.0.1:1234/")));
		this.contextRunner.withPropertyValues("local.server.port=1234", "server.address=::1")
			.run((context) -> assertThat(context.getBean(WebSocketTestClient.class).uri())
				.isEqualTo(URI.create("ws://[::1]:1234/")));
		this.contextRunner.withPropertyValues("local.server.port=1234", "server.address=0.0.0.0")
			.run((context) -> assertThat(context.getBean(WebSocketTestClient.class).uri())
				.isEqualTo(URI.create("ws://localhost:1234/")));
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigureWebSocketTestClient
	static class ClientConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@RecordWebSocketEvents
	static class RecorderConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeansConfiguration {

		@Bean
		WebSocketTestClient customClient() {
			return WebSocketTestClient.forPort(8080);
		}

		@Bean
		WebSocketEventRecorder customRecorder() {
			return new WebSocketEventRecorder();
		}

	}

}
