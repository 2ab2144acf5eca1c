package io.wsboot;

import java.time.Duration;

import io.wsboot.ClusterNodes.Node;
import io.wsboot.cluster.redis.ClusterWebSocketServer;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketEventRecorderAutoConfiguration;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the registry of a node's fds, which the other nodes read: a connection is in
 * it whatever handshake accepted it (node A's custom {@link HandshakeInterceptor}
 * publishes no open event) and whenever it was opened, while the node was stopped or
 * while Redis was away.
 */
class ClusterRegistryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration RECOVERY = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	@Test
	void connectionAcceptedByCustomHandshakeIsReachableFromAnotherNode() throws Exception {
		try (ClusterNodes nodes = new ClusterNodes(redis, "registrycustom")) {
			Node a = nodes.start("node-a", new Class<?>[] { CustomHandshakeConfiguration.class });
			Node b = nodes.start("node-b");
			long fd;
			try (WebSocketTestConnection client = a.connect()) {
				fd = Greeter.fd(client);
				assertThat(a.server().isLocal(fd)).isTrue();
				// Pushed by fd from the other node
				assertThat(b.server().pushAsync(fd, "confirmed").block(TIMEOUT)).isTrue();
				assertThat(client.expectText()).isEqualTo("confirmed");
				assertThat(b.server().push(fd, "fire-and-forget")).isTrue();
				assertThat(client.expectText()).isEqualTo("fire-and-forget");
				// In node A's registry: asked of Redis, then in B's snapshot after a
				// heartbeat
				await().atMost(TIMEOUT).until(() -> b.server().existsAsync(fd).block(TIMEOUT));
				await().atMost(TIMEOUT).until(() -> b.server().exists(fd) && b.server().isEstablished(fd));
				assertThat(b.server().broadcast("chosen", (candidate) -> candidate == fd)).isZero();
				assertThat(client.expectText()).isEqualTo("chosen");
				client.close(1000, "");
				client.expectClose();
			}
			await().atMost(TIMEOUT).until(() -> !b.server().existsAsync(fd).block(TIMEOUT));
			await().atMost(TIMEOUT).until(() -> !b.server().exists(fd));
			assertThat(a.context().getBean(WebSocketEventRecorder.class).events(WebSocketOpenEvent.class)).isEmpty();
		}
	}

	@Test
	void connectionOpenedWhileTheNodeWasStoppedEntersTheRegistryWhenItStarts() throws Exception {
		try (ClusterNodes nodes = new ClusterNodes(redis, "registrystopped")) {
			Node a = nodes.start("node-a", new Class<?>[] { CustomHandshakeConfiguration.class });
			Node b = nodes.start("node-b");
			ClusterWebSocketServer serverA = a.server();
			serverA.stop();
			assertThat(serverA.isRunning()).isFalse();
			try (WebSocketTestConnection client = a.connect()) {
				long fd = Greeter.fd(client);
				serverA.start();
				await().atMost(TIMEOUT).until(() -> b.server().existsAsync(fd).block(TIMEOUT));
				await().atMost(TIMEOUT).until(() -> b.server().exists(fd));
				assertThat(b.server().pushAsync(fd, "found").block(TIMEOUT)).isTrue();
				assertThat(client.expectText()).isEqualTo("found");
			}
		}
	}

	@Test
	void connectionOpenedWhileRedisWasAwayEntersTheRegistryWhenItReturns() throws Exception {
		try (ClusterNodes nodes = new ClusterNodes(redis, "registryoutage")) {
			Node a = nodes.start("node-a", new Class<?>[] { CustomHandshakeConfiguration.class });
			Node b = nodes.start("node-b");
			redis.stop();
			boolean restarted = false;
			try {
				await().atMost(TIMEOUT).until(() -> !a.server().isAvailable());
				try (WebSocketTestConnection client = a.connect()) {
					long fd = Greeter.fd(client);
					redis.start();
					restarted = true;
					await().atMost(RECOVERY).ignoreExceptions().until(() -> b.server().existsAsync(fd).block(TIMEOUT));
					await().atMost(RECOVERY).until(() -> b.server().exists(fd));
					await().atMost(RECOVERY)
						.ignoreExceptions()
						.until(() -> b.server().pushAsync(fd, "found").block(TIMEOUT));
					assertThat(client.expectText()).isEqualTo("found");
				}
			}
			finally {
				if (!restarted) {
					redis.start();
				}
			}
		}
	}

	/**
	 * A custom handshake that accepts every connection and greets it with {@code fd:<fd>}
	 * from a deferred task: no open event is published.
	 */
	@Configuration(proxyBeanMethods = false)
	@Import(WebSocketEventRecorderAutoConfiguration.class)
	static class CustomHandshakeConfiguration {

		@Bean
		HandshakeInterceptor customHandshake(ObjectProvider<WebSocketServer> server) {
			return (request, response) -> {
				long fd = request.getFd();
				WebSocketServer target = server.getObject();
				target.defer(() -> target.push(fd, "fd:" + fd));
				response.status(101);
				response.end();
				return true;
			};
		}

	}

}
