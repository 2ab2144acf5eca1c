package io.wsboot.autoconfigure.metrics;

import java.util.Collection;
import java.util.List;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsboot.WebSocketServer;
import io.wsboot.autoconfigure.CustomWebSocketServerConfiguration;
import io.wsboot.autoconfigure.UnsupportedWebSocketServerException;
import io.wsboot.autoconfigure.WsbootAutoConfiguration;
import io.wsboot.metrics.WsbootMeterBinder;
import io.wsboot.metrics.WsbootMeters;
import io.wsboot.server.NettyWebSocketServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsbootMetricsAutoConfiguration}.
 */
class WsbootMetricsAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class, WsbootAutoConfiguration.class,
				WsbootMetricsAutoConfiguration.class));

	private final ReactiveWebApplicationContextRunner metricsContextRunner = this.contextRunner
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));

	@Test
	void bindsEveryMeterWhenMeterRegistryIsAutoConfigured() {
		this.metricsContextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(WsbootMeterBinder.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			for (WsbootMeters meter : WsbootMeters.values()) {
				if (meter.getName().startsWith("wsboot.cluster.")) {
					// A node's, registered with the cluster
					continue;
				}
				Collection<Meter> meters = registry.find(meter.getName()).meters();
				assertThat(meters).as(meter.getName()).isNotEmpty();
				assertThat(meters).as(meter.getName())
					.allSatisfy((registered) -> assertThat(registered.getId().getType()).isEqualTo(meter.getType()));
			}
		});
	}

	@Test
	void bindsMetersToUserDefinedMeterRegistry() {
		this.metricsContextRunner.withBean("userMeterRegistry", SimpleMeterRegistry.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(WsbootMeterBinder.class);
			assertThat(context).getBeanNames(MeterRegistry.class).containsExactly("userMeterRegistry");
			MeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
			assertThat(registry.get("wsboot.connections.active").gauge().value()).isZero();
			assertThat(registry.get("wsboot.handshakes").tags("outcome", "accepted", "status", "101").functionCounter())
				.isNotNull();
			assertThat(registry.get("wsboot.handshakes").tags("outcome", "rejected", "status", "426").functionCounter())
				.isNotNull();
			assertThat(registry.get("wsboot.messages.received").tag("type", "text").functionCounter()).isNotNull();
			assertThat(registry.get("wsboot.messages.sent").tag("type", "binary").functionCounter()).isNotNull();
			assertThat(registry.get("wsboot.connections.closed").tag("code", "1000").functionCounter()).isNotNull();
		});
	}

	@Test
	void backsOffWithoutMeterRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(NettyWebSocketServer.class);
			assertThat(context).doesNotHaveBean(MeterRegistry.class);
			assertThat(context).doesNotHaveBean(WsbootMeterBinder.class);
		});
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.core")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(WebSocketServer.class);
			assertThat(context).doesNotHaveBean(WsbootMeterBinder.class);
		});
	}

	@Test
	void backsOffWhenUserDefinesMeterBinder() {
		this.metricsContextRunner.withUserConfiguration(CustomBinderConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBeanNames(WsbootMeterBinder.class).containsExactly("customWsbootMeterBinder");
		});
	}

	@Test
	void backsOffWhenWsbootIsDisabled() {
		this.metricsContextRunner.withPropertyValues("wsboot.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(MeterRegistry.class);
			assertThat(context).doesNotHaveBean(WsbootMeterBinder.class);
			assertThat(context.getBean(MeterRegistry.class).find("wsboot.connections.active").meters()).isEmpty();
		});
	}

	@Test
	void failsWhenUserWebSocketServerReplacesTheEngine() {
		this.metricsContextRunner.withUserConfiguration(CustomWebSocketServerConfiguration.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(UnsupportedWebSocketServerException.class));
	}

	@Test
	void backsOffForUserWebSocketServerWhenWsbootIsDisabled() {
		this.metricsContextRunner.withUserConfiguration(CustomWebSocketServerConfiguration.class)
			.withPropertyValues("wsboot.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(WsbootMeterBinder.class);
			});
	}

	@Test
	void metersCanBeDisabledWithMetricsEnableProperty() {
		this.metricsContextRunner.withPropertyValues("management.metrics.enable.wsboot=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(WsbootMeterBinder.class);
			assertThat(context.getBean(MeterRegistry.class).find("wsboot.connections.active").meters()).isEmpty();
			assertThat(context.getBean(MeterRegistry.class).find("wsboot.handshakes").meters()).isEmpty();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomBinderConfiguration {

		@Bean
		WsbootMeterBinder customWsbootMeterBinder(NettyWebSocketServer server) {
			return new WsbootMeterBinder(server, List.of());
		}

	}

}
