package io.wsboot.autoconfigure.actuate;

import java.util.List;
import java.util.Map;

import io.wsboot.WebSocketServer;
import io.wsboot.actuate.WebSocketEndpoint;
import io.wsboot.actuate.WebSocketEndpoint.ClusterDescriptor;
import io.wsboot.autoconfigure.CustomWebSocketServerConfiguration;
import io.wsboot.autoconfigure.UnsupportedWebSocketServerException;
import io.wsboot.autoconfigure.WsbootAutoConfiguration;
import io.wsboot.cluster.ClusterNode;
import io.wsboot.cluster.WebSocketCluster;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;

/**
 * Tests for {@link WsbootEndpointAutoConfiguration}.
 */
class WsbootEndpointAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class, WsbootAutoConfiguration.class,
				WsbootEndpointAutoConfiguration.class));

	@Test
	void createsEndpointWhenExposedOverWeb() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=websocket").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(WebSocketEndpoint.class);
			assertThat(context).hasBean("webSocketEndpoint");
			assertThat(context.getBean(WebSocketEndpoint.class).websocket(null, null).cluster()).isNull();
		});
	}

	@Test
	void createsEndpointThatDescribesTheWebSocketCluster() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=websocket")
			.withUserConfiguration(ClusterConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ClusterDescriptor cluster = context.getBean(WebSocketEndpoint.class).websocket(null, null).cluster();
				assertThat(cluster).isNotNull();
				assertThat(cluster.nodeId()).isEqualTo("here");
				assertThat(cluster.nodeNumber()).isEqualTo(2);
				assertThat(cluster.redisAvailable()).isTrue();
				assertThat(cluster.nodeCount()).isEqualTo(2);
				assertThat(cluster.connections()).isEqualTo(7);
				assertThat(cluster.nodes()).extracting(ClusterNode::id).containsExactly("there", "here");
				assertThat(cluster.errors()).containsExactly(Map.entry("push", 3L));
			});
	}

	@Test
	void createsEndpointWhenExposedOverJmx() {
		this.contextRunner
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=websocket")
			.run((context) -> assertThat(context).hasSingleBean(WebSocketEndpoint.class));
	}

	@Test
	void doesNotCreateEndpointWhenNotExposed() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(WebSocketServer.class);
			assertThat(context).doesNotHaveBean(WebSocketEndpoint.class);
		});
	}

	@Test
	void doesNotCreateEndpointWhenAccessIsNone() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=websocket",
					"management.endpoint.websocket.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(WebSocketEndpoint.class));
	}

	@Test
	void doesNotCreateEndpointWhenWsbootIsDisabled() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=websocket", "wsboot.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(WebSocketEndpoint.class);
			});
	}

	@Test
	void doesNotCreateEndpointWithoutActuator() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=websocket")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(WebSocketServer.class);
				assertThat(context).doesNotHaveBean(WebSocketEndpoint.class);
			});
	}

	@Test
	void backsOffWhenUserDefinesEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=websocket")
			.withUserConfiguration(CustomEndpointConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBeanNames(WebSocketEndpoint.class).containsExactly("customWebSocketEndpoint");
			});
	}

	@Test
	void failsWhenUserWebSocketServerReplacesTheEngine() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=websocket")
			.withUserConfiguration(CustomWebSocketServerConfiguration.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(UnsupportedWebSocketServerException.class));
	}

	@Test
	void createsEndpointForUserDefinedWebSocketServerWhenWsbootIsDisabled() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=websocket", "wsboot.enabled=false")
			.withUserConfiguration(CustomWebSocketServerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(WebSocketEndpoint.class);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomEndpointConfiguration {

		@Bean
		WebSocketEndpoint customWebSocketEndpoint(WebSocketServer server) {
			return new WebSocketEndpoint(server);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClusterConfiguration {

		@Bean
		WebSocketCluster webSocketCluster() {
			WebSocketCluster cluster = Mockito.mock(WebSocketCluster.class);
			given(cluster.nodeId()).willReturn("here");
			given(cluster.nodeNumber()).willReturn(2L);
			given(cluster.isAvailable()).willReturn(true);
			given(cluster.nodes())
				.willReturn(List.of(new ClusterNode("there", 1, 4, false), new ClusterNode("here", 2, 3, true)));
			given(cluster.errorCounts()).willReturn(Map.of("push", 3L));
			return cluster;
		}

	}

}
