package io.wsboot.benchmarks.server;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * wsboot with its default handshake and the {@link EchoListener}.
 *
 * @since 0.1.0
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(EchoListener.class)
public class WsbootDefaultServer {

	public static void main(String[] args) {
		WsbootServers.main(WsbootDefaultServer.class, args);
	}

}
