package io.wsboot.autoconfigure.cluster;

import io.wsboot.cluster.WebSocketCluster;
import io.wsboot.cluster.actuate.WebSocketClusterEndpoint;
import io.wsboot.cluster.redis.ClusterWebSocketServer;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code websocketcluster} Actuator endpoint, present when this
 * node is part of a cluster. The {@code websocket} endpoint shows the same description in
 * its {@code cluster} section.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = WsbootClusterAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(ClusterWebSocketServer.class)
@ConditionalOnAvailableEndpoint(WebSocketClusterEndpoint.class)
public final class WsbootClusterEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WebSocketClusterEndpoint webSocketClusterEndpoint(WebSocketCluster cluster) {
		return new WebSocketClusterEndpoint(cluster);
	}

}
