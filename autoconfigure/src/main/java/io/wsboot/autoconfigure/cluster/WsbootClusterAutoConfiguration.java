package io.wsboot.autoconfigure.cluster;

import java.time.Duration;
import java.util.Collections;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsboot.WebSocketServer;
import io.wsboot.autoconfigure.WsbootAutoConfiguration;
import io.wsboot.autoconfigure.cluster.ClusterRedisMissingException.Missing;
import io.wsboot.cluster.WebSocketCluster;
import io.wsboot.cluster.metrics.WsbootClusterMeterBinder;
import io.wsboot.cluster.redis.ClusterSettings;
import io.wsboot.cluster.redis.ClusterWebSocketServer;
import io.wsboot.server.NettyWebSocketServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Auto-configuration of the wsboot cluster ({@code wsboot.cluster.enabled=true}): a
 * {@link ClusterWebSocketServer}, the primary {@link WebSocketServer}, that routes
 * operations on other nodes' fds over the Redis of {@code spring.data.redis.*}. The local
 * {@link NettyWebSocketServer} stays the engine of this node's connections.
 * <p>
 * Nothing of it loads unless the property is set; with it set and no Spring Data Redis
 * reactive or no Lettuce on the classpath, or no {@link ReactiveRedisConnectionFactory}
 * bean, startup fails with a {@link ClusterRedisMissingException} that says what to add.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = WsbootAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBooleanProperty("wsboot.cluster.enabled")
@EnableConfigurationProperties(WsbootClusterProperties.class)
public final class WsbootClusterAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ReactiveRedisConnectionFactory.class, RedisClient.class })
	@ConditionalOnBean(NettyWebSocketServer.class)
	static class RedisClusterConfiguration {

		@Bean
		@Primary
		@ConditionalOnMissingBean(WebSocketCluster.class)
		ClusterWebSocketServer clusterWebSocketServer(NettyWebSocketServer server,
				ObjectProvider<ReactiveRedisConnectionFactory> connectionFactory,
				ObjectProvider<ClientResources> clientResources, WsbootClusterProperties properties) {
			ReactiveRedisConnectionFactory factory = connectionFactory.getIfAvailable();
			if (factory == null) {
				throw new ClusterRedisMissingException(Missing.CONNECTION_FACTORY);
			}
			return new ClusterWebSocketServer(server, factory, clientResources.getIfAvailable(), settings(properties));
		}

		private static ClusterSettings settings(WsbootClusterProperties properties) {
			String nodeId = properties.getNodeId();
			if (nodeId == null || nodeId.isBlank()) {
				nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
			}
			Duration nodeTimeout = properties.getNodeTimeout();
			Duration heartbeat = properties.getHeartbeatInterval();
			if (heartbeat == null) {
				heartbeat = nodeTimeout.dividedBy(3);
			}
			long maxMessageSize = properties.getMaxMessageSize().toBytes();
			if (maxMessageSize <= 0 || maxMessageSize > 256L * 1024 * 1024) {
				throw new IllegalStateException("wsboot.cluster.max-message-size must be between 1B and 256MB, not "
						+ maxMessageSize + " bytes");
			}
			try {
				return new ClusterSettings(nodeId, nodeTimeout, heartbeat, properties.getRequestTimeout(),
						(int) maxMessageSize, properties.getChannelPrefix());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("Invalid wsboot.cluster.* settings: " + ex.getMessage(), ex);
			}
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(MeterRegistry.class)
		@ConditionalOnBean(MeterRegistry.class)
		static class ClusterMetricsConfiguration {

			@Bean
			@ConditionalOnMissingBean
			WsbootClusterMeterBinder wsbootClusterMeterBinder(ClusterWebSocketServer cluster) {
				return new WsbootClusterMeterBinder(cluster, Collections.emptyList());
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(RedisMissingCondition.class)
	static class MissingRedisConfiguration {

		/**
		 * Fails startup. A post-processor, so that it is created even with lazy
		 * initialization.
		 * @return never
		 */
		@Bean
		static BeanFactoryPostProcessor wsbootClusterRedisCheck() {
			throw new ClusterRedisMissingException(Missing.CLASSES);
		}

	}

	static class RedisMissingCondition extends AnyNestedCondition {

		RedisMissingCondition() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnMissingClass("org.springframework.data.redis.connection.ReactiveRedisConnectionFactory")
		static class SpringDataRedisMissing {

		}

		@ConditionalOnMissingClass("io.lettuce.core.RedisClient")
		static class LettuceMissing {

		}

	}

}
