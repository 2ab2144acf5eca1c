package io.wsboot.event;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.wsboot.Frame;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.ResolvableType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link WebSocketEventMulticaster} and {@link WebSocketEventListenerFactory}
 * in an application context of their own.
 */
class WebSocketEventMulticasterTests {

	private static final ResolvableType MESSAGE_TYPE = ResolvableType.forClass(WebSocketMessageEvent.class);

	private static final List<String> calls = new ArrayList<>();

	private static final Set<Object> instances = ConcurrentHashMap.newKeySet();

	private final WebSocketServer server = mock(WebSocketServer.class);

	private AnnotationConfigApplicationContext context;

	@AfterEach
	void close() {
		calls.clear();
		instances.clear();
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void keepsMessageListenersBetweenEvents() {
		WebSocketEventMulticaster multicaster = start(SingletonListeners.class, UnrelatedPrototypeListener.class);
		WebSocketMessageEvent event = message(this.server, "one");
		Collection<ApplicationListener<?>> first = multicaster.getApplicationListeners(event, MESSAGE_TYPE);
		assertThat(multicaster.getApplicationListeners(message(this.server, "two"), MESSAGE_TYPE))
			.as("a prototype bean that cannot receive messages does not stop the keeping")
			.isSameAs(first);
		assertThat(first).hasSize(2).allMatch(WebSocketListenerMethodAdapter.class::isInstance);
	}

	@Test
	void resolvesListenersAgainAfterOneIsAddedOrRemoved() {
		WebSocketEventMulticaster multicaster = start(SingletonListeners.class);
		multicaster.multicastEvent(message(this.server, "before"), MESSAGE_TYPE);
		ApplicationListener<WebSocketMessageEvent> added = (event) -> calls.add("added:" + event.getFrame().getData());
		this.context.addApplicationListener(added);
		multicaster.multicastEvent(message(this.server, "while"), MESSAGE_TYPE);
		this.context.removeApplicationListener(added);
		multicaster.multicastEvent(message(this.server, "after"), MESSAGE_TYPE);
		assertThat(calls).containsExactly("first:before", "second:before", "first:while", "second:while", "added:while",
				"first:after", "second:after");
	}

	@Test
	void looksUpPrototypeMessageListenerBeanForEveryEvent() {
		WebSocketEventMulticaster multicaster = start(PrototypeMessageListener.class);
		multicaster.multicastEvent(message(this.server, "one"), MESSAGE_TYPE);
		multicaster.multicastEvent(message(this.server, "two"), MESSAGE_TYPE);
		assertThat(calls).containsExactly("prototype:one", "prototype:two");
		assertThat(instances).hasSize(2);
	}

	@Test
	void keepsListenersForEachSourceType() {
		WebSocketEventMulticaster multicaster = start(SourceFilteringListener.class);
		OtherServer other = mock(OtherServer.class);
		multicaster.multicastEvent(message(this.server, "plain"), MESSAGE_TYPE);
		multicaster.multicastEvent(message(other, "other"), MESSAGE_TYPE);
		multicaster.multicastEvent(message(this.server, "plain again"), MESSAGE_TYPE);
		multicaster.multicastEvent(message(other, "other again"), MESSAGE_TYPE);
		assertThat(calls).containsExactly("other-only:other", "other-only:other again");
	}

	@Test
	void wrapsCheckedExceptionsOfListenersAsSpringsListenerDoes() {
		WebSocketEventMulticaster multicaster = start(ThrowingListener.class);
		WebSocketMessageEvent event = message(this.server, "x");
		assertThat(multicaster.getApplicationListeners(event, MESSAGE_TYPE)).singleElement()
			.isInstanceOf(WebSocketListenerMethodAdapter.class);
		assertThatExceptionOfType(UndeclaredThrowableException.class)
			.isThrownBy(() -> multicaster.multicastEvent(event, MESSAGE_TYPE))
			.withMessageContaining("ThrowingListener")
			.withMessageContaining("Failed to invoke event listener method")
			.satisfies((ex) -> assertThat(ex.getUndeclaredThrowable()).isInstanceOf(IOException.class)
				.hasMessage("checked"));
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> multicaster.multicastEvent(message(this.server, "unchecked"), MESSAGE_TYPE))
			.withMessage("unchecked");
	}

	@Test
	void leavesAnnotationsComposedWithEventListenerToSpring() {
		WebSocketEventMulticaster multicaster = start(ComposedAnnotationListener.class);
		WebSocketMessageEvent event = message(this.server, "composed");
		assertThat(multicaster.getApplicationListeners(event, MESSAGE_TYPE)).singleElement()
			.isNotInstanceOf(WebSocketListenerMethodAdapter.class);
		multicaster.multicastEvent(event, MESSAGE_TYPE);
		assertThat(calls).containsExactly("composed:composed");
	}

	private WebSocketEventMulticaster start(Class<?>... components) {
		this.context = new AnnotationConfigApplicationContext();
		this.context.register(Infrastructure.class);
		this.context.register(components);
		this.context.refresh();
		return this.context.getBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME,
				WebSocketEventMulticaster.class);
	}

	private static WebSocketMessageEvent message(WebSocketServer source, String text) {
		return new WebSocketMessageEvent(source, Frame.text(1, text));
	}

	interface OtherServer extends WebSocketServer {

	}

	@Configuration(proxyBeanMethods = false)
	static class Infrastructure {

		@Bean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
		static WebSocketEventMulticaster applicationEventMulticaster() {
			return new WebSocketEventMulticaster();
		}

		@Bean
		static WebSocketEventListenerFactory webSocketEventListenerFactory() {
			return new WebSocketEventListenerFactory();
		}

	}

	static class SingletonListeners {

		@EventListener
		@org.springframework.core.annotation.Order(1)
		void first(WebSocketMessageEvent event) {
			calls.add("first:" + event.getFrame().getData());
		}

		@EventListener
		@org.springframework.core.annotation.Order(2)
		void second(WebSocketMessageEvent event) {
			calls.add("second:" + event.getFrame().getData());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnrelatedPrototypeListener {

		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		ApplicationListener<ContextRefreshedEvent> refreshed() {
			return new ApplicationListener<>() {

				@Override
				public void onApplicationEvent(ContextRefreshedEvent event) {
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeMessageListener {

		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		MessageListener messageListener() {
			return new MessageListener();
		}

	}

	static class MessageListener implements ApplicationListener<WebSocketMessageEvent> {

		@Override
		public void onApplicationEvent(WebSocketMessageEvent event) {
			instances.add(this);
			calls.add("prototype:" + event.getFrame().getData());
		}

	}

	static class SourceFilteringListener implements SmartApplicationListener {

		@Override
		public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
			return WebSocketMessageEvent.class.isAssignableFrom(eventType);
		}

		@Override
		public boolean supportsSourceType(Class<?> sourceType) {
			return sourceType != null && OtherServer.class.isAssignableFrom(sourceType);
		}

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
			calls.add("other-only:" + ((WebSocketMessageEvent) event).getFrame().getData());
		}

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@EventListener
	@interface OnMessage {

	}

	static class ComposedAnnotationListener {

		@OnMessage
		void onMessage(WebSocketMessageEvent event) {
			calls.add("composed:" + event.getFrame().getData());
		}

	}

	static class ThrowingListener {

		@EventListener
		void onMessage(WebSocketMessageEvent event) throws IOException {
			if ("unchecked".equals(event.getFrame().getData())) {
				throw new IllegalStateException("unchecked");
			}
			throw new IOException("checked");
		}

	}

}
