package io.wsboot.sample;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.wsboot.WebSocketServer;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code cluster} profile of {@link SampleApplication}: two nodes sharing a real
 * {@code redis-server} on a free loopback port. Skipped when {@code redis-server} is not
 * installed (unless {@code WSBOOT_REQUIRE_REDIS=true}), and in an AOT build, whose beans
 * are those of the default profile.
 */
@DisabledIfSystemProperty(named = "spring.aot.enabled", matches = "true",
		disabledReason = "an AOT build holds the beans of the default profile")
class ClusterProfileTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@Test
	void commandsReachConnectionsOnBothNodes() throws Exception {
		int redisPort = freePort();
		Process redis = startRedis(redisPort);
		ConfigurableApplicationContext a = null;
		ConfigurableApplicationContext b = null;
		try {
			a = startNode(redisPort);
			b = startNode(redisPort);
			try (WebSocketTestConnection onA = client(a).connect(); WebSocketTestConnection onB = client(b).connect()) {
				WebSocketServer serverA = a.getBean(WebSocketServer.class);
				await().atMost(TIMEOUT).until(() -> serverA.connections().size() == 1);
				long fdOnA = serverA.connections().get(0);

				onB.sendText("push:" + fdOnA + ":across the cluster");
				assertThat(nextCommandResult(onA)).isEqualTo("across the cluster");

				onA.sendText("broadcast:to everyone");
				assertThat(nextCommandResult(onA)).isEqualTo("to everyone");
				assertThat(nextCommandResult(onB)).isEqualTo("to everyone");
				// Once each: the next message after it is this one
				onB.sendText("push:" + fdOnA + ":marker");
				assertThat(nextCommandResult(onA)).isEqualTo("marker");

				onA.sendText("push:" + (((fdOnA >> 40) << 40) + 999) + ":nobody");
				assertThat(nextCommandResult(onA)).startsWith("push failed: ");
			}
		}
		finally {
			if (b != null) {
				b.close();
			}
			if (a != null) {
				a.close();
			}
			redis.destroy();
			redis.waitFor(5, TimeUnit.SECONDS);
		}
	}

	/**
	 * Return the next message that is not the example's hello (sent every second and in
	 * answer to every message).
	 */
	private static String nextCommandResult(WebSocketTestConnection connection) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			String message = connection.expectText(Duration.ofNanos(deadline - System.nanoTime()));
			if (!message.startsWith("[\"hello\",")) {
				return message;
			}
		}
		throw new AssertionError("no message other than hello within " + TIMEOUT);
	}

	private static WebSocketTestClient client(ConfigurableApplicationContext node) {
		int port = Integer.parseInt(node.getEnvironment().getRequiredProperty("local.server.port"));
		return WebSocketTestClient.create(URI.create("ws://127.0.0.1:" + port + "/")).timeout(TIMEOUT);
	}

	private static ConfigurableApplicationContext startNode(int redisPort) {
		// Arguments, which win over application-cluster.yml
		return new SpringApplicationBuilder(SampleApplication.class, NodeResources.class).profiles("cluster")
			.run("--server.port=0", "--spring.data.redis.port=" + redisPort,
					"--wsboot.cluster.channel-prefix=sampletests", "--wsboot.cluster.heartbeat-interval=200ms");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static Process startRedis(int port) throws Exception {
		String executable = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")
			.stream()
			.filter((candidate) -> new File(candidate).canExecute())
			.findFirst()
			.orElse(null);
		if (executable == null) {
			String message = "redis-server is not installed (apt-get install redis-server): cluster test skipped";
			if ("true".equalsIgnoreCase(System.getenv("WSBOOT_REQUIRE_REDIS"))) {
				throw new IllegalStateException(message + " but WSBOOT_REQUIRE_REDIS=true");
			}
			Assumptions.abort(message);
		}
		Process process = new ProcessBuilder(executable, "--port", Integer.toString(port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (System.nanoTime() < deadline && process.isAlive()) {
			if (ping(port)) {
				return process;
			}
			process.waitFor(20, TimeUnit.MILLISECONDS);
		}
		process.destroyForcibly();
		throw new IllegalStateException("redis-server did not answer on port " + port);
	}

	private static boolean ping(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
			socket.setSoTimeout(500);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			return new String(in.readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n");
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class NodeResources {

		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			// Nodes of one JVM: a context that closes must not dispose the others' loops
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			factory.setShutdownQuietPeriod(Duration.ZERO);
			return factory;
		}

	}

}
