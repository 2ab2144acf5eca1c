package io.wsboot.benchmarks.server;

import io.wsboot.WebSocketServer;
import io.wsboot.sample.SeedHandshakeInterceptor;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * wsboot with the sample application's handshake bean ({@link SeedHandshakeInterceptor},
 * the seed's handshake) and the {@link EchoListener}. Its open logic is deferred as in
 * the sample but does nothing, instead of starting the seed's one-second hello timer, so
 * that the benchmark measures the handshake, not timers; its per-handshake INFO line is
 * below the servers' log level.
 *
 * @since 0.1.0
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(EchoListener.class)
public class WsbootSeedServer {

	@Bean
	SeedHandshakeInterceptor seedHandshakeInterceptor(WebSocketServer server) {
		return new SeedHandshakeInterceptor(server, (fd) -> {
		});
	}

	public static void main(String[] args) {
		WsbootServers.main(WsbootSeedServer.class, args);
	}

}
