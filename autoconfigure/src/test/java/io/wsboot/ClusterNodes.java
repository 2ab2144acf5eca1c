package io.wsboot;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.resource.Delay;
import io.wsboot.cluster.redis.ClusterWebSocketServer;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Starts wsboot nodes of one cluster as application contexts on their own ports, all
 * sharing the Redis of a {@link RedisServer}. Each node greets every connection with
 * {@code fd:<fd>}. Close it in {@code finally} or {@code @AfterAll}.
 */
final class ClusterNodes implements AutoCloseable {

	static final Duration NODE_TIMEOUT = Duration.ofSeconds(2);

	static final Duration HEARTBEAT = Duration.ofMillis(200);

	private final RedisServer redis;

	private final String prefix;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	ClusterNodes(RedisServer redis, String prefix) {
		this.redis = redis;
		this.prefix = prefix;
	}

	/**
	 * Start a node.
	 * @param id the node id
	 * @param properties more properties
	 * @return the node
	 */
	Node start(String id, String... properties) {
		return start(id, new Class<?>[0], properties);
	}

	/**
	 * Start a node with configuration of its own.
	 * @param id the node id
	 * @param configurations more configuration classes
	 * @param properties more properties
	 * @return the node
	 */
	Node start(String id, Class<?>[] configurations, String... properties) {
		List<String> all = new ArrayList<>(
				List.of("server.port=0", "server.address=127.0.0.1", "spring.data.redis.host=127.0.0.1",
						"spring.data.redis.port=" + this.redis.port(), "wsboot.cluster.enabled=true",
						"wsboot.cluster.node-id=" + id, "wsboot.cluster.node-timeout=" + NODE_TIMEOUT.toMillis() + "ms",
						"wsboot.cluster.heartbeat-interval=" + HEARTBEAT.toMillis() + "ms",
						"wsboot.cluster.request-timeout=1s", "wsboot.cluster.channel-prefix=" + this.prefix,
						"management.endpoints.web.exposure.include=websocket,websocketcluster"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApplication.class)
			.sources(configurations)
			.web(WebApplicationType.REACTIVE)
			.properties(all.toArray(String[]::new))
			.run();
		this.contexts.add(context);
		return new Node(context);
	}

	@Override
	public void close() {
		for (ConfigurableApplicationContext context : this.contexts) {
			if (context.isActive()) {
				context.close();
			}
		}
		this.contexts.clear();
	}

	/**
	 * A running node.
	 *
	 * @param context its application context
	 */
	record Node(ConfigurableApplicationContext context) {

		ClusterWebSocketServer server() {
			return this.context.getBean(ClusterWebSocketServer.class);
		}

		int port() {
			return Integer.parseInt(this.context.getEnvironment().getRequiredProperty("local.server.port"));
		}

		URI uri() {
			return URI.create("ws://127.0.0.1:" + port() + "/");
		}

		WebSocketTestConnection connect() throws Exception {
			return Greeter.connect(WebSocketTestClient.create(uri()));
		}

		WebTestClient http() {
			return WebTestClient.bindToServer()
				.baseUrl("http://127.0.0.1:" + port())
				.responseTimeout(Duration.ofSeconds(5))
				.build();
		}

		void stop() {
			this.context.close();
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class NodeApplication {

		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			// Nodes of one JVM: a context that closes must not dispose the loops of the
			// others
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			factory.setShutdownQuietPeriod(Duration.ZERO);
			return factory;
		}

		@Bean
		ClientResourcesBuilderCustomizer fastReconnect() {
			// Lettuce backs off up to 30 s between reconnection attempts by default
			return (builder) -> builder.reconnectDelay(Delay.constant(Duration.ofMillis(100)));
		}

	}

}
