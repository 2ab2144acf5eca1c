package io.wsboot.autoconfigure.cluster;

import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsboot.RedisServer;
import io.wsboot.WebSocketServer;
import io.wsboot.actuate.WebSocketEndpoint;
import io.wsboot.actuate.WebSocketEndpoint.ClusterDescriptor;
import io.wsboot.actuate.WebSocketHealthIndicator;
import io.wsboot.autoconfigure.WsbootAutoConfiguration;
import io.wsboot.autoconfigure.actuate.WsbootHealthAutoConfiguration;
import io.wsboot.autoconfigure.cluster.ClusterRedisMissingException.Missing;
import io.wsboot.autoconfigure.metrics.WsbootMetricsAutoConfiguration;
import io.wsboot.autoconfigure.actuate.WsbootEndpointAutoConfiguration;
import io.wsboot.cluster.ClusterNode;
import io.wsboot.cluster.WebSocketCluster;
import io.wsboot.cluster.actuate.WebSocketClusterEndpoint;
import io.wsboot.cluster.metrics.WsbootClusterMeterBinder;
import io.wsboot.metrics.WsbootMeterBinder;
import io.wsboot.cluster.redis.ClusterWebSocketServer;
import io.wsboot.server.NettyWebSocketServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.Mockito;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsbootClusterAutoConfiguration},
 * {@link WsbootClusterEndpointAutoConfiguration} and the cluster section of the endpoint
 * of {@link WsbootEndpointAutoConfiguration}.
 */
class WsbootClusterAutoConfigurationTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private ReactiveWebApplicationContextRunner contextRunner() {
		return new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsbootAutoConfiguration.class, DataRedisAutoConfiguration.class,
					DataRedisReactiveAutoConfiguration.class, WsbootClusterAutoConfiguration.class,
					WsbootClusterEndpointAutoConfiguration.class, WsbootEndpointAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
					"wsboot.cluster.channel-prefix=autoconfigtests");
	}

	@Test
	void loadsNothingByDefault() {
		contextRunner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(WsbootClusterProperties.class);
			assertThat(context).doesNotHaveBean(WebSocketCluster.class);
			assertThat(context).doesNotHaveBean(WebSocketClusterEndpoint.class);
			assertThat(context).getBean(WebSocketServer.class).isInstanceOf(NettyWebSocketServer.class);
		});
	}

	@Test
	void websocketEndpointHasNoClusterSectionByDefault() {
		contextRunner().withPropertyValues("management.endpoints.web.exposure.include=websocket").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(WebSocketEndpoint.class).websocket(null, null).cluster()).isNull();
		});
	}

	@Test
	void loadsNothingWhenDisabled() {
		contextRunner().withPropertyValues("wsboot.cluster.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WebSocketCluster.class));
	}

	@Test
	void joinsTheClusterWhenEnabled() {
		contextRunner()
			.withPropertyValues("wsboot.cluster.enabled=true", "wsboot.cluster.node-id=one",
					"management.endpoints.web.exposure.include=websocket,websocketcluster")
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(ClusterWebSocketServer.class);
				assertThat(context.getBean(WebSocketServer.class)).isSameAs(context.getBean(WebSocketCluster.class));
				ClusterWebSocketServer cluster = context.getBean(ClusterWebSocketServer.class);
				assertThat(cluster.getLocalServer()).isSameAs(context.getBean(NettyWebSocketServer.class));
				assertThat(cluster.nodeId()).isEqualTo("one");
				assertThat(cluster.nodeNumber()).isPositive();
				assertThat(cluster.nodes()).extracting(ClusterNode::id).contains("one");
				assertThat(context).hasSingleBean(WsbootClusterMeterBinder.class);
				MeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(WsbootClusterMeterBinder.class).bindTo(registry);
				assertThat(registry.find("wsboot.cluster.errors").functionCounters())
					.hasSize(ClusterWebSocketServer.ERROR_OPERATIONS.size());
				assertThat(registry.get("wsboot.cluster.nodes").gauge().value()).isGreaterThanOrEqualTo(1);
				assertThat(context).hasSingleBean(WebSocketClusterEndpoint.class);
				ClusterDescriptor described = context.getBean(WebSocketClusterEndpoint.class).cluster();
				assertThat(described.nodeId()).isEqualTo("one");
				ClusterDescriptor section = context.getBean(WebSocketEndpoint.class).websocket(null, null).cluster();
				assertThat(section).isNotNull();
				assertThat(section.nodeId()).isEqualTo("one");
				assertThat(section.nodeNumber()).isEqualTo(cluster.nodeNumber());
				assertThat(section.redisAvailable()).isTrue();
				assertThat(section.nodes()).extracting(ClusterNode::id).contains("one");
				assertThat(section.errors()).containsOnlyKeys(ClusterWebSocketServer.ERROR_OPERATIONS);
			});
	}

	@Test
	void generatesANodeIdWhenNoneIsSet() {
		contextRunner().withPropertyValues("wsboot.cluster.enabled=true")
			.run((context) -> assertThat(context.getBean(WebSocketCluster.class).nodeId()).matches("node-[0-9a-f]{8}"));
	}

	@Test
	void registersNoMetersWithoutRegistry() {
		contextRunner().withPropertyValues("wsboot.cluster.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(WsbootClusterMeterBinder.class));
	}

	@Test
	void backsOffWhenUserDefinesWebSocketCluster() {
		contextRunner().withPropertyValues("wsboot.cluster.enabled=true")
			.withUserConfiguration(CustomClusterConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(ClusterWebSocketServer.class);
				assertThat(context.getBeanNamesForType(WebSocketCluster.class)).containsExactly("customCluster");
			});
	}

	@Test
	void failsWithAClearMessageWithoutSpringDataRedis() {
		contextRunner().withPropertyValues("wsboot.cluster.enabled=true")
			.withClassLoader(new FilteredClassLoader(ReactiveRedisConnectionFactory.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("spring-boot-starter-data-redis-reactive"));
	}

	@Test
	void failsThroughFailureAnalyzerWithoutSpringDataRedis() {
		contextRunner().withPropertyValues("wsboot.cluster.enabled=true")
			.withClassLoader(new FilteredClassLoader(ReactiveRedisConnectionFactory.class))
			.run((context) -> {
				Throwable failure = context.getStartupFailure();
				assertThat(failure).rootCause().isInstanceOf(ClusterRedisMissingException.class);
				assertThat(((ClusterRedisMissingException) NestedExceptionUtils.getRootCause(failure)).getMissing())
					.isEqualTo(Missing.CLASSES);
				FailureAnalysis analysis = new ClusterRedisMissingFailureAnalyzer().analyze(failure);
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("Spring Data Redis or Lettuce is not on the classpath");
				assertThat(analysis.getAction()).contains("spring-boot-starter-data-redis-reactive")
					.contains("wsboot.cluster.enabled=false");
			});
	}

	@Test
	void failsThroughFailureAnalyzerWithoutConnectionFactory() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(WsbootAutoConfiguration.class, WsbootClusterAutoConfiguration.class))
			.withPropertyValues("wsboot.cluster.enabled=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ClusterRedisMissingFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("no ReactiveRedisConnectionFactory bean");
				assertThat(analysis.getAction()).contains("spring.data.redis.*")
					.contains("wsboot.cluster.enabled=false");
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ClusterRedisMissingException.class)
					.hasMessageContaining("ReactiveRedisConnectionFactory");
			});
	}

	@Test
	void engineEndpointMetersAndHealthWorkWithTheClusterServer() {
		contextRunner()
			.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class,
					WsbootMetricsAutoConfiguration.class, WsbootHealthAutoConfiguration.class))
			.withPropertyValues("wsboot.cluster.enabled=true")
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(WebSocketServer.class)).isInstanceOf(ClusterWebSocketServer.class);
				assertThat(context).hasBean("wsbootHandlerMapping");
				assertThat(context).hasSingleBean(WsbootMeterBinder.class);
				assertThat(context).hasSingleBean(WebSocketHealthIndicator.class);
			});
	}

	@Test
	void failsWithAClearMessageWithoutLettuce() {
		contextRunner().withPropertyValues("wsboot.cluster.enabled=true")
			.withClassLoader(new FilteredClassLoader(RedisClient.class))
			.run((context) -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("Lettuce"));
	}

	@Test
	void failsWhenHeartbeatIsNotShorterThanNodeTimeout() {
		contextRunner()
			.withPropertyValues("wsboot.cluster.enabled=true", "wsboot.cluster.node-timeout=2s",
					"wsboot.cluster.heartbeat-interval=2s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("'heartbeatInterval' (PT2S) must be shorter than 'nodeTimeout' (PT2S)"));
	}

	@Test
	void failsWhenRedisDoesNotAnswer() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsbootAutoConfiguration.class, DataRedisAutoConfiguration.class,
					DataRedisReactiveAutoConfiguration.class, WsbootClusterAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=1",
					"wsboot.cluster.enabled=true", "wsboot.cluster.node-timeout=1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("could not join the WebSocket cluster"));
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomClusterConfiguration {

		@Bean
		WebSocketCluster customCluster() {
			return Mockito.mock(WebSocketCluster.class);
		}

	}

}
