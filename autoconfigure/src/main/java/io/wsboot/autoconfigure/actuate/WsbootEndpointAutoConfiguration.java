package io.wsboot.autoconfigure.actuate;

import io.wsboot.WebSocketServer;
import io.wsboot.actuate.WebSocketEndpoint;
import io.wsboot.autoconfigure.WsbootAutoConfiguration;
import io.wsboot.cluster.WebSocketCluster;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code websocket} Actuator endpoint. When the application has
 * a {@link WebSocketCluster} bean ({@code wsboot.cluster.enabled=true}), the endpoint
 * describes the cluster too.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = WsbootAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(WebSocketServer.class)
@ConditionalOnAvailableEndpoint(WebSocketEndpoint.class)
public final class WsbootEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WebSocketEndpoint webSocketEndpoint(WebSocketServer server, ObjectProvider<WebSocketCluster> cluster) {
		return new WebSocketEndpoint(server, cluster.getIfAvailable());
	}

}
