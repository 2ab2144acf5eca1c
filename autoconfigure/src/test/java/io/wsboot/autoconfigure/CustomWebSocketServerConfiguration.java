package io.wsboot.autoconfigure;

import java.lang.reflect.Proxy;

import io.wsboot.WebSocketServer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A user configuration that defines its own {@link WebSocketServer}, named
 * {@code customWebSocketServer}, in place of wsboot's engine. The server answers only
 * {@code toString}, {@code hashCode} and {@code equals}.
 */
@Configuration(proxyBeanMethods = false)
public class CustomWebSocketServerConfiguration {

	@Bean
	WebSocketServer customWebSocketServer() {
		return (WebSocketServer) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { WebSocketServer.class }, (proxy, method, args) -> switch (method.getName()) {
					case "toString" -> "customWebSocketServer";
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

}
