package io.wsboot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import io.wsboot.test.WebSocketTestConnection.CloseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.InstanceOfAssertFactories.type;
import static org.awaitility.Awaitility.await;

/**
 * Tests for how {@link WebSocketServer} closes its connections when the application shuts
 * down, with Spring Boot's graceful shutdown and with a plain context close.
 */
class ShutdownTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@Test
	void sendsGoingAwayToOpenConnectionsAtStartOfGracefulShutdown() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "server.shutdown=graceful", "spring.lifecycle.timeout-per-shutdown-phase=20s")
			.run();
		CompletableFuture<Void> shutdown = null;
		try {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			WebSocketEventRecorder recorder = context.getBean(WebSocketEventRecorder.class);
			try (WebSocketTestConnection client = Greeter.connect(WebSocketTestClient.forPort(port))) {
				long start = System.nanoTime();
				shutdown = CompletableFuture.runAsync(context::close);
				CloseStatus close = client.expectClose();
				assertThat(close.code()).isEqualTo(WebSocketServer.GOING_AWAY);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
				WebSocketCloseEvent event = recorder.awaitClose(Greeter.fd(client), TIMEOUT);
				assertThat(event.getCode()).isEqualTo(WebSocketServer.GOING_AWAY);
				assertThat(event.getClosedBy()).isEqualTo(ClosedBy.SERVER);
			}
			shutdown.get(10, TimeUnit.SECONDS);
		}
		finally {
			if (shutdown == null) {
				context.close();
			}
		}
	}

	@ParameterizedTest(name = "server.shutdown={0}")
	@ValueSource(strings = { "graceful", "immediate" })
	void closesEveryConnectionWith1001PublishesItsCloseEventAndStopsTimers(String shutdownMode) throws Exception {
		Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "server.shutdown=" + shutdownMode,
					"spring.lifecycle.timeout-per-shutdown-phase=20s")
			.run();
		List<WebSocketTestConnection> clients = new ArrayList<>();
		CompletableFuture<Void> shutdown = null;
		try {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			WebSocketEventRecorder recorder = context.getBean(WebSocketEventRecorder.class);
			WebSocketServer server = context.getBean(WebSocketServer.class);
			for (int i = 0; i < 5; i++) {
				clients.add(Greeter.connect(WebSocketTestClient.forPort(port)));
			}
			AtomicInteger globalTicks = new AtomicInteger();
			AtomicInteger connectionTicks = new AtomicInteger();
			server.tick(Duration.ofMillis(10), globalTicks::incrementAndGet);
			for (WebSocketTestConnection client : clients) {
				assertThat(server.tick(Greeter.fd(client), Duration.ofMillis(10), connectionTicks::incrementAndGet))
					.isNotEqualTo(-1);
			}
			await().atMost(TIMEOUT).until(() -> globalTicks.get() > 2 && connectionTicks.get() > 10);
			try (RawWebSocketConnection raw = WebSocketTestClient.forPort(port).connectRaw()) {
				long rawFd = Long.parseLong(raw.expectText().substring(3));
				shutdown = CompletableFuture.runAsync(context::close);
				ReceivedFrame close = raw.readFrame();
				assertThat(close.opcode()).isEqualTo(0x8);
				assertThat(close.closeCode()).isEqualTo(WebSocketServer.GOING_AWAY);
				raw.sendClose(WebSocketServer.GOING_AWAY, "");
				assertThat(raw.awaitServerClose(TIMEOUT)).isTrue();
				for (WebSocketTestConnection client : clients) {
					assertThat(client.expectClose().code()).isEqualTo(WebSocketServer.GOING_AWAY);
				}
				shutdown.get(15, TimeUnit.SECONDS);
				List<Long> fds = new ArrayList<>(clients.stream().map(Greeter::fd).toList());
				fds.add(rawFd);
				for (long fd : fds) {
					assertThat(recorder.events(fd)).as("close events of fd %d", fd)
						.filteredOn(WebSocketCloseEvent.class::isInstance)
						.singleElement(type(WebSocketCloseEvent.class))
						.satisfies((event) -> {
							assertThat(event.getCode()).isEqualTo(WebSocketServer.GOING_AWAY);
							assertThat(event.getClosedBy()).isEqualTo(ClosedBy.SERVER);
						});
				}
			}
			assertThat(server.stats().timers()).isZero();
			int global = globalTicks.get();
			int bound = connectionTicks.get();
			await().during(Duration.ofMillis(300))
				.atMost(Duration.ofSeconds(2))
				.until(() -> globalTicks.get() == global && connectionTicks.get() == bound);
			assertThat(server.stats().connections()).isZero();
			assertRefused(port);
			// what is left of the application does not keep a JVM alive
			await().pollInSameThread()
				.atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
					.filteredOn((thread) -> thread.isAlive() && !thread.isDaemon() && !threadsBefore.contains(thread))
					.isEmpty());
		}
		finally {
			clients.forEach(WebSocketTestConnection::close);
			if (shutdown == null) {
				context.close();
			}
		}
	}

	@Test
	void endsShutdownWhenClientNeverAnswersClose() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties("server.port=0")
			.run();
		CompletableFuture<Void> shutdown = null;
		try {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			WebSocketEventRecorder recorder = context.getBean(WebSocketEventRecorder.class);
			try (RawWebSocketConnection raw = WebSocketTestClient.forPort(port).connectRaw()) {
				long fd = Long.parseLong(raw.expectText().substring(3));
				long start = System.nanoTime();
				shutdown = CompletableFuture.runAsync(context::close);
				assertThat(raw.readFrame().closeCode()).isEqualTo(WebSocketServer.GOING_AWAY);
				// no answer: the server waits for it at most 5 s
				shutdown.get(15, TimeUnit.SECONDS);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
				assertThat(raw.awaitServerClose(TIMEOUT)).isTrue();
				WebSocketCloseEvent event = recorder.awaitClose(fd, TIMEOUT);
				assertThat(event.getCode()).isEqualTo(WebSocketServer.GOING_AWAY);
				assertThat(event.getClosedBy()).isEqualTo(ClosedBy.SERVER);
			}
			assertRefused(port);
		}
		finally {
			if (shutdown == null) {
				context.close();
			}
		}
	}

	@Test
	void processExitsOnSigtermAfterClosingConnectionsWith1001() throws Exception {
		String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
		Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), ChildApplication.class.getName())
			.redirectErrorStream(true)
			.start();
		BlockingQueue<String> lines = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = output.readLine()) != null) {
					lines.add(line);
				}
			}
			catch (IOException ex) {
				// the process is gone
			}
		}, "child-output");
		reader.setDaemon(true);
		reader.start();
		try {
			int port = Integer.parseInt(awaitLine(lines, ChildApplication.PORT, Duration.ofSeconds(30)));
			try (WebSocketTestConnection first = Greeter.connect(WebSocketTestClient.forPort(port));
					WebSocketTestConnection second = Greeter.connect(WebSocketTestClient.forPort(port))) {
				// SIGTERM, without closing the output as Process.destroy() does
				assertThat(process.toHandle().destroy()).isTrue();
				assertThat(first.expectClose().code()).isEqualTo(WebSocketServer.GOING_AWAY);
				assertThat(second.expectClose().code()).isEqualTo(WebSocketServer.GOING_AWAY);
				assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("process exited").isTrue();
				reader.join(TIMEOUT.toMillis());
				List<String> closes = new ArrayList<>();
				lines.stream().filter((line) -> line.startsWith(ChildApplication.CLOSED)).forEach(closes::add);
				assertThat(closes).as("close events printed by the process in %s", lines)
					.containsExactlyInAnyOrder(
							ChildApplication.CLOSED + Greeter.fd(first) + " " + WebSocketServer.GOING_AWAY,
							ChildApplication.CLOSED + Greeter.fd(second) + " " + WebSocketServer.GOING_AWAY);
			}
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static String awaitLine(BlockingQueue<String> lines, String prefix, Duration timeout)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<String> seen = new ArrayList<>();
		while (System.nanoTime() < deadline) {
			String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			if (line != null && line.startsWith(prefix)) {
				lines.addAll(seen);
				return line.substring(prefix.length());
			}
			if (line != null) {
				seen.add(line);
			}
		}
		throw new AssertionError("No line starting with '" + prefix + "' within " + timeout + " in " + seen);
	}

	private static void assertRefused(int port) {
		assertThatIOException().as("connection to the closed server").isThrownBy(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("localhost", port), 1000);
			}
		});
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Greeter.class, WebSocketEventRecorder.class })
	static class TestApplication {

	}

	/**
	 * An application run in its own JVM with {@code server.shutdown=graceful}: it prints
	 * its port and the close events it publishes.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class ChildApplication {

		static final String PORT = "wsboot-test port=";

		static final String CLOSED = "wsboot-test closed ";

		@EventListener
		void onServerStarted(WebServerInitializedEvent event) {
			System.out.println(PORT + event.getWebServer().getPort());
		}

		@EventListener
		void onClose(WebSocketCloseEvent event) {
			System.out.println(CLOSED + event.getFd() + " " + event.getCode());
		}

		public static void main(String[] args) {
			new SpringApplicationBuilder(ChildApplication.class).web(WebApplicationType.REACTIVE)
				.properties("server.port=0", "server.shutdown=graceful",
						"spring.lifecycle.timeout-per-shutdown-phase=20s")
				.run(args);
		}

	}

}
