package io.wsboot.benchmarks.server;

import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * A wsboot cluster node: the default handshake, {@code wsboot.cluster.enabled=true} and
 * the {@link ClusterCommandListener}. {@code benchmarks/run cluster} starts two of them
 * on one {@code redis-server}, with {@code --spring.data.redis.port=<port>} and
 * {@code --wsboot.cluster.node-id=<id>}.
 *
 * @since 0.1.0
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(ClusterCommandListener.class)
public class WsbootClusterServer {

	public static void main(String[] args) {
		ConfigurableApplicationContext context = WsbootServers.start(WsbootClusterServer.class,
				ServerSupport.port(args), Map.of("wsboot.cluster.enabled", true, "spring.data.redis.host", "127.0.0.1"),
				args);
		ServerSupport.ready(WsbootServers.port(context));
	}

}
