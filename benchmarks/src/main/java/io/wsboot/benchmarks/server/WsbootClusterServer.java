package io.wsboot.benchmarks.server;

import java.util.Map;

import io.wsboot.WebSocketServer;
import io.wsboot.sample.ClusterCommandListener;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * A wsboot cluster node: the default handshake, {@code wsboot.cluster.enabled=true}, the
 * sample application's {@link ClusterCommandListener} and the {@link FdGreetingListener}.
 * {@code benchmarks/run cluster} starts two of them on one {@code redis-server}, with
 * {@code --spring.data.redis.port=<port>} and {@code --wsboot.cluster.node-id=<id>}.
 *
 * @since 0.1.0
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(FdGreetingListener.class)
public class WsbootClusterServer {

	@Bean
	ClusterCommandListener clusterCommandListener(WebSocketServer server) {
		return new ClusterCommandListener(server);
	}

	public static void main(String[] args) {
		ConfigurableApplicationContext context = WsbootServers.start(WsbootClusterServer.class,
				ServerSupport.port(args), Map.of("wsboot.cluster.enabled", true, "spring.data.redis.host", "127.0.0.1"),
				args);
		ServerSupport.ready(WsbootServers.port(context));
	}

}
