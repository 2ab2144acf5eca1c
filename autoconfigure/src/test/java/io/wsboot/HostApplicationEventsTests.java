package io.wsboot;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wsboot.autoconfigure.WsbootAutoConfiguration;
import io.wsboot.event.WebSocketEventMulticaster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.context.event.EventListener;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.event.TransactionalEventListenerFactory;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that the application's own events behave with wsboot as without it: each test
 * runs once without wsboot's auto-configuration and once with it, and expects the same.
 */
class HostApplicationEventsTests {

	private static final ReactiveWebApplicationContextRunner withoutWsboot = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class))
		.withUserConfiguration(Recorder.class);

	private static final ReactiveWebApplicationContextRunner withWsboot = withoutWsboot
		.withConfiguration(AutoConfigurations.of(WsbootAutoConfiguration.class));

	private static ReactiveWebApplicationContextRunner contextRunner(boolean wsboot) {
		return wsboot ? withWsboot : withoutWsboot;
	}

	@ParameterizedTest(name = "wsboot: {0}")
	@ValueSource(booleans = { false, true })
	void callsListenersOfOtherEventsInTheirOrder(boolean wsboot) {
		contextRunner(wsboot).withUserConfiguration(OrderedListeners.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(multicaster(context))
				.isInstanceOf(wsboot ? WebSocketEventMulticaster.class : SimpleApplicationEventMulticaster.class);
			for (int i = 0; i < 3; i++) {
				context.publishEvent(new AppEvent(context, "event" + i));
			}
			assertThat(recorded(context)).containsExactly("interface:event0", "first:event0", "second:event0",
					"unordered:event0", "interface:event1", "first:event1", "second:event1", "unordered:event1",
					"interface:event2", "first:event2", "second:event2", "unordered:event2");
		});
	}

	@ParameterizedTest(name = "wsboot: {0}")
	@ValueSource(booleans = { false, true })
	void callsConditionalListenersOnlyWhenTheirConditionHolds(boolean wsboot) {
		contextRunner(wsboot).withUserConfiguration(ConditionalListeners.class).run((context) -> {
			assertThat(context).hasNotFailed();
			context.publishEvent(new AppEvent(context, "no"));
			context.publishEvent(new AppEvent(context, "yes"));
			context.publishEvent("a payload");
			context.publishEvent("yes");
			assertThat(recorded(context)).containsExactly("conditional:yes", "payload:yes");
		});
	}

	@ParameterizedTest(name = "wsboot: {0}")
	@ValueSource(booleans = { false, true })
	void callsTransactionalListenersInTheirPhase(boolean wsboot) {
		contextRunner(wsboot).withUserConfiguration(TransactionalListeners.class).run((context) -> {
			assertThat(context).hasNotFailed();
			TransactionTemplate transaction = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			transaction.executeWithoutResult((status) -> {
				context.publishEvent(new AppEvent(context, "committed"));
				context.getBean(Recorder.class).add("end of the committed transaction");
			});
			transaction.executeWithoutResult((status) -> {
				context.publishEvent(new AppEvent(context, "rolled back"));
				status.setRollbackOnly();
			});
			context.publishEvent(new AppEvent(context, "outside"));
			assertThat(recorded(context)).containsExactly("end of the committed transaction", "after commit:committed",
					"after rollback:rolled back", "fallback:outside");
		});
	}

	@ParameterizedTest(name = "wsboot: {0}")
	@ValueSource(booleans = { false, true })
	void usesTheErrorHandlerOfTheApplicationsMulticaster(boolean wsboot) {
		contextRunner(wsboot).withUserConfiguration(ErrorHandlingMulticasterConfiguration.class, FailingListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(multicaster(context)).isExactlyInstanceOf(RecordingMulticaster.class);
				context.publishEvent(new AppEvent(context, "x"));
				assertThat(((RecordingMulticaster) multicaster(context)).errors).singleElement()
					.satisfies((error) -> assertThat(error).hasMessage("listener failed on x"));
				assertThat(recorded(context)).containsExactly("after the failing one:x");
			});
	}

	@ParameterizedTest(name = "wsboot: {0}")
	@ValueSource(booleans = { false, true })
	void keepsTheTaskExecutorOfTheApplicationsMulticaster(boolean wsboot) {
		contextRunner(wsboot).withUserConfiguration(AsyncMulticasterConfiguration.class, OrderedListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(multicaster(context)).isExactlyInstanceOf(RecordingMulticaster.class);
				context.publishEvent(new AppEvent(context, "async"));
				Recorder recorder = context.getBean(Recorder.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> recorder.entries.size() == 4);
				assertThat(recorder.threads).hasSize(4)
					.allSatisfy((thread) -> assertThat(thread).startsWith("app-events-"));
			});
	}

	private static ApplicationEventMulticaster multicaster(AssertableReactiveWebApplicationContext context) {
		return context.getBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME,
				ApplicationEventMulticaster.class);
	}

	private static List<String> recorded(AssertableReactiveWebApplicationContext context) {
		return context.getBean(Recorder.class).entries;
	}

	/**
	 * An event of the application's, public for the conditions' SpEL.
	 */
	public static class AppEvent extends ApplicationEvent {

		private final String value;

		AppEvent(Object source, String value) {
			super(source);
			this.value = value;
		}

		public String getValue() {
			return this.value;
		}

	}

	static class Recorder {

		final List<String> entries = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		void add(String entry) {
			this.entries.add(entry);
			this.threads.add(Thread.currentThread().getName());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedListeners {

		@Bean
		Listeners orderedListenerMethods(Recorder recorder) {
			return new Listeners(recorder);
		}

		@Bean
		OrderedInterfaceListener orderedInterfaceListener(Recorder recorder) {
			return new OrderedInterfaceListener(recorder);
		}

		static class Listeners {

			private final Recorder recorder;

			Listeners(Recorder recorder) {
				this.recorder = recorder;
			}

			@EventListener
			void unordered(AppEvent event) {
				this.recorder.add("unordered:" + event.getValue());
			}

			@EventListener
			@Order(2)
			void second(AppEvent event) {
				this.recorder.add("second:" + event.getValue());
			}

			@EventListener
			@Order(1)
			void first(AppEvent event) {
				this.recorder.add("first:" + event.getValue());
			}

		}

		static class OrderedInterfaceListener implements ApplicationListener<AppEvent>, Ordered {

			private final Recorder recorder;

			OrderedInterfaceListener(Recorder recorder) {
				this.recorder = recorder;
			}

			@Override
			public void onApplicationEvent(AppEvent event) {
				this.recorder.add("interface:" + event.getValue());
			}

			@Override
			public int getOrder() {
				return 0;
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConditionalListeners {

		@Bean
		Listeners conditionalListenerMethods(Recorder recorder) {
			return new Listeners(recorder);
		}

		static class Listeners {

			private final Recorder recorder;

			Listeners(Recorder recorder) {
				this.recorder = recorder;
			}

			@EventListener(condition = "#root.event.value == 'yes'")
			void conditional(AppEvent event) {
				this.recorder.add("conditional:" + event.getValue());
			}

			@EventListener(condition = "#root.args[0] == 'yes'")
			void payload(String payload) {
				this.recorder.add("payload:" + payload);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionalListeners {

		@Bean
		static TransactionalEventListenerFactory transactionalEventListenerFactory() {
			return new TransactionalEventListenerFactory();
		}

		@Bean
		TestTransactionManager transactionManager() {
			return new TestTransactionManager();
		}

		@Bean
		Listeners transactionalListenerMethods(Recorder recorder) {
			return new Listeners(recorder);
		}

		static class Listeners {

			private final Recorder recorder;

			Listeners(Recorder recorder) {
				this.recorder = recorder;
			}

			@TransactionalEventListener(condition = "#root.event.value != 'outside'")
			void afterCommit(AppEvent event) {
				this.recorder.add("after commit:" + event.getValue());
			}

			@TransactionalEventListener(phase = TransactionPhase.AFTER_ROLLBACK)
			void afterRollback(AppEvent event) {
				this.recorder.add("after rollback:" + event.getValue());
			}

			@TransactionalEventListener(condition = "#root.event.value == 'outside'", fallbackExecution = true)
			void fallback(AppEvent event) {
				this.recorder.add("fallback:" + event.getValue());
			}

		}

	}

	/**
	 * A transaction manager with nothing to manage: its transactions begin, commit and
	 * roll back with their synchronizations and nothing else.
	 */
	static class TestTransactionManager extends AbstractPlatformTransactionManager {

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}

	}

	static class RecordingMulticaster extends SimpleApplicationEventMulticaster {

		final List<Throwable> errors = new CopyOnWriteArrayList<>();

	}

	@Configuration(proxyBeanMethods = false)
	static class ErrorHandlingMulticasterConfiguration {

		@Bean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
		static RecordingMulticaster applicationEventMulticaster() {
			RecordingMulticaster multicaster = new RecordingMulticaster();
			multicaster.setErrorHandler(multicaster.errors::add);
			return multicaster;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncMulticasterConfiguration {

		@Bean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
		static RecordingMulticaster applicationEventMulticaster() {
			RecordingMulticaster multicaster = new RecordingMulticaster();
			multicaster.setTaskExecutor(new SimpleAsyncTaskExecutor("app-events-"));
			return multicaster;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingListeners {

		@Bean
		Listeners failingListenerMethods(Recorder recorder) {
			return new Listeners(recorder);
		}

		static class Listeners {

			private final Recorder recorder;

			Listeners(Recorder recorder) {
				this.recorder = recorder;
			}

			@EventListener
			@Order(1)
			void failing(AppEvent event) {
				throw new IllegalStateException("listener failed on " + event.getValue());
			}

			@EventListener
			@Order(2)
			void afterTheFailingOne(AppEvent event) {
				this.recorder.add("after the failing one:" + event.getValue());
			}

		}

	}

}
