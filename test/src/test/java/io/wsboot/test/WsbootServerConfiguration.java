package io.wsboot.test;

import java.util.List;

import io.wsboot.DefaultHandshakeInterceptor;
import io.wsboot.handshake.WsbootHandlerMapping;
import io.wsboot.handshake.WsbootWebSocketHandler;
import io.wsboot.server.NettyWebSocketServer;
import io.wsboot.server.WebSocketServerSettings;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * A wsboot server for the tests of this module, built from wsboot-core as the
 * auto-configuration builds it (the auto-configuration module depends on this one for its
 * own tests, so it cannot be used here). Reads {@code wsboot.path},
 * {@code wsboot.subprotocols}, {@code wsboot.allowed-origins},
 * {@code wsboot.max-frame-size} (bytes) and {@code wsboot.compression}.
 */
@Configuration(proxyBeanMethods = false)
class WsbootServerConfiguration {

	private static final int MAX_MESSAGE_SIZE = 1024 * 1024;

	@Bean
	NettyWebSocketServer webSocketServer(ApplicationEventPublisher publisher, Environment environment) {
		int maxFrameSize = environment.getProperty("wsboot.max-frame-size", Integer.class, 65536);
		boolean compression = environment.getProperty("wsboot.compression", Boolean.class, false);
		return new NettyWebSocketServer(publisher,
				WebSocketServerSettings.builder()
					.maxFrameSize(maxFrameSize)
					.maxMessageSize(MAX_MESSAGE_SIZE)
					.compression(compression)
					.sendBufferSize(MAX_MESSAGE_SIZE)
					.build());
	}

	@Bean
	WsbootHandlerMapping wsbootHandlerMapping(NettyWebSocketServer server, Environment environment) {
		List<String> subprotocols = List
			.of(environment.getProperty("wsboot.subprotocols", String[].class, new String[0]));
		List<String> origins = List
			.of(environment.getProperty("wsboot.allowed-origins", String[].class, new String[] { "*" }));
		int maxFrameSize = environment.getProperty("wsboot.max-frame-size", Integer.class, 65536);
		boolean compression = environment.getProperty("wsboot.compression", Boolean.class, false);
		WsbootWebSocketHandler handler = new WsbootWebSocketHandler(server,
				new DefaultHandshakeInterceptor(subprotocols), origins, maxFrameSize, MAX_MESSAGE_SIZE, compression);
		return new WsbootHandlerMapping(environment.getProperty("wsboot.path", "/"), handler);
	}

}
