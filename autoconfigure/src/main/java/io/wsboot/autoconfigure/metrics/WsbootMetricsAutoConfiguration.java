package io.wsboot.autoconfigure.metrics;

import java.util.Collections;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsboot.WebSocketServer;
import io.wsboot.autoconfigure.WsbootAutoConfiguration;
import io.wsboot.autoconfigure.WsbootProperties;
import io.wsboot.metrics.WsbootMeterBinder;
import io.wsboot.server.NettyWebSocketServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the Micrometer meters of the wsboot WebSocket server, whichever
 * {@link WebSocketServer} bean wsboot defines (the engine, or the cluster's server that
 * wraps it): the meters are the engine's, of this node's connections.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = WsbootAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, WebSocketServer.class, WsbootProperties.class })
public final class WsbootMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WsbootMeterBinder wsbootMeterBinder(NettyWebSocketServer server) {
		return new WsbootMeterBinder(server, Collections.emptyList());
	}

}
