package io.wsboot;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wsboot.event.WebSocketEventMulticaster;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of wsboot in an application that defines its own event multicaster, with a task
 * executor: wsboot keeps it, and publishes the WebSocket events through it.
 */
@SpringBootTest(classes = ApplicationMulticasterTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "spring.main.web-application-type=reactive")
class ApplicationMulticasterTests {

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private Listeners listeners;

	@Test
	void keepsTheApplicationsMulticaster() {
		Object multicaster = this.context.getBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME);
		assertThat(multicaster).isExactlyInstanceOf(SimpleApplicationEventMulticaster.class)
			.isNotInstanceOf(WebSocketEventMulticaster.class);
	}

	@Test
	void deliversWebSocketEventsThroughTheApplicationsMulticaster() throws Exception {
		try (WebSocketTestConnection client = Greeter.connect(WebSocketTestClient.forPort(this.port))) {
			client.sendText("hello");
			client.sendText("marco");
			assertThat(client.expectText()).isEqualTo("polo");
			await().atMost(Duration.ofSeconds(5)).until(() -> this.listeners.messages.size() == 2);
			assertThat(this.listeners.messages).containsExactlyInAnyOrder("hello", "marco");
			assertThat(this.listeners.threads).allSatisfy((thread) -> assertThat(thread).startsWith("app-events-"));
			client.expectNoMessage(Duration.ofMillis(200));
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Listeners.class, Greeter.class })
	static class TestApplication {

		@Bean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
		static SimpleApplicationEventMulticaster applicationEventMulticaster() {
			SimpleApplicationEventMulticaster multicaster = new SimpleApplicationEventMulticaster();
			multicaster.setTaskExecutor(new SimpleAsyncTaskExecutor("app-events-"));
			return multicaster;
		}

	}

	static class Listeners {

		final List<String> messages = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		private final WebSocketServer server;

		Listeners(WebSocketServer server) {
			this.server = server;
		}

		@EventListener
		void onMessage(WebSocketMessageEvent event) {
			this.messages.add(event.getFrame().getData());
			this.threads.add(Thread.currentThread().getName());
		}

		@EventListener(condition = "#root.event.frame.data == 'marco'")
		void onMarco(WebSocketMessageEvent event) {
			this.threads.add(Thread.currentThread().getName());
			this.server.push(event.getFd(), "polo");
		}

	}

}
