package io.wsboot.actuate;

import io.wsboot.WebSocketStats;
import io.wsboot.server.NettyWebSocketServer;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.Assert;

/**
 * Health of the WebSocket endpoint: up while it accepts handshakes, out of service once
 * shutdown has begun.
 *
 * @since 0.1.0
 */
public class WebSocketHealthIndicator implements HealthIndicator {

	private final NettyWebSocketServer server;

	/**
	 * Create an indicator.
	 * @param server the server
	 */
	public WebSocketHealthIndicator(NettyWebSocketServer server) {
		Assert.notNull(server, "'server' must not be null");
		this.server = server;
	}

	@Override
	public Health health() {
		WebSocketStats stats = this.server.stats();
		Health.Builder builder = this.server.isRunning() ? Health.up() : Health.outOfService();
		return builder.withDetail("connections", stats.connections()).build();
	}

}
