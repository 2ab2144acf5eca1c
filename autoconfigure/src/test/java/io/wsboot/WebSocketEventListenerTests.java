package io.wsboot;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.wsboot.event.WebSocketEventMulticaster;
import io.wsboot.event.WebSocketListenerMethodAdapter;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Scope;
import org.springframework.context.event.EventListener;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that message events reach every kind of Spring listener as Spring's own
 * multicaster would deliver them, with wsboot's multicaster and listener factory in
 * place.
 */
@SpringBootTest(classes = WebSocketEventListenerTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "spring.main.web-application-type=reactive")
class WebSocketEventListenerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Queue<String> calls = new ConcurrentLinkedQueue<>();

	private static final Set<Integer> prototypeInstances = ConcurrentHashMap.newKeySet();

	@LocalServerPort
	private int port;

	@Autowired
	private ConfigurableApplicationContext context;

	@BeforeEach
	void clear() {
		calls.clear();
		prototypeInstances.clear();
	}

	@Test
	void usesWsbootMulticasterAndListenerAdapters() {
		assertThat(this.context.getBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME))
			.isInstanceOf(WebSocketEventMulticaster.class);
		List<ApplicationListener<?>> listeners = List
			.copyOf(((AbstractApplicationContext) this.context).getApplicationListeners());
		assertThat(listeners).filteredOn(WebSocketListenerMethodAdapter.class::isInstance)
			.as("one adapter for each of the listener methods without condition")
			.hasSize(7);
	}

	@Test
	void callsMessageListenersInTheirOrderForEveryMessage() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendText("one");
			client.sendText("two");
			await().atMost(TIMEOUT)
				.until(() -> calls.stream().filter((call) -> call.startsWith("third:")).count() == 2);
			assertThat(calls).filteredOn((call) -> call.matches("(first|second|third):.*"))
				.containsExactly("first:one", "second:one", "third:one", "first:two", "second:two", "third:two");
			assertThat(calls).filteredOn((call) -> call.startsWith("any:")).containsExactly("any:one", "any:two");
		}
	}

	@Test
	void evaluatesConditionsOfConditionalListeners() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendText("skip me");
			client.sendText("conditional");
			await().atMost(TIMEOUT).until(() -> calls.contains("third:conditional"));
			assertThat(calls).filteredOn((call) -> call.startsWith("conditional:"))
				.containsExactly("conditional:conditional");
		}
	}

	@Test
	void publishesWhatListenerReturns() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendText("reply");
			await().atMost(TIMEOUT).until(() -> calls.contains("replied:reply"));
		}
	}

	@Test
	void looksUpPrototypeListenersForEveryMessage() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendText("a");
			client.sendText("b");
			client.sendText("c");
			await().atMost(TIMEOUT)
				.until(() -> calls.stream().filter((call) -> call.startsWith("prototype:")).count() == 6);
			assertThat(prototypeInstances).as("a new prototype bean for each message and listener").hasSize(6);
		}
	}

	@Test
	void reachesListenersAddedAndRemovedWhileRunning() throws Exception {
		ApplicationListener<WebSocketMessageEvent> added = (event) -> calls.add("added:" + event.getFrame().getData());
		try (WebSocketTestConnection client = connect()) {
			client.sendText("before");
			await().atMost(TIMEOUT).until(() -> calls.contains("third:before"));
			this.context.addApplicationListener(added);
			client.sendText("while");
			await().atMost(TIMEOUT).until(() -> calls.contains("third:while"));
			this.context.removeApplicationListener(added);
			client.sendText("after");
			await().atMost(TIMEOUT).until(() -> calls.contains("third:after"));
			assertThat(calls).filteredOn((call) -> call.startsWith("added:")).containsExactly("added:while");
		}
	}

	@Test
	void callsListenersOfProxiedBeansThroughTheirProxy() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendText("async");
			await().atMost(TIMEOUT).until(() -> calls.stream().anyMatch((call) -> call.startsWith("async:")));
			assertThat(calls).filteredOn((call) -> call.startsWith("async:"))
				.singleElement()
				.asString()
				.as("run by the @Async proxy on the task executor, not on the event loop")
				.doesNotContain("reactor-http");
		}
	}

	private WebSocketTestConnection connect() throws Exception {
		return Greeter.connect(WebSocketTestClient.forPort(this.port));
	}

	/**
	 * What a listener returns is published as an event.
	 *
	 * @param text the message's text
	 */
	record Reply(String text) {

	}

	static class OrderedListeners {

		@EventListener
		@Order(2)
		void second(WebSocketMessageEvent event) {
			calls.add("second:" + event.getFrame().getData());
		}

		@EventListener
		@Order(1)
		void first(WebSocketMessageEvent event) {
			calls.add("first:" + event.getFrame().getData());
		}

		@EventListener
		@Order(3)
		void third(WebSocketMessageEvent event) {
			calls.add("third:" + event.getFrame().getData());
		}

	}

	static class OtherListeners {

		@EventListener(condition = "#event.frame.data == 'conditional'")
		void conditional(WebSocketMessageEvent event) {
			calls.add("conditional:" + event.getFrame().getData());
		}

		@EventListener
		Reply replying(WebSocketMessageEvent event) {
			return "reply".equals(event.getFrame().getData()) ? new Reply(event.getFrame().getData()) : null;
		}

		@EventListener
		void replied(Reply reply) {
			calls.add("replied:" + reply.text());
		}

		@EventListener
		void any(ApplicationEvent event) {
			if (event instanceof WebSocketMessageEvent message) {
				calls.add("any:" + message.getFrame().getData());
			}
		}

	}

	static class AsyncListener {

		@Async
		@EventListener
		public void onMessage(WebSocketMessageEvent event) {
			if ("async".equals(event.getFrame().getData())) {
				calls.add("async:" + Thread.currentThread().getName());
			}
		}

	}

	static class PrototypeMethodListener {

		@EventListener
		void onMessage(WebSocketMessageEvent event) {
			prototypeInstances.add(System.identityHashCode(this));
			calls.add("prototype:" + event.getFrame().getData());
		}

	}

	static class PrototypeListenerBean implements ApplicationListener<WebSocketMessageEvent> {

		@Override
		public void onApplicationEvent(WebSocketMessageEvent event) {
			prototypeInstances.add(System.identityHashCode(this));
			calls.add("prototype:" + event.getFrame().getData());
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableAsync
	@Import({ Greeter.class, OrderedListeners.class, OtherListeners.class, AsyncListener.class })
	static class TestApplication {

		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		PrototypeMethodListener prototypeMethodListener() {
			return new PrototypeMethodListener();
		}

		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		PrototypeListenerBean prototypeListenerBean() {
			return new PrototypeListenerBean();
		}

	}

}
