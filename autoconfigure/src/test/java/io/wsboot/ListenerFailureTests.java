package io.wsboot;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import io.wsboot.test.WebSocketTestConnection.CloseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for listeners that throw: the failure is logged once with the fd, and neither the
 * failing connection nor any other is closed.
 */
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
@RecordWebSocketEvents
@SpringBootTest(classes = ListenerFailureTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.main.web-application-type=reactive")
class ListenerFailureTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Test
	void logsFailingMessageListenerOnceWithFdAndKeepsEveryConnection(CapturedOutput output) throws Exception {
		try (WebSocketTestConnection failing = connect("/"); WebSocketTestConnection other = connect("/")) {
			long fd = Greeter.fd(failing);
			failing.sendText("boom");
			failing.sendText("after");
			other.sendText("unaffected");
			assertThat(this.recorder.awaitMessages(fd, 2, TIMEOUT)).extracting(Frame::getData)
				.containsExactly("boom", "after");
			assertThat(this.recorder.awaitMessages(Greeter.fd(other), 1, TIMEOUT)).extracting(Frame::getData)
				.containsExactly("unaffected");
			await().atMost(TIMEOUT).until(() -> count(output.getAll(), ThrowingListener.failure("message", fd)) > 0);
			assertThat(count(output.getAll(), "[fd=" + fd + "] Listener of WebSocketMessageEvent failed")).isOne();
			assertThat(count(output.getAll(), ThrowingListener.failure("message", fd))).as("stack traces logged")
				.isOne();
			assertThat(this.server.isEstablished(fd)).isTrue();
			assertThat(this.server.isEstablished(Greeter.fd(other))).isTrue();
			assertThat(this.server.push(fd, "still here")).isTrue();
			assertThat(failing.expectText()).isEqualTo("still here");
			assertThat(this.server.push(Greeter.fd(other), "me too")).isTrue();
			assertThat(other.expectText()).isEqualTo("me too");
			assertThat(failing.isOpen()).isTrue();
		}
	}

	@Test
	void keepsConnectionWhoseOpenListenerFailed(CapturedOutput output) throws Exception {
		try (WebSocketTestConnection client = connect("/?fail=open")) {
			long fd = Greeter.fd(client);
			await().atMost(TIMEOUT)
				.until(() -> count(output.getAll(), "[fd=" + fd + "] Listener of WebSocketOpenEvent failed") == 1);
			client.sendText("hello");
			assertThat(this.recorder.awaitMessages(fd, 1, TIMEOUT)).extracting(Frame::getData).containsExactly("hello");
			assertThat(this.server.push(fd, "welcome anyway")).isTrue();
			assertThat(client.expectText()).isEqualTo("welcome anyway");
		}
	}

	@Test
	void logsFailingCloseListenerAndStillForgetsConnection(CapturedOutput output) throws Exception {
		long fd;
		try (WebSocketTestConnection client = connect("/?fail=close")) {
			fd = Greeter.fd(client);
			client.close(1000, "");
			assertThat(client.expectClose()).isEqualTo(new CloseStatus(1000, ""));
		}
		this.recorder.awaitClose(fd, TIMEOUT);
		await().atMost(TIMEOUT)
			.until(() -> count(output.getAll(), "[fd=" + fd + "] Listener of WebSocketCloseEvent failed") == 1);
		assertThat(this.recorder.events(fd)).hasExactlyElementsOfTypes(WebSocketOpenEvent.class,
				WebSocketCloseEvent.class);
		assertThat(this.server.exists(fd)).isFalse();
		assertThat(this.server.connections()).doesNotContain(fd);
	}

	private WebSocketTestConnection connect(String target) throws Exception {
		return Greeter.connect(WebSocketTestClient.forPort(this.port).path(target));
	}

	private static int count(String text, String part) {
		Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Greeter.class, ThrowingListener.class })
	static class TestApplication {

	}

	/**
	 * Throws on the message "boom", and on the open or close event of connections opened
	 * with {@code ?fail=open} or {@code ?fail=close}; the exception message names the fd.
	 * Runs after the other listeners, so the greeting is sent.
	 */
	static class ThrowingListener {

		private final Set<Long> failOnClose = ConcurrentHashMap.newKeySet();

		static String failure(String event, long fd) {
			return "Listener of " + event + " failed on purpose for " + fd + "!";
		}

		@EventListener
		@Order(Ordered.LOWEST_PRECEDENCE)
		void onOpen(WebSocketOpenEvent event) {
			String fail = event.getRequest().getQueryParams().getFirst("fail");
			if ("close".equals(fail)) {
				this.failOnClose.add(event.getFd());
			}
			if ("open".equals(fail)) {
				throw new IllegalStateException(failure("open", event.getFd()));
			}
		}

		@EventListener
		@Order(Ordered.LOWEST_PRECEDENCE)
		void onMessage(WebSocketMessageEvent event) {
			if ("boom".equals(event.getFrame().getData())) {
				throw new IllegalStateException(failure("message", event.getFd()));
			}
		}

		@EventListener
		@Order(Ordered.LOWEST_PRECEDENCE)
		void onClose(WebSocketCloseEvent event) {
			if (this.failOnClose.remove(event.getFd())) {
				throw new IllegalStateException(failure("close", event.getFd()));
			}
		}

	}

}
