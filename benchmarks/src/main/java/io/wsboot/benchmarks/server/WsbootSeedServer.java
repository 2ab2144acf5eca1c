package io.wsboot.benchmarks.server;

import io.wsboot.WebSocketServer;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * wsboot with the seed's handshake bean ({@link SeedHandshakeInterceptor}) and the
 * {@link EchoListener}.
 *
 * @since 0.1.0
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(EchoListener.class)
public class WsbootSeedServer {

	@Bean
	SeedHandshakeInterceptor seedHandshakeInterceptor(WebSocketServer server) {
		return new SeedHandshakeInterceptor(server);
	}

	public static void main(String[] args) {
		WsbootServers.main(WsbootSeedServer.class, args);
	}

}
