package io.wsboot.autoconfigure.actuate;

import io.wsboot.WebSocketServer;
import io.wsboot.actuate.WebSocketHealthIndicator;
import io.wsboot.autoconfigure.WsbootAutoConfiguration;
import io.wsboot.autoconfigure.WsbootProperties;
import io.wsboot.server.NettyWebSocketServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code websocket} health indicator, whichever
 * {@link WebSocketServer} bean wsboot defines (the engine, or the cluster's server that
 * wraps it): the health is the engine's, of this node.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = WsbootAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean({ WebSocketServer.class, WsbootProperties.class })
@ConditionalOnEnabledHealthIndicator("websocket")
public final class WsbootHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "websocketHealthIndicator")
	WebSocketHealthIndicator websocketHealthIndicator(NettyWebSocketServer server) {
		return new WebSocketHealthIndicator(server);
	}

}
