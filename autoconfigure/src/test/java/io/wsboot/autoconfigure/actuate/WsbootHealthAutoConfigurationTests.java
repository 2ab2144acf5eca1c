package io.wsboot.autoconfigure.actuate;

import io.wsboot.WebSocketServer;
import io.wsboot.actuate.WebSocketHealthIndicator;
import io.wsboot.autoconfigure.CustomWebSocketServerConfiguration;
import io.wsboot.autoconfigure.UnsupportedWebSocketServerException;
import io.wsboot.autoconfigure.WsbootAutoConfiguration;
import io.wsboot.server.NettyWebSocketServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsbootHealthAutoConfiguration}.
 */
class WsbootHealthAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class, WsbootAutoConfiguration.class,
				WsbootHealthAutoConfiguration.class));

	@Test
	void createsHealthIndicatorThatIsUpWhileServerRuns() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(WebSocketHealthIndicator.class);
			assertThat(context).hasBean("websocketHealthIndicator");
			Health health = context.getBean(WebSocketHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("connections", 0L);
		});
	}

	@Test
	void healthIsOutOfServiceOnceServerIsStopped() {
		this.contextRunner.run((context) -> {
			context.getBean(NettyWebSocketServer.class).stop();
			Health health = context.getBean(WebSocketHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(health.getDetails()).containsEntry("connections", 0L);
		});
	}

	@Test
	void doesNotCreateHealthIndicatorWhenDisabled() {
		this.contextRunner.withPropertyValues("management.health.websocket.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WebSocketHealthIndicator.class));
	}

	@Test
	void doesNotCreateHealthIndicatorWhenDefaultsAreDisabled() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WebSocketHealthIndicator.class));
	}

	@Test
	void createsHealthIndicatorWhenDefaultsAreDisabledButItIsEnabled() {
		this.contextRunner
			.withPropertyValues("management.health.defaults.enabled=false", "management.health.websocket.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(WebSocketHealthIndicator.class));
	}

	@Test
	void doesNotCreateHealthIndicatorWhenWsbootIsDisabled() {
		this.contextRunner.withPropertyValues("wsboot.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(WebSocketHealthIndicator.class);
		});
	}

	@Test
	void doesNotCreateHealthIndicatorWithoutHealthModule() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(WebSocketServer.class);
			assertThat(context).doesNotHaveBean(WebSocketHealthIndicator.class);
		});
	}

	@Test
	void backsOffWhenUserDefinesWebsocketHealthIndicator() {
		this.contextRunner.withUserConfiguration(CustomHealthIndicatorConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBeanNames(HealthIndicator.class).containsExactly("websocketHealthIndicator");
			assertThat(context).doesNotHaveBean(WebSocketHealthIndicator.class);
		});
	}

	@Test
	void failsWhenUserWebSocketServerReplacesTheEngine() {
		this.contextRunner.withUserConfiguration(CustomWebSocketServerConfiguration.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(UnsupportedWebSocketServerException.class));
	}

	@Test
	void doesNotCreateHealthIndicatorForUserWebSocketServerWhenWsbootIsDisabled() {
		this.contextRunner.withUserConfiguration(CustomWebSocketServerConfiguration.class)
			.withPropertyValues("wsboot.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(WebSocketHealthIndicator.class);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomHealthIndicatorConfiguration {

		@Bean
		HealthIndicator websocketHealthIndicator() {
			return () -> Health.up().build();
		}

	}

}
