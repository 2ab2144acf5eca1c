package io.wsboot.benchmarks.server;

import java.util.Map;

import io.wsboot.WebSocketOpenEvent;
import io.wsboot.WebSocketServer;
import io.wsboot.sample.ClusterCommandListener;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * A wsboot cluster node: the default handshake, {@code wsboot.cluster.enabled=true} and
 * the sample application's {@link ClusterCommandListener}; every connection is greeted
 * with {@code fd:<fd>}, so that the load generator knows the fds to push to.
 * {@code benchmarks/run cluster} starts two of them on one {@code redis-server}, with
 * {@code --spring.data.redis.port=<port>} and {@code --wsboot.cluster.node-id=<id>}.
 *
 * @since 0.1.0
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class WsbootClusterServer {

	/**
	 * Prefix of the greeting, followed by the connection's fd.
	 */
	public static final String GREETING = "fd:";

	@Bean
	ClusterCommandListener clusterCommandListener(WebSocketServer server) {
		return new ClusterCommandListener(server);
	}

	@EventListener
	void greet(WebSocketOpenEvent event) {
		event.getSource().push(event.getFd(), GREETING + event.getFd());
	}

	public static void main(String[] args) {
		ConfigurableApplicationContext context = WsbootServers.start(WsbootClusterServer.class,
				ServerSupport.port(args), Map.of("wsboot.cluster.enabled", true, "spring.data.redis.host", "127.0.0.1"),
				args);
		ServerSupport.ready(WsbootServers.port(context));
	}

}
