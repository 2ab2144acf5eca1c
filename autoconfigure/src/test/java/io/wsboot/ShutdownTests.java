package io.wsboot;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.wsboot.EventRecorder.Recorded;
import io.wsboot.JdkWebSocketClient.CloseStatus;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for how {@link WebSocketServer} closes its connections when the application shuts
 * down.
 */
class ShutdownTests {

	@Test
	void sendsGoingAwayToOpenConnectionsAtStartOfGracefulShutdown() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "server.shutdown=graceful", "spring.lifecycle.timeout-per-shutdown-phase=20s")
			.run();
		CompletableFuture<Void> shutdown = null;
		try {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			EventRecorder recorder = context.getBean(EventRecorder.class);
			try (JdkWebSocketClient client = JdkWebSocketClient
				.connectGreeted(URI.create("ws://localhost:" + port + "/"))) {
				long start = System.nanoTime();
				shutdown = CompletableFuture.runAsync(context::close);
				CloseStatus close = client.awaitClose();
				assertThat(close.code()).isEqualTo(WebSocketServer.GOING_AWAY);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
				Recorded event = recorder.awaitClose(client.fd());
				assertThat(event.code()).isEqualTo(WebSocketServer.GOING_AWAY);
				assertThat(event.closedBy()).isEqualTo(ClosedBy.SERVER);
			}
			shutdown.get(10, TimeUnit.SECONDS);
		}
		finally {
			if (shutdown == null) {
				context.close();
			}
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ EventRecorder.class, EventRecorder.Greeter.class })
	static class TestApplication {

	}

}
